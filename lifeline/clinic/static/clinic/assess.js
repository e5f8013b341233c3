// One question per screen: VAS by tap on the line, ± buttons and arrow keys (no drag-only
// control, WCAG 2.5.7), optional vertical VAS, and read-aloud through speechSynthesis.
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
      var pct = ((v - min) / (max - min)) * 100;
      thumb.hidden = false;
      if (vertical) { thumb.style.left = ""; thumb.style.top = (100 - pct) + "%"; }
      else { thumb.style.top = ""; thumb.style.left = pct + "%"; }
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
    line.addEventListener("click", function (event) {
      var rect = line.getBoundingClientRect();
      var ratio = vertical
        ? 1 - (event.clientY - rect.top) / rect.height
        : (event.clientX - rect.left) / rect.width;
      set(min + ratio * (max - min));
    });
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
