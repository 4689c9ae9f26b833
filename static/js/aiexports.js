// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector("[data-aix-error-summary]");
  if (summary) { summary.focus(); }
  // Character counters: <textarea data-aix-maxlength="N" aria-describedby="..._counter">
  document.querySelectorAll("[data-aix-counter]").forEach(function (field) {
    var out = document.getElementById(field.getAttribute("data-aix-counter"));
    var max = parseInt(field.getAttribute("maxlength") || "0", 10);
    if (!out || !max) { return; }
    var update = function () { out.textContent = (max - field.value.length) + " / " + max; };
    field.addEventListener("input", update);
    update();
  });
})();
