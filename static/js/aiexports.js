// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector("[data-aix-error-summary]");
  if (summary) { summary.focus(); }
  // After a calculation, move focus to its result (at the top of the page) rather than leave it on <body>.
  var result = summary ? null : document.querySelector("[data-aix-focus-on-load]");
  if (result) { result.focus(); }
  // A form without an action posts to the page's address, fragment included. After the skip link that is
  // "#main-content", and on the answer page the browser would then move focus to <main>, away from the
  // error summary (and a redirect would carry the fragment on). Post to the address without its fragment.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (window.location.hash && !form.getAttribute("action")) {
      form.setAttribute("action", window.location.pathname + window.location.search);
    }
  }, true);
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
