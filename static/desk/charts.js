// Draws the statistics page's charts from the JSON the server embedded (no inline scripts).
(function () {
  function draw() {
    var data = JSON.parse(document.getElementById("chart-data").textContent);
    function bar(id, series, horizontal) {
      var el = document.getElementById(id);
      if (!el || !window.echarts) return;
      var chart = echarts.init(el);
      var names = { type: "category", data: series.labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
      var values = { type: "value", minInterval: 1 };
      chart.setOption({
        title: { text: el.dataset.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: horizontal ? 120 : 40, right: 20, bottom: 60, top: 40 },
        xAxis: horizontal ? values : names,
        yAxis: horizontal ? Object.assign(names, { inverse: true }) : values,
        series: [{ type: "bar", data: series.values, itemStyle: { color: "#1f4e8c" } }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    bar("chart-category", data.category, true);
    bar("chart-station", data.station, true);
    var day = document.getElementById("chart-day");
    if (day && window.echarts) {
      var c = echarts.init(day);
      c.setOption({
        title: { text: day.dataset.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, bottom: 40, top: 40 },
        xAxis: { type: "category", data: data.day.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "line", data: data.day.values, smooth: true, areaStyle: {} }]
      });
      window.addEventListener("resize", function () { c.resize(); });
    }
    var sat = document.getElementById("chart-satisfaction");
    if (sat && window.echarts) {
      var p = echarts.init(sat);
      p.setOption({
        title: { text: sat.dataset.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.satisfaction }]
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
