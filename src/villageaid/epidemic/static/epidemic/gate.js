// Gate quick entry: big +/- buttons for the temperature. The form works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("temperature");
    if (!input) return;
    document.querySelectorAll("[data-step]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        var value = parseFloat(input.value || input.placeholder) + parseFloat(button.dataset.step);
        input.value = value.toFixed(1);
      });
    });
  });
})();
