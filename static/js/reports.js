/* Dashboard charts (Chart.js) drawn from the figures the page carries in #dashboard-charts.
   The tables beside the charts hold the same figures: the charts are only a picture of them. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var spec = JSON.parse(source.textContent) || {};
  // Okabe-Ito: told apart by people with the common colour-vision deficiencies.
  var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var Chart = window.Chart;
  // In a right-to-left page (Arabic) the charts are mirrored: categories run from the right, the
  // value axis stands on the right and bars grow leftwards; legends and tooltips read from the right.
  var rtl = document.documentElement.dir === "rtl";
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = window.getComputedStyle(document.body).color;

  function shorten(label) {
    return label.length > 28 ? label.slice(0, 27) + "\u2026" : label;
  }

  (spec.charts || []).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas || !chart.labels.length) { return; }
    var valueAxis = chart.horizontal ? "x" : "y";
    var categoryAxis = chart.horizontal ? "y" : "x";
    var scales = {};
    scales[categoryAxis] = { stacked: chart.stacked, ticks: { callback: function (value) { return shorten(this.getLabelForValue(value)); } } };
    scales[valueAxis] = { stacked: chart.stacked, beginAtZero: true, ticks: { precision: chart.unit ? 1 : 0 } };
    if (chart.unit) { scales[valueAxis].title = { display: true, text: chart.unit }; }
    scales.x.reverse = rtl;
    scales.y.position = rtl ? "right" : "left";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          var colour = (chart.colors || [])[index] || palette[index % palette.length];
          return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderWidth: 0 };
        })
      },
      options: {
        indexAxis: categoryAxis,
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        plugins: {
          legend: { display: chart.datasets.length > 1, position: "bottom", rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
          tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
        },
        scales: scales
      }
    });
  });
})();
