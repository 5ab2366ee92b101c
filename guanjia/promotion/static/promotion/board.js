/* 挂图作战: each key project's stages, planned (light bar, hollow dots) vs actual (dark bar, dots).
   Data from the page's json_script "board-data". */
(function () {
  "use strict";
  var source = document.getElementById("board-data");
  var element = document.getElementById("board-chart");
  if (!source || !element || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var COLOURS = { red: "#dc3545", yellow: "#ffc107", green: "#198754", done: "#6c757d", none: "#adb5bd" };
  function time(value) { return value ? new Date(value + "T00:00:00").getTime() : null; }
  function span(dates) {
    var known = dates.map(time).filter(function (t) { return t !== null; });
    if (!known.length) { return null; }
    return [Math.min.apply(null, known), Math.max.apply(null, known)];
  }
  var bars = [], points = [], plannedPoints = [];
  data.projects.forEach(function (name, row) {
    var planned = span(data.planned[row]);
    var actual = span(data.actual[row]);
    if (planned) { bars.push({ value: [row, planned[0], planned[1], 0], itemStyle: { color: "#cfe2ff" } }); }
    if (actual) { bars.push({ value: [row, actual[0], actual[1], 1], itemStyle: { color: COLOURS[data.colours[row]] || "#0d6efd" } }); }
    data.stages.forEach(function (stage, i) {
      if (data.actual[row][i]) { points.push({ value: [time(data.actual[row][i]), row], stage: stage }); }
      if (data.planned[row][i]) { plannedPoints.push({ value: [time(data.planned[row][i]), row], stage: stage }); }
    });
  });
  function renderBar(params, api) {
    var row = api.value(0), start = api.coord([api.value(1), row]), end = api.coord([api.value(2), row]);
    var height = api.size([0, 1])[1] * 0.3, offset = api.value(3) ? height * 0.1 : -height;
    return { type: "rect", shape: { x: start[0], y: start[1] + offset, width: Math.max(end[0] - start[0], 2), height: height },
             style: api.style() };
  }
  // A stage's date as a dot on its project's row: filled for the actual date, hollow for the planned one.
  function renderPoint(hollow) {
    return function (params, api) {
      var at = api.coord([api.value(0), api.value(1)]);
      var colour = hollow ? "#6c757d" : "#0d6efd";
      return { type: "circle", shape: { cx: at[0], cy: at[1] + (hollow ? -4 : 4), r: 4 },
               style: hollow ? { fill: "#fff", stroke: colour, lineWidth: 1.5 } : { fill: colour } };
    };
  }
  var today = time(data.today), day = 24 * 3600 * 1000;
  var times = [today];
  bars.forEach(function (b) { times.push(b.value[1], b.value[2]); });
  // The chart's height follows the number of projects (set here: the page's policy allows no inline style).
  element.style.height = Math.max(400, data.projects.length * 28 + 80) + "px";
  var chart = echarts.init(element);
  chart.setOption({
    grid: { left: 8, right: 16, top: 24, bottom: 24, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
    tooltip: { formatter: function (p) { return p.data.stage ? data.projects[p.value[1]] + " " + p.data.stage + " " +
      echarts.time.format(p.value[0], "{yyyy}-{MM}-{dd}") : data.projects[p.value[0]]; } },
    xAxis: { type: "time", min: Math.min.apply(null, times) - 15 * day, max: Math.max.apply(null, times) + 15 * day },
    yAxis: { type: "category", data: data.projects, inverse: true,
             axisLabel: { width: 120, overflow: "truncate", ellipsis: "…" } },
    dataZoom: [{ type: "inside", yAxisIndex: 0 }],
    series: [
      { type: "custom", renderItem: renderBar, encode: { x: [1, 2], y: 0 }, data: bars,
        markLine: { symbol: "none", silent: true, lineStyle: { color: "#dc3545", type: "dashed" },
                    label: { formatter: data.todayLabel, position: "start" }, data: [{ xAxis: today }] } },
      { type: "custom", renderItem: renderPoint(false), encode: { x: 0, y: 1 }, data: points },
      { type: "custom", renderItem: renderPoint(true), encode: { x: 0, y: 1 }, data: plannedPoints }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
