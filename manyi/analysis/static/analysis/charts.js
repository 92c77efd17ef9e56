/* Draw every chart of the page from its plotly spec (a <script type="application/json">). */
(function () {
  "use strict";
  function draw(root) {
    (root || document).querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn || typeof Plotly === "undefined") return;
      var source = document.getElementById(el.dataset.figure);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      Plotly.newPlot(el, spec.data, spec.layout, {responsive: true, displaylogo: false});
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
  window.manyiCharts = {draw: draw};
})();
