// The indicators' 12-month trends, drawn with the vendored Apache ECharts from the data the page puts in
// a json_script element (no inline script: the Content-Security-Policy runs scripts from this site only).
// Without JavaScript the trend table under the charts shows the same figures.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("indicator-trends");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    data.series.forEach(function (series) {
      var box = document.querySelector('[data-trend="' + series.code + '"]');
      if (!box) {
        return;
      }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      var lines = [{ name: series.title, type: "line", data: series.values, connectNulls: false, smooth: false }];
      if (series.target !== null) {
        lines.push({
          name: "target",
          type: "line",
          data: data.months.map(function () { return series.target; }),
          symbol: "none",
          lineStyle: { type: "dashed", color: "#999" },
        });
      }
      chart.setOption({
        animation: false,
        title: { text: series.title, textStyle: { fontSize: 13 }, left: 0 },
        tooltip: { trigger: "axis" },
        grid: { left: 44, right: 12, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", name: series.unit, min: 0 },
        series: lines,
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
