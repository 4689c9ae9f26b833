// The country picker (aiexports/widgets.py CountryCheckboxPicker). Progressive enhancement only: without this
// file every checkbox is there and submits. With it: a filter box that narrows the list as one types (case-,
// accent- and kana-insensitive, like the widget's fold()), a live count of the chosen countries and their list,
// Enter or Down arrow from the filter to the first match. The list is one Tab stop (a roving tabindex: Tab
// goes on to the next field instead of through 250 checkboxes); Up, Down, Home and End move in it.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f\u3099\u309a]/g, "").toLowerCase()
      .replace(/[\u3041-\u3096]/g, function (ch) { return String.fromCharCode(ch.charCodeAt(0) + 0x60); });
  }
  var lang = document.documentElement.getAttribute("lang") || undefined;
  var plural = (window.Intl && Intl.PluralRules) ? new Intl.PluralRules(lang) : null;

  document.querySelectorAll("[data-aix-picker]").forEach(function (picker) {
    var filterBox = picker.querySelector("[data-aix-picker-filter]");
    var filter = filterBox.querySelector("input");
    var count = picker.querySelector("[data-aix-picker-count]");
    var summary = picker.querySelector("[data-aix-picker-summary]");
    var empty = picker.querySelector("[data-aix-picker-empty]");
    var items = Array.prototype.slice.call(picker.querySelectorAll("[data-aix-terms]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-aix-picker-group]"));
    var box = function (item) { return item.querySelector("input[type=checkbox]"); };
    var visible = function () {
      return items.filter(function (item) { return !item.hidden; }).map(box);
    };

    function updateCount() {
      var chosen = items.filter(function (item) { return box(item).checked; });
      var n = chosen.length;
      var text = (plural && plural.select(n) === "one") ? count.dataset.one : count.dataset.other;
      count.textContent = text.replace("%(count)s", n.toLocaleString(lang));
      summary.textContent = "";
      chosen.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.querySelector("label").textContent;
        summary.appendChild(li);
      });
    }

    function applyFilter() {
      var query = fold(filter.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        var match = !query || item.dataset.aixTerms.indexOf(query) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-aix-terms]:not([hidden])");
      });
      empty.textContent = shown ? "" : empty.dataset.text;
      var boxes = visible();
      rove(boxes.indexOf(current) !== -1 ? current : boxes[0] || null);
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();  // Enter here filters; it must not submit the form
        var first = visible()[0];
        if (first) { first.focus(); }
      }
    });
    var current = null;  // the checkbox the list's one Tab stop is on
    function rove(target) {
      items.forEach(function (item) { box(item).tabIndex = -1; });
      current = target;
      if (current) { current.tabIndex = 0; }
    }
    picker.addEventListener("focusin", function (event) {
      if (event.target.type === "checkbox") { rove(event.target); }
    });
    picker.addEventListener("keydown", function (event) {
      var keys = ["ArrowDown", "ArrowUp", "Home", "End"];
      if (event.target.type !== "checkbox" || keys.indexOf(event.key) === -1) { return; }
      var boxes = visible();
      var at = boxes.indexOf(event.target);
      event.preventDefault();  // the list box scrolls to the focused checkbox by itself
      if (event.key === "ArrowDown" && at < boxes.length - 1) { boxes[at + 1].focus(); }
      if (event.key === "ArrowUp") { (at > 0 ? boxes[at - 1] : filter).focus(); }
      if (event.key === "Home") { boxes[0].focus(); }
      if (event.key === "End") { boxes[boxes.length - 1].focus(); }
    });
    picker.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { updateCount(); }
    });
    filterBox.hidden = false;
    applyFilter();  // a value the browser restored (back button) filters at once
    updateCount();
  });
})();
