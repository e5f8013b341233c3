// One question per screen: VAS by tap on the line (or dragging along it), ± buttons and arrow
// keys (no drag-only control, WCAG 2.5.7), optional vertical VAS, and read-aloud through
// speechSynthesis. The thumb's position is the CSS variable --vas-pos (0..1), set via the CSSOM.
(function () {
  "use strict";
  var root = document.querySelector(".clinic-question");
  if (!root) { return; }
  var lang = root.getAttribute("data-lang") === "en" ? "en-US" : "ru-RU";

  // ---- VAS
  var vas = root.querySelector("[data-vas]");
  if (vas) {
    var min = parseFloat(vas.getAttribute("data-min")) || 0;
    var max = parseFloat(vas.getAttribute("data-max")) || 100;
    var line = vas.querySelector("[data-vas-line]");
    var thumb = vas.querySelector("[data-vas-thumb]");
    var track = vas.querySelector(".clinic-vas-track");
    var input = vas.querySelector("[data-vas-input]");
    var output = vas.querySelector("[data-vas-output]");
    var steps = vas.querySelector("[data-vas-steps]");
    var orient = vas.querySelector("[data-vas-orientation]");
    line.hidden = false;
    steps.hidden = false;
    var vertical = false;
    try { vertical = window.localStorage.getItem("clinic.vasVertical") === "1"; } catch (e) { vertical = false; }

    var current = function () {
      var v = parseFloat(input.value);
      return isNaN(v) ? null : v;
    };
    var render = function () {
      var v = current();
      if (v === null) {
        thumb.hidden = true;
        output.textContent = "—";
        line.removeAttribute("aria-valuenow");
        return;
      }
      thumb.hidden = false;
      vas.style.setProperty("--vas-pos", String((v - min) / (max - min)));
      output.textContent = String(v);
      line.setAttribute("aria-valuenow", String(v));
      line.setAttribute("aria-valuetext", String(v));
    };
    var set = function (v) {
      v = Math.round(Math.min(max, Math.max(min, v)));
      input.value = String(v);
      render();
    };
    var applyOrientation = function () {
      vas.classList.toggle("clinic-vas--vertical", vertical);
      line.setAttribute("aria-orientation", vertical ? "vertical" : "horizontal");
      orient.setAttribute("aria-pressed", vertical ? "true" : "false");
      render();
    };
    // The value under a pointer: measured on the drawn track, which is inset from the line's
    // ends; a point beyond an end of the track is that end (so the screen edge gives 0 or 100).
    var setFromPointer = function (event) {
      var rect = track.getBoundingClientRect();
      var ratio = vertical
        ? 1 - (event.clientY - rect.top) / rect.height
        : (event.clientX - rect.left) / rect.width;
      set(min + Math.min(1, Math.max(0, ratio)) * (max - min));
    };
    var dragging = null;
    line.addEventListener("click", function (event) {
      setFromPointer(event);
      line.focus();
    });
    // Dragging refines a value; a touch that scrolls the page instead is cancelled by the browser
    // (touch-action) and sets nothing: only a tap (click) or a drag along the line does.
    line.addEventListener("pointerdown", function (event) {
      dragging = event.pointerId;
      if (line.setPointerCapture) { line.setPointerCapture(event.pointerId); }
    });
    line.addEventListener("pointermove", function (event) {
      if (dragging === event.pointerId) { setFromPointer(event); }
    });
    var stopDragging = function () { dragging = null; };
    line.addEventListener("pointerup", stopDragging);
    line.addEventListener("pointercancel", stopDragging);
    line.addEventListener("keydown", function (event) {
      var v = current();
      var base = v === null ? min : v;
      var delta = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
      if (delta !== undefined) { set(base + delta); event.preventDefault(); }
      else if (event.key === "Home") { set(min); event.preventDefault(); }
      else if (event.key === "End") { set(max); event.preventDefault(); }
    });
    steps.addEventListener("click", function (event) {
      var button = event.target.closest("[data-vas-step]");
      if (!button) { return; }
      var v = current();
      var delta = parseFloat(button.getAttribute("data-vas-step"));
      set(v === null ? (delta > 0 ? min + delta : min) : v + delta);
    });
    input.addEventListener("input", render);
    orient.addEventListener("click", function () {
      vertical = !vertical;
      try { window.localStorage.setItem("clinic.vasVertical", vertical ? "1" : "0"); } catch (e) { /* private mode */ }
      applyOrientation();
    });
    applyOrientation();
  }

  // ---- read aloud
  var speakButton = root.querySelector("[data-read-aloud]");
  if (speakButton && "speechSynthesis" in window) {
    speakButton.hidden = false;
    speakButton.addEventListener("click", function () {
      window.speechSynthesis.cancel();
      var parts = Array.prototype.map.call(root.querySelectorAll("[data-speak]"), function (node) {
        return node.textContent.trim();
      }).filter(Boolean);
      var utterance = new window.SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = lang;
      utterance.rate = 0.9;
      window.speechSynthesis.speak(utterance);
    });
  }
})();
