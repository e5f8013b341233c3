/* Reading time for trust levels: while the post page is visible, focused and the reader was
   active (scroll, key, pointer) in the last minute, the seconds add up; every 30 s (and when
   the page is hidden) they are sent to /api/v1/content/posts/<id>/reading/ (session + CSRF).
   The server sums them per user, channel and day and never counts faster than real time. */
(function () {
  "use strict";
  var post = document.querySelector("[data-reading-url]");
  if (!post || !window.fetch) return;
  var url = post.getAttribute("data-reading-url");
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  var seconds = 0;
  var lastActive = Date.now();
  var IDLE_MS = 60000;
  ["scroll", "keydown", "pointerdown", "pointermove"].forEach(function (name) {
    window.addEventListener(name, function () { lastActive = Date.now(); }, { passive: true });
  });

  function send() {
    if (seconds < 1) return;
    var body = JSON.stringify({ seconds: Math.min(seconds, 60) });
    seconds = 0;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body
    }).catch(function () { /* a lost report only loses a few seconds */ });
  }

  setInterval(function () {
    if (document.visibilityState === "visible" && document.hasFocus() && Date.now() - lastActive < IDLE_MS) {
      seconds += 1;
    }
    if (seconds >= 30) send();
  }, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
  });
})();
