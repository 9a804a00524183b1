// Keeps the upload progress bar moving by asking the server how far the
// upload has got, then goes on to the report when it is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box) { return; }
  var id = box.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var stage = document.getElementById("job-stage");
  var words = { waiting: "Waiting to start", reading: "Reading the file", checking: "Checking the figures", storing: "Storing the figures" };
  function poll() {
    fetch("/returns/jobs/" + encodeURIComponent(id) + "/progress", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.percent;
        bar.textContent = s.percent + "%";
        var text = words[s.stage] || s.stage || "";
        if (s.done) { text += ": " + s.done.toLocaleString("en-GB") + (s.total ? " of " + s.total.toLocaleString("en-GB") : "") + " rows"; }
        stage.textContent = text;
        // Once finished, the server names the page with the outcome (the
        // report, or this job's page, which then shows the outcome rather
        // than this progress bar); never poll a finished job again.
        if (s.finished) {
          if (s.next) { window.location.assign(s.next); } else { stage.textContent = "Finished. Refresh the page to see the outcome."; }
          return;
        }
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 1500); });
  }
  poll();
})();
