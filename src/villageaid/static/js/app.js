// VillageAid page helpers. No inline scripts: the CSP allows only our own files.
(function () {
  "use strict";
  // Charts print in the page's font stack (vendor/fonts/fonts.css): the device's CJK font,
  // else the shipped Noto Sans SC, loaded before the first draw (a canvas does not redraw).
  function chartFont() {
    var css = getComputedStyle(document.documentElement).getPropertyValue("--va-chart-font");
    return css.trim() || "sans-serif";
  }
  function whenFontReady(done) {
    if (!document.fonts || !document.fonts.load) { done(); return; }
    document.fonts.load("12px " + chartFont(), "中文0").then(done, done);
  }
  // Charts: <div class="chart" data-chart="ID"> with <script type="application/json" id="ID">.
  function renderCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      var option = JSON.parse(src.textContent);
      option.textStyle = Object.assign({ fontFamily: chartFont() }, option.textStyle || {});
      chart.setOption(option);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    whenFontReady(function () { renderCharts(document); });
  });
  // Error pages: "返回上一页" goes back when there is a page to go back to, else home.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("[data-va-back]") : null;
    if (link && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
  document.addEventListener("htmx:afterSettle", function (e) { renderCharts(e.target); });
  window.addEventListener("resize", function () {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
})();
