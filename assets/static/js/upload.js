// Keeps the upload progress bar moving by asking the server how far the
// upload has got, then goes on to the report when it is done. When the
// server no longer knows the upload (it restarted, say), the page says so
// and stops asking; while the server cannot be reached, it keeps trying.
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box) { return; }
  var id = box.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var stage = document.getElementById("job-stage");
  var words = { waiting: "Waiting to start", reading: "Reading the file", checking: "Checking the figures", storing: "Storing the figures" };
  var gone = "This upload is no longer being checked. Look at the council's returns to see whether it was stored, and if it was not, upload the file again.";
  // stop shows why the page stopped following the upload.
  function stop(message) {
    var label = box.querySelector("label");
    var refresh = document.getElementById("job-refresh");
    box.setAttribute("data-job-state", "stopped");
    bar.hidden = true;
    if (label) { label.hidden = true; }
    if (refresh) { refresh.hidden = true; }
    stage.textContent = message || gone;
    stage.className = "govuk-body govuk-!-font-weight-bold";
  }
  function poll() {
    fetch("/returns/jobs/" + encodeURIComponent(id) + "/progress", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        // A 4xx answer is final (the upload is unknown, or the session
        // ended): say what the server says and stop. A 5xx may pass, as
        // may a failed request, which the catch below retries.
        if (r.status >= 400 && r.status < 500) {
          return r.json().catch(function () { return {}; }).then(function (b) {
            stop(b && b.error && b.error.message);
            return null;
          });
        }
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(function (s) {
        if (!s) { return; }
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
