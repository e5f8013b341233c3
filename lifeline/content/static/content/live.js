/* A post's thread refreshes live over /ws/content/posts/<id>/ and a channel's post list over
   /ws/content/channels/<slug>/ (session cookie auth): on a content.* event (new post; new,
   hidden, removed, restored comment) the live part is refetched from this page, which applies the reader's scope. Events carry ids only. No inline handlers (CSP).
   Anonymous readers get close code 4401 and simply do not reconnect. */
(function () {
  "use strict";
  var thread = document.querySelector("[data-content-live]");
  if (!thread || !window.WebSocket) return;
  var path = thread.getAttribute("data-live-url");
  var pending = null;

  function refresh() {
    pending = null;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "live" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-content-live]");
        /* Keep a reply being typed: skip this refresh, the next event brings it. */
        if (fresh && !thread.contains(document.activeElement)) thread.innerHTML = fresh.innerHTML;
      });
  }

  var delay = 1000;
  function open() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    socket.addEventListener("open", function () { delay = 1000; });
    socket.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame && typeof frame.type === "string" && frame.type.indexOf("content.") === 0 && !pending) {
        pending = setTimeout(refresh, 200); /* a burst of events is one refetch */
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  open();
})();
