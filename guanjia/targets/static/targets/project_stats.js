/* The projects statistics charts (项目统计): data from the page's json_script "project-stats-data". */
(function () {
  "use strict";
  var source = document.getElementById("project-stats-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var names = data.names;
  var charts = [];
  // Tooltips drawn on the canvas: HTML tooltips carry style attributes, which the Content-Security-Policy refuses.
  var tooltip = { trigger: "axis", renderMode: "richText" };
  var grid = { left: 8, right: 8, top: 40, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" };
  var percent = function (v) { return v == null ? "—" : v + "%"; };

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

  draw("chart-targets", data.targets.labels, {
    tooltip: tooltip, grid: Object.assign({}, grid, { top: 56 }), legend: { top: 0 },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.targets.labels, inverse: true,
             axisLabel: { width: 120, overflow: "truncate", ellipsis: "…" } },
    series: [
      { name: names.progress, type: "bar", data: data.targets.progress, barMaxWidth: 24,
        tooltip: { valueFormatter: percent },
        markLine: { symbol: "none", label: { formatter: names.half, position: "start" }, lineStyle: { type: "dashed", color: "#dc3545" },
                    data: [{ xAxis: 50 }] } }
    ]
  });

  var funnelMax = Math.max.apply(null, data.funnel.reached.concat([1]));
  draw("chart-funnel", data.funnel.labels, {
    tooltip: { trigger: "item", renderMode: "richText" }, legend: { top: 0 },
    series: [{
      name: names.reached, type: "funnel", top: 40, bottom: 8, left: "10%", width: "80%", sort: "none",
      min: 0, max: funnelMax, gap: 2, label: { show: true, position: "inside", formatter: "{b}：{c}" },
      data: data.funnel.labels.map(function (label, i) { return { name: label, value: data.funnel.reached[i] }; })
    }]
  });

  draw("chart-months", data.months.labels, {
    tooltip: tooltip, grid: grid, legend: { top: 0 },
    xAxis: { type: "category", data: data.months.labels },
    yAxis: { type: "value" },
    series: [
      { name: names.completed, type: "bar", data: data.months.completed, barMaxWidth: 28 },
      { name: names.cumulative, type: "line", data: data.months.cumulative },
      { name: names.plan, type: "line", data: data.months.plan, lineStyle: { type: "dashed" } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
