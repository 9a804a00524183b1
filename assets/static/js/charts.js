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
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
