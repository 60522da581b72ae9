// 图表: draws the charts of /charts with Apache ECharts (static/vendor/echarts) from the
// figures of /charts/data.json (URL in #charts[data-src]). No inline script: CSP-safe.
// Drawn as SVG: names on the category axes wrap within LABEL_WIDTH instead of being cut,
// and a chart without data says 暂无数据 instead of showing a blank box.
(function () {
  "use strict";
  var root = document.getElementById("charts");
  if (!root || !window.echarts) return;

  var RED = "#9b1c1c", BLUE = "#2563eb", GREEN = "#15803d", GREY = "#6b7280";
  var LABEL_WIDTH = 180;
  var categoryLabel = { width: LABEL_WIDTH, overflow: "break", lineHeight: 14 };
  var percent = function (v) { return v == null ? "—" : (v * 100).toFixed(2) + "%"; };

  function rateBars(rows, key, color) {
    return {
      grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: percent },
      xAxis: { type: "value", max: function (v) { return Math.max(1, v.max); },
               axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      yAxis: { type: "category", inverse: true, axisLabel: categoryLabel,
               data: rows.map(function (r) { return r.name; }) },
      series: [{ type: "bar", name: "支出率", itemStyle: { color: color },
                 data: rows.map(function (r) { return r[key]; }),
                 label: { show: true, position: "right",
                          formatter: function (p) { return rows[p.dataIndex].label || "—"; } } }]
    };
  }

  function unitBars(rows) {
    // horizontal bars: a unit's whole name stands beside its bars, wrapped if long
    return {
      grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
      yAxis: { type: "category", inverse: true, axisLabel: categoryLabel,
               data: rows.map(function (r) { return r.name; }) },
      xAxis: { type: "value", max: 1,
               axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      series: [
        { type: "bar", name: "开工率", itemStyle: { color: BLUE },
          data: rows.map(function (r) { return r.start_rate; }) },
        { type: "bar", name: "完工率", itemStyle: { color: GREEN },
          data: rows.map(function (r) { return r.completion_rate; }) }
      ]
    };
  }

  function monthLines(months) {
    var pick = function (k) { return months.map(function (m) { return m[k]; }); };
    return {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v == null ? "—" : v.toFixed(2) + " 万元"; } },
      xAxis: { type: "category", data: months.map(function (m) { return m.month + "月"; }) },
      yAxis: { type: "value", name: "万元" },
      series: [
        { type: "bar", name: "当月支出", itemStyle: { color: RED }, data: pick("spent") },
        { type: "line", name: "累计支出", itemStyle: { color: BLUE }, data: pick("spent_to_date") },
        { type: "line", name: "累计到位", itemStyle: { color: GREY }, lineStyle: { type: "dashed" },
          data: pick("arrived_to_date") },
        { type: "line", name: "累计收回", itemStyle: { color: GREY }, lineStyle: { type: "dotted" },
          data: pick("recovered_to_date") }
      ]
    };
  }

  function isEmpty(name, data) {
    if (name !== "months") return !(data[name] || []).length;
    return !data.months.some(function (m) { return m.spent || m.arrived_to_date || m.recovered_to_date; });
  }

  function draw(data) {
    var options = {
      channels: function () { return rateBars(data.channels, "rate", RED); },
      townships: function () { return rateBars(data.townships, "rate", BLUE); },
      units: function () { return unitBars(data.units); },
      months: function () { return monthLines(data.months); }
    };
    var charts = [], shown = 0;
    Array.prototype.forEach.call(root.querySelectorAll("[data-chart]"), function (el) {
      var name = el.dataset.chart;
      if (!options[name]) return;
      shown += 1;
      if (isEmpty(name, data)) {
        el.classList.add("chart-empty");
        el.dataset.empty = "1";
        el.textContent = "暂无数据";
        return;
      }
      if (name !== "months") {
        var rows = data[name].length, per = name === "units" ? 44 : 28;
        el.style.height = Math.max(160, 56 + rows * per) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options[name]());
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    root.dataset.drawn = String(shown);
  }

  fetch(root.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(draw)
    .catch(function () {
      var note = document.createElement("p");
      note.className = "flash flash-warning";
      note.textContent = "图表暂时无法显示,请查看下方表格。";
      root.insertBefore(note, root.firstChild);
    });
})();
