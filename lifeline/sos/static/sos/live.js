/* Live updates of the SOS pages over /ws/sos_events/ (session cookie auth), and geolocation
   for the SOS button and the helper's location. No inline handlers (CSP). */
(function () {
  "use strict";

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function connect(path, onFrame, onState) {
    var delay = 1000;
    function open() {
      var socket = new WebSocket(wsUrl(path));
      socket.addEventListener("open", function () { delay = 1000; if (onState) onState(true); });
      socket.addEventListener("message", function (message) {
        var frame;
        try { frame = JSON.parse(message.data); } catch (e) { return; }
        if (frame && typeof frame.type === "string" && frame.type.indexOf("sos_event") === 0) {
          onFrame(frame);
        }
      });
      socket.addEventListener("close", function (event) {
        if (onState) onState(false);
        if (event.code === 4403) return;
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }
    open();
  }
  window.SosLive = { connect: connect };

  function swapFrom(html, selector) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll(selector).forEach(function (node) {
      var key = selector.replace(/[\[\]]/g, "");
      var fresh = doc.querySelector("[" + key + '="' + node.getAttribute(key) + '"]');
      if (fresh) node.innerHTML = fresh.innerHTML;
    });
  }

  function refreshPage(section) {
    var url = section.getAttribute("data-refresh-url");
    if (url) {
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var target = document.querySelector(section.getAttribute("data-refresh-target"));
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector(section.getAttribute("data-refresh-target"));
        if (target && fresh) target.innerHTML = fresh.innerHTML;
      });
      return;
    }
    fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      swapFrom(html, "[data-status-of]");
      swapFrom(html, "[data-helper-of]");
      swapFrom(html, "[data-timeline-of]");
    });
  }

  document.querySelectorAll("[data-sos-live]").forEach(function (section) {
    connect(section.getAttribute("data-ws-path"), function () { refreshPage(section); });
  });

  // The helper's "share my location now": browser geolocation → PATCH /api/v1/sos/helper/
  // (session + CSRF), then the page is reloaded to show the fresh location.
  document.querySelectorAll("[data-share-location]").forEach(function (button) {
    var box = button.closest("[data-location-stale]") || document;
    var status = box.querySelector("[data-share-status]");
    function say(key) {
      if (!status) return;
      status.textContent = status.getAttribute("data-msg-" + key) || "";
      status.hidden = false;
    }
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { say("failed"); return; }
      button.disabled = true;
      say("sharing");
      navigator.geolocation.getCurrentPosition(function (position) {
        var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
        fetch(button.getAttribute("data-url"), {
          method: "PATCH",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
          body: JSON.stringify({ lat: position.coords.latitude, lon: position.coords.longitude })
        }).then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          location.reload();
        }).catch(function () { button.disabled = false; say("failed"); });
      }, function (error) {
        button.disabled = false;
        say(error && error.code === 1 ? "denied" : "failed");
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 0 });
    });
  });

  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.located || !navigator.geolocation) return;
      event.preventDefault();
      var done = function () { form.dataset.located = "1"; form.submit(); };
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector('[name="lat"]').value = position.coords.latitude;
        form.querySelector('[name="lon"]').value = position.coords.longitude;
        done();
      }, done, { enableHighAccuracy: true, timeout: 5000, maximumAge: 60000 });
    });
  });
})();
