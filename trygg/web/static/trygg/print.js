// Buttons and links marked data-print open the browser's print dialog (no inline onclick: CSP).
"use strict";
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-print]");
  if (!el) return;
  event.preventDefault();
  window.print();
});
