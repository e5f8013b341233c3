/* Live ambulance pages: /ws/dispatch/ (console) and /ws/crew/ (crew card) refetch the page's
   live region on every frame; a new critical call plays a short tone on the console; the crew
   card shares the phone's position (at most every 15 s, pausing on 429 and errors). No inline
   handlers (CSP). */
(function () {
  "use strict";
  var script = document.currentScript;

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function beep() {
    try {
      var AudioCtx = window.AudioContext || window.webkitAudioContext;
      var ctx = new AudioCtx();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* no audio: the list still changes */ }
  }

  function announce(text) {
    var region = document.querySelector("[data-live-announcer]");
    if (region && text) region.textContent = text;
  }

  function refresh(section) {
    var target = document.querySelector(section.getAttribute("data-refresh-target"));
    fetch(section.getAttribute("data-refresh-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (target) target.innerHTML = html;
        document.dispatchEvent(new CustomEvent("ambulance:refreshed"));
      })
      .catch(function () { /* the next frame or reconnect refetches */ });
  }

  function connect(section) {
    var delay = 1000;
    var state = section.querySelector("[data-ws-state]");
    function open() {
      var socket = new WebSocket(wsUrl(section.getAttribute("data-ws-path")));
      socket.addEventListener("open", function () {
        delay = 1000;
        if (state) {
          state.textContent = state.getAttribute("data-live") || "Live";
          state.setAttribute("data-connected", "1");
        }
        refresh(section);  // catch up with what happened while disconnected
      });
      socket.addEventListener("message", function (message) {
        var frame;
        try { frame = JSON.parse(message.data); } catch (e) { return; }
        if (!frame || typeof frame.type !== "string") return;
        if (frame.type === "new_call" && frame.payload && frame.payload.criticality === "critical") {
          beep();
          announce(section.getAttribute("data-new-critical"));
        }
        refresh(section);
      });
      socket.addEventListener("close", function (event) {
        if (state) { state.textContent = "…"; state.removeAttribute("data-connected"); }
        if (event.code === 4403) return;
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }
    open();
  }

  document.querySelectorAll("[data-ambulance-live]").forEach(connect);

  // Keyboard: "N" opens and focuses the new-call form on the console; any other letter
  // goes to the page's element marked data-shortcut="<letter>" (a link or button is
  // pressed, a field focused): O opens the first call of the queue, A assigns the chosen
  // team, R and X go to the reject and cancel reasons on the call card.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = (event.key || "").toLowerCase();
    if (!/^[a-z]$/.test(key)) return;
    if (key === "n") {
      var intake = document.getElementById("amb-intake");
      if (!intake) return;
      event.preventDefault();
      intake.open = true;
      var first = intake.querySelector("input, select, textarea");
      if (first) first.focus();
      return;
    }
    var target = document.querySelector('[data-shortcut="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "A" || target.tagName === "BUTTON") target.click();
    else target.focus();
  });

  // Position sharing: the newest fix is posted at most every 15 s. A refusal never throws
  // into the console: 429 waits for Retry-After (else backs off, 5 s doubling up to 5 min)
  // and says "paused, retrying"; a network or server error backs off the same way; a fix
  // the server refuses (400) is dropped and the next one is sent.
  var share = document.querySelector("[data-share-position]");
  if (share && navigator.geolocation) {
    var INTERVAL = 15000, FIRST_BACKOFF = 5000, MAX_WAIT = 300000;
    var status = share.querySelector("[data-share-state]");
    var start = share.querySelector("[data-share-start]");
    var latest = null, nextAt = 0, timer = null, inFlight = false, failures = 0, watching = false;

    function say(name) {
      if (status) status.textContent = script.getAttribute(name) || "";
    }

    function retryAfterMs(response) {
      var header = response.headers.get("Retry-After");
      if (!header) return null;
      var seconds = Number(header);
      if (isFinite(seconds) && seconds >= 0) return seconds * 1000;
      var date = Date.parse(header);
      return isNaN(date) ? null : Math.max(0, date - Date.now());
    }

    function backoff(waitMs) {
      failures += 1;
      var wait = waitMs !== null && waitMs !== undefined
        ? waitMs : FIRST_BACKOFF * Math.pow(2, Math.min(failures - 1, 6));
      nextAt = Date.now() + Math.min(Math.max(wait, 1000), MAX_WAIT);
      say("data-share-paused");
    }

    function schedule() {
      if (timer || inFlight || !latest) return;
      timer = setTimeout(send, Math.max(0, nextAt - Date.now()));
    }

    function send() {
      timer = null;
      var fix = latest;
      if (!fix) return;
      latest = null;
      inFlight = true;
      var body = new FormData(share);
      body.set("lat", fix.lat);
      body.set("lon", fix.lon);
      fetch(share.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (response.ok) {
            failures = 0;
            nextAt = Date.now() + INTERVAL;
            say("data-sharing");
          } else if (response.status === 400) {
            nextAt = Date.now() + INTERVAL;  // this fix is refused; the next one is sent
            say("data-share-failed");
          } else {
            if (!latest) latest = fix;  // send it again unless a newer fix came meanwhile
            backoff(response.status === 429 ? retryAfterMs(response) : null);
          }
        })
        .catch(function () {
          if (!latest) latest = fix;
          backoff(null);
        })
        .then(function () {
          inFlight = false;
          schedule();
        });
    }

    start.addEventListener("click", function () {
      if (watching) return;
      watching = true;
      start.disabled = true;
      var watchId = navigator.geolocation.watchPosition(function (pos) {
        latest = { lat: pos.coords.latitude.toFixed(6), lon: pos.coords.longitude.toFixed(6) };
        schedule();
      }, function (error) {
        say("data-share-failed");
        if (error && error.code === 1) {  // permission denied: the button can ask again
          navigator.geolocation.clearWatch(watchId);
          watching = false;
          start.disabled = false;
        }
      }, { enableHighAccuracy: true, maximumAge: 10000 });
    });
  }
})();
