/* Lifeline web shell: the live unread badge and inbox over /ws/notifications/.
 *
 * Connects with the session cookie, reconnects with capped exponential backoff (not after
 * 4401 "signed out" or 4403 "not allowed"), pings every 25 s for presence, updates every
 * [data-unread-badge] from the events' unread_count and, on the inbox page, reloads the
 * list fragment ([data-inbox-live][data-fragment-url]) when a notification arrives.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var path = (script && script.getAttribute("data-ws-path")) || "/ws/notifications/";
  var newText = (script && script.getAttribute("data-new-notification")) || "New notification";
  var PING_MS = 25000;
  var MAX_DELAY_MS = 30000;
  var attempt = 0;
  var socket = null;
  var pingTimer = null;

  function setUnread(count) {
    if (typeof count !== "number" || count < 0) {
      return;
    }
    document.querySelectorAll("[data-unread-badge]").forEach(function (badge) {
      var number = badge.querySelector("[data-unread-count]");
      if (number) {
        number.textContent = String(count);
      }
      badge.hidden = count === 0;
    });
    document.querySelectorAll("[data-unread-total]").forEach(function (node) {
      node.textContent = String(count);
    });
  }

  function announce(text) {
    var region = document.querySelector("[data-live-announcer]");
    if (region && text) {
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = text;
      }, 50);
    }
  }

  function reloadInbox() {
    var inbox = document.querySelector("[data-inbox-live]");
    if (!inbox) {
      return;
    }
    var url = inbox.getAttribute("data-fragment-url");
    if (!url) {
      return;
    }
    window
      .fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        // The fragment is our own server-rendered, escaped template.
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-inbox-live]");
        if (fresh) {
          inbox.replaceWith(fresh);
        }
      })
      .catch(function () {});
  }

  function onEvent(message) {
    if (!message || typeof message !== "object") {
      return;
    }
    var data = message.data || {};
    if (message.type === "notifications.notification_created") {
      setUnread(data.unread_count);
      announce(newText + ": " + (data.title || ""));
      reloadInbox();
    } else if (message.type === "notifications.unread_count_changed") {
      setUnread(data.unread_count);
      reloadInbox();
    }
  }

  function schedule() {
    var delay = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, attempt));
    attempt += 1;
    window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new window.WebSocket(scheme + window.location.host + path);
    } catch (error) {
      schedule();
      return;
    }
    socket.addEventListener("open", function () {
      attempt = 0;
      document.documentElement.setAttribute("data-live", "connected");
      pingTimer = window.setInterval(function () {
        if (socket && socket.readyState === 1) {
          socket.send(JSON.stringify({ type: "ping" }));
        }
      }, PING_MS);
    });
    socket.addEventListener("message", function (event) {
      try {
        onEvent(JSON.parse(event.data));
      } catch (error) {
        /* not JSON: ignore */
      }
    });
    socket.addEventListener("close", function (event) {
      document.documentElement.setAttribute("data-live", "closed");
      if (pingTimer) {
        window.clearInterval(pingTimer);
        pingTimer = null;
      }
      if (event.code === 4401 || event.code === 4403) {
        return;
      }
      schedule();
    });
  }

  if ("WebSocket" in window) {
    connect();
  }
})();
