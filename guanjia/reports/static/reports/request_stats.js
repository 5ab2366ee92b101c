/* The request statistics charts (诉求统计): data from the page's json_script "stats-data". */
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var names = data.names;
  var charts = [];

  function percentAxis() {
    return { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } };
  }

  function draw(id, labels, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element);
    if (!labels.length) {
      option = { title: { text: data.empty, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14 } } };
    }
    chart.setOption(option);
    charts.push(chart);
  }

  function bar(name, values, extra) {
    return Object.assign({ name: name, type: "bar", data: values, barMaxWidth: 28 }, extra || {});
  }

  // The grid's box holds the axis labels, measured as drawn: containLabel only estimates them from
  // samples, so a long first unit name rotated to the left was cut at the chart's edge.
  var grid = { left: 8, right: 8, top: 40, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" };
  // A long unit or category name ends in "…" (at `width` pixels); the axis tooltip shows it whole.
  function nameLabel(width, extra) {
    return Object.assign({ width: width, overflow: "truncate", ellipsis: "…" }, extra || {});
  }

  // Unit names slant when there are more than four, and stand upright where each has under 40 pixels
  // (a phone), so that none overlaps its neighbour.
  function slant(id, count) {
    var element = document.getElementById(id);
    if (count <= 4 || !element) { return 0; }
    return element.clientWidth / count < 40 ? 90 : 30;
  }

  // Tooltips drawn on the canvas: ECharts writes its HTML tooltips with style attributes, which the
  // Content-Security-Policy refuses (style-src has no 'unsafe-inline').
  var tooltip = { trigger: "axis", renderMode: "richText" };

  draw("chart-trend", data.month.labels, {
    tooltip: tooltip, grid: grid, legend: { top: 0 },
    xAxis: { type: "category", data: data.month.labels },
    yAxis: [{ type: "value", minInterval: 1 }, percentAxis()],
    series: [
      bar(names.received, data.month.received),
      bar(names.accepted, data.month.accepted),
      bar(names.resolved, data.month.resolved),
      { name: names.closure_rate, type: "line", yAxisIndex: 1, data: data.month.closure_rate, connectNulls: true,
        tooltip: { valueFormatter: function (v) { return v == null ? "—" : v + "%"; } } }
    ]
  });

  draw("chart-category", data.category.labels, {
    tooltip: tooltip, grid: grid, legend: { top: 0 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.category.labels, inverse: true, axisLabel: nameLabel(160) },
    series: [bar(names.accepted, data.category.accepted), bar(names.resolved, data.category.resolved)]
  });

  draw("chart-unit", data.unit.labels, {
    tooltip: tooltip, grid: grid, legend: { top: 0 },
    xAxis: { type: "category", data: data.unit.labels, axisLabel: nameLabel(104, { interval: 0, rotate: slant("chart-unit", data.unit.labels.length) }) },
    yAxis: [{ type: "value", minInterval: 1 }, percentAxis()],
    series: [
      bar(names.accepted, data.unit.accepted),
      bar(names.resolved, data.unit.resolved),
      { name: names.on_time_closure_rate, type: "line", yAxisIndex: 1, data: data.unit.on_time_closure_rate,
        tooltip: { valueFormatter: function (v) { return v == null ? "—" : v + "%"; } } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.querySelectorAll('button[data-bs-toggle="tab"]').forEach(function (tab) {
    tab.addEventListener("shown.bs.tab", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
