/* ShiftSync Backup's page: draws each chart from the JSON data block with uPlot (inlined
   above). Everything else on the page is plain HTML; without this script the tables under
   the charts still show every figure. Reads nothing from the network. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var colours = {
    daily: "#0969da", weekly: "#8250df", manual: "#9a6700",
    passed: "#1a7f37", failed: "#cf222e",
    "restore": "#0969da", "server-restore": "#8250df", "recovery": "#1b7c83", "drill": "#9a6700",
    target: "#cf222e"
  };
  var spare = ["#57606a", "#bc4c00", "#116329", "#a40e26"];

  function colour(key, i) {
    return colours[key] || spare[i % spare.length];
  }

  function utc(ts) {
    return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  // dates as the tables write them (UTC, month-day; with the time when the ticks are hours apart)
  function ticks(u, splits, axis, space, incr) {
    return splits.map(function (ts) {
      var d = new Date(ts * 1e3);
      var day = pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
      return incr < 86400 ? day + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) : day;
    });
  }

  function width(el) {
    return Math.max(320, Math.floor(el.getBoundingClientRect().width) || 800);
  }

  var drawn = [];
  document.querySelectorAll("section[data-chart]").forEach(function (section) {
    var chart = data.charts[section.dataset.chart];
    var plot = section.querySelector(".plot");
    if (!chart || chart.x.length === 0) {
      plot.textContent = "Nothing in this window.";
      plot.classList.add("empty");
      section.dataset.points = "0";
      return;
    }
    var series = [{ label: "time (UTC)" }];
    chart.series.forEach(function (s, i) {
      var c = colour(s.key, i);
      series.push({
        label: s.label + (s.target ? " (" + data.rtoTargetMinutes + " min)" : ""),
        stroke: c,
        width: s.target ? 2 : 1.5,
        dash: s.target ? [6, 4] : undefined,
        spanGaps: true,
        paths: chart.pointsOnly && !s.target ? function () { return null; } : undefined,
        points: { show: !s.target, size: chart.pointsOnly ? 8 : 5, stroke: c, fill: c },
        value: function (u, v) { return v == null ? "–" : v + " " + chart.unit; }
      });
    });
    var opts = {
      width: width(plot),
      height: 240,
      tzDate: utc,
      scales: {
        // every chart spans the whole window, so they line up one under the other
        x: { time: true, range: function () { var pad = (data.to - data.from) / 100; return [data.from - pad, data.to + pad]; } },
        y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } }
      },
      axes: [{ values: ticks }, { label: chart.unit, size: 70 }],
      legend: { live: true },
      series: series
    };
    var u = new uPlot(opts, [chart.x].concat(chart.series.map(function (s) { return s.values; })), plot);
    var points = 0;
    chart.series.forEach(function (s, i) {
      if (!s.target) {
        u.data[i + 1].forEach(function (v) { if (v !== null && v !== undefined) { points++; } });
      }
    });
    section.dataset.points = String(points);
    drawn.push({ u: u, plot: plot });
  });

  window.addEventListener("resize", function () {
    drawn.forEach(function (d) { d.u.setSize({ width: width(d.plot), height: 240 }); });
  });
  document.body.dataset.ready = "true";
})();
