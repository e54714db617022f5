// Reflow (WCAG 1.4.10): every wide table of the page scrolls inside its own box instead of making
// the whole page scroll sideways. The box is focusable (keyboard users can scroll it) and named after
// the table's caption or the heading before it.
(function () {
  "use strict";
  function nameOf(table) {
    var cap = table.querySelector("caption");
    if (cap && cap.textContent.trim()) { return cap.textContent.trim(); }
    var el = table.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) { el = el.previousElementSibling; }
    if (!el && table.parentElement) {
      var h = table.parentElement.querySelector("h1, h2, h3, h4");
      if (h) { el = h; }
    }
    return el ? el.textContent.trim() : document.title;
  }
  function wrap() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var t = tables[i];
      if (t.closest(".table-scroll, .leaflet-container")) { continue; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", nameOf(t));
      t.parentNode.insertBefore(box, t);
      box.appendChild(t);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wrap); } else { wrap(); }
}());
