// VillageAid page helpers. No inline scripts: the CSP allows only our own files.
(function () {
  "use strict";
  // Charts: <div class="chart" data-chart="ID"> with <script type="application/json" id="ID">.
  function renderCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { renderCharts(e.target); });
  window.addEventListener("resize", function () {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
})();
