// Draws every chart on the page from its JSON option block. Options are
// plain data written by the server; callbacks live here, never in data.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  var number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
  function formatValue(v) {
    if (v === null || v === undefined || v === "-" || (typeof v === "number" && isNaN(v))) { return "no figure"; }
    return number.format(v);
  }
  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  // A data item may carry a plain-text tooltip ("tip") and a link to a
  // page on this server ("href"); the text is escaped here, and only
  // same-site paths are followed.
  function tipFormatter(p) {
    if (p && p.data && typeof p.data.tip === "string") {
      return escapeHTML(p.data.tip).replace(/\n/g, "<br>");
    }
    return escapeHTML((p && p.seriesName) || "") + (p && p.name ? "<br>" + escapeHTML(p.name) : "");
  }
  function sameSitePath(h) {
    return typeof h === "string" && h.charAt(0) === "/" && h.charAt(1) !== "/" && h.charAt(1) !== "\\";
  }
  var monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function monthLabel(v) {
    var m = /^(\d{4})-(\d{2})$/.exec(v);
    return m ? monthNames[parseInt(m[2], 10) - 1] + " " + m[1] : v;
  }
  document.querySelectorAll("[data-chart-option]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart-option"));
    if (!source) { return; }
    var option;
    try { option = JSON.parse(source.textContent); } catch (e) { return; }
    if (option.tooltip) {
      option.tooltip.valueFormatter = formatValue;
    }
    // Months travel as YYYY-MM; people read "Jan 2021".
    (option.xAxis || []).forEach(function (axis) {
      if (axis.type === "category") {
        axis.axisLabel = Object.assign({}, axis.axisLabel, { formatter: monthLabel });
      }
    });
    // A radar axis may name its values ("3 Established"): the names
    // travel as data, the formatter lives here.
    var radar = option.radar;
    (radar && radar.indicator || []).forEach(function (ind) {
      var names = ind.axisLabel && ind.axisLabel.valueNames;
      if (names) {
        ind.axisLabel.formatter = function (v) { return Object.prototype.hasOwnProperty.call(names, String(v)) ? names[String(v)] : ""; };
      }
    });
    var linked = el.hasAttribute("data-chart-links");
    if (linked && option.tooltip) {
      option.tooltip.formatter = tipFormatter;
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    // Marks the chart once echarts has drawn it to the end of its
    // animation, so tests wait for that rather than guess how long it
    // takes on a busy machine.
    chart.on("finished", function () { el.setAttribute("data-chart-drawn", "true"); });
    chart.setOption(option);
    if (linked) {
      chart.on("click", function (p) {
        if (p && p.data && sameSitePath(p.data.href)) { window.location.assign(p.data.href); }
      });
    }
    el.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
