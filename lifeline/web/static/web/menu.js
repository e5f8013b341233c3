/* Lifeline web shell: on a narrow screen the header's navigation and tools fold behind the
 * "Menu" button (web.css hides .site-menu there unless it is open). Without this script the
 * menu simply stays open. The button mirrors the unread badge, which live.js keeps current. */
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var toggle = header && header.querySelector("[data-site-menu-toggle]");
  var menu = header && header.querySelector("[data-site-menu]");
  if (!toggle || !menu) return;

  function setOpen(open) {
    menu.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  header.classList.add("site-header--menu");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });

  var source = header.querySelector("[data-unread-badge]");
  var mirror = toggle.querySelector("[data-menu-unread]");
  if (!source || !mirror) return;
  var sync = function () {
    var count = source.querySelector("[data-unread-count]");
    mirror.querySelector("[data-menu-unread-count]").textContent = count ? count.textContent : "";
    mirror.hidden = source.hidden;
  };
  sync();
  new MutationObserver(sync).observe(source, {
    attributes: true, attributeFilter: ["hidden"], childList: true, subtree: true, characterData: true
  });
})();
