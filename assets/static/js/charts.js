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
    // Months travel as YYYY-MM; people read "Jan 2021". A time axis
    // flagged yearStart is labelled "2021" at each January (every
    // yearStep-th year), with a tick at every January.
    (option.xAxis || []).forEach(function (axis) {
      if (axis.type !== "category") { return; }
      var label = Object.assign({}, axis.axisLabel, { formatter: monthLabel });
      if (label.yearStart) {
        var step = label.yearStep || 1;
        label.interval = function (i, v) {
          var m = /^(\d{4})-01$/.exec(v);
          return !!m && parseInt(m[1], 10) % step === 0;
        };
        label.formatter = function (v) { return String(v).slice(0, 4); };
        delete label.yearStart; delete label.yearStep;
      }
      axis.axisLabel = label;
      // The tooltip heads each month as "Jan 2021" too.
      axis.axisPointer = Object.assign({}, axis.axisPointer, { label: { formatter: function (p) { return monthLabel(p.value); } } });
      if (axis.axisTick && axis.axisTick.yearStart) {
        axis.axisTick = { interval: function (i, v) { return /-01$/.test(v); } };
      }
    });

    // A series may ask for its labels in a column right of the plot
    // (labelLayout.callout "right", the grid's right margin kept for
    // them): each name beside the edge at its dot's height, moved up or
    // down clear of the others, joined to its dot by its label line.
    (option.series || []).forEach(function (s) {
      if (!s.labelLayout || s.labelLayout.callout !== "right") { return; }
      var grid = Array.isArray(option.grid) ? option.grid[0] : option.grid;
      var right = parseFloat(grid && grid.right) || 0;
      s.labelLayout = function (p) {
        return { x: el.clientWidth - right + 12, y: p.rect.y + p.rect.height / 2, align: "left", verticalAlign: "middle",
          moveOverlap: "shiftY", hideOverlap: true };
      };
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
