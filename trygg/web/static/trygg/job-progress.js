// Progress of a background job (the annual report): polls the job's JSON status and, when the job
// is done or failed, reloads the page (which then shows the report or the error) or, for a file,
// downloads it. A static file, no inline script (CSP); without JavaScript a <meta refresh> reloads.
"use strict";
(function () {
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-job-percent]");
  var step = box.querySelector("[data-job-step]");
  var ready = box.querySelector("[data-job-ready]");

  function show(s) {
    if (bar) bar.value = s.progress;
    if (percent) percent.textContent = s.progress + " %";
    if (step && s.step) step.textContent = s.step;
  }

  function poll() {
    fetch(box.dataset.jobStatus, {headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        show(s);
        if (s.status === "done" && box.dataset.jobDownload) {
          if (bar) bar.value = 100;
          if (ready) ready.hidden = false;
          window.location.href = box.dataset.jobDownload;
        } else if (s.status === "done" || s.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
