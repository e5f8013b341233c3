/* The call-centre board and a master's requests refresh live over /ws/callcentre/ (session
   cookie auth): on any fieldservice.* event the live sections are refetched from this page.
   Events carry ids only; the page itself applies the person's scope. No inline handlers (CSP). */
(function () {
  "use strict";
  var sections = document.querySelectorAll("[data-fs-live]");
  if ((!sections.length && !document.querySelector("[data-fs-caller-slot]")) || !window.WebSocket) return;
  var pending = null;

  function refresh() {
    pending = null;
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        sections.forEach(function (node) {
          var fresh = doc.querySelector('[data-fs-live="' + node.getAttribute("data-fs-live") + '"]');
          if (fresh && !node.contains(document.activeElement)) node.innerHTML = fresh.innerHTML;
        });
      });
  }

  /* A call rings on this operator's extension: fetch the caller's card (the page applies
     the operator's scope) and show it above the board, with a close button. */
  var slot = document.querySelector("[data-fs-caller-slot]");
  function showCaller(callId) {
    if (!slot || !/^[0-9a-f-]{36}$/.test(callId)) return;
    fetch("/fieldservice/calls/" + callId + "/card/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var card = doc.querySelector("[data-fs-caller-card]");
        if (!card) return;
        slot.replaceChildren(document.importNode(card, true));
        var close = slot.querySelector("[data-fs-caller-close]");
        if (close) {
          close.hidden = false;
          close.addEventListener("click", function () { slot.replaceChildren(); });
        }
      });
  }

  var delay = 1000;
  function open() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/callcentre/");
    socket.addEventListener("open", function () {
      delay = 1000;
      document.body.setAttribute("data-fs-connected", "1"); /* tests wait for it */
    });
    socket.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame && frame.type === "fieldservice.call_ringing" && frame.data) {
        showCaller(String(frame.data.call_id || ""));
      }
      if (frame && typeof frame.type === "string" && frame.type.indexOf("fieldservice.") === 0 && !pending) {
        pending = setTimeout(refresh, 300); /* a burst of events is one refetch */
      }
    });
    socket.addEventListener("close", function (event) {
      document.body.removeAttribute("data-fs-connected");
      if (event.code === 4403) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  open();
})();
