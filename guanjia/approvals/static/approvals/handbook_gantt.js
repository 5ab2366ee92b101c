/* The handbook's plan as a Gantt-like chart (计划时间表): data from the page's json_script "handbook-chart-data".
   Each item is a bar from its first working day counted to the close of its planned due day, in days from the
   handbook's start; critical items red, finished ones green, the baseline due a grey mark. */
(function () {
  "use strict";
  var source = document.getElementById("handbook-chart-data");
  var element = document.getElementById("handbook-gantt");
  if (!source || !element || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var rows = data.rows.slice().reverse(); // the first item on top
  if (!rows.length) {
    element.hidden = true;
    var legend = document.getElementById("handbook-gantt-legend");
    if (legend) { legend.hidden = true; }
    return;
  }
  element.style.height = Math.max(160, 48 + rows.length * 28) + "px"; // CSSOM, allowed by the CSP
  var origin = new Date(data.origin + "T00:00:00");

  function day(offset) {
    var d = new Date(origin.getTime() + offset * 86400000);
    return (d.getMonth() + 1) + "-" + d.getDate();
  }

  var names = rows.map(function (r) { return r.name; });
  var colour = function (r) { return r.finished ? "#198754" : (r.critical ? "#dc3545" : "#0d6efd"); };
  var chart = echarts.init(element);
  chart.setOption({
    grid: { left: 8, right: 16, top: 16, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
    tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
      var r = rows[p.dataIndex];
      return r.name + "\n" + r.start + " ~ " + r.due + "\n" + r.status;
    } },
    xAxis: { type: "value", min: 0, axisLabel: { formatter: day }, splitLine: { show: true } },
    yAxis: { type: "category", data: names, axisLabel: { width: 140, overflow: "truncate", ellipsis: "…" } },
    series: [
      { type: "bar", stack: "plan", silent: true, itemStyle: { color: "transparent" },
        data: rows.map(function (r) { return r.from; }) },
      { type: "bar", stack: "plan", barMaxWidth: 18,
        data: rows.map(function (r) { return { value: r.to - r.from, itemStyle: { color: colour(r) } }; }),
        markLine: data.today != null ? { silent: true, symbol: "none", label: { formatter: day(data.today) },
          lineStyle: { color: "#fd7e14", type: "dashed" }, data: [{ xAxis: data.today }] } : undefined },
      { type: "scatter", symbol: "rect", symbolSize: [3, 18], itemStyle: { color: "#6c757d" },
        data: rows.map(function (r, i) { return r.baseline == null ? null : [r.baseline, i]; }) }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
