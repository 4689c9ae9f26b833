/* Accessibility fixes for widgets of Django's admin that axe-core (WCAG 2.x A/AA) flags (issue 6 sweep).
   Django's own scripts build these widgets on window load, so the fixes run just after them.
   - Tabular inlines label their columns only with <th>: give each control the name of its column (label, select-name).
   - Split date/time inputs have one <label> for two inputs: name each part (label).
   - select2 autocomplete comboboxes are named by their (empty) value only: add the field's label
     (aria-input-field-name).
   - The filter-horizontal search icon is a <span> with aria-label but no role (aria-prohibited-attr). */
(function () {
  "use strict";

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameTabularInlines() {
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), text);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var name = headers[index] || (cell.classList.contains("delete") ? gettextOr("Delete") : "");
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
            if (name && !control.labels.length && !control.hasAttribute("aria-label")) {
              control.setAttribute("aria-label", name);
            }
          });
        });
      });
    });
  }

  function gettextOr(word) {
    return typeof window.gettext === "function" ? window.gettext(word) : word;
  }

  function nameSplitDateTimes() {
    document.querySelectorAll("p.datetime").forEach(function (group) {
      var label = text(document.querySelector('label[for="' + (group.querySelector("input") || {}).id + '"]'));
      var row = group.closest(".form-row, .fieldBox");
      label = label || text(row && row.querySelector("label"));
      group.querySelectorAll("input").forEach(function (input) {
        if (!input.labels.length && !input.hasAttribute("aria-label")) {
          var part = input.classList.contains("vTimeField") ? gettextOr("Time") : gettextOr("Date");
          input.setAttribute("aria-label", (label ? label.replace(/:$/, "") + " — " : "") + part);
        }
      });
    });
  }

  function nameComboboxes() {
    // select2 names the combobox by the box showing the chosen value, which is empty until one is chosen:
    // name both by the field's label followed by that value.
    document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      var rendered = box.querySelector(".select2-selection__rendered[id]");
      if (!label) {
        return;
      }
      label.id = label.id || select.id + "_label";
      var names = label.id + (rendered ? " " + rendered.id : "");
      box.setAttribute("aria-labelledby", names);
      if (rendered) {
        rendered.setAttribute("aria-labelledby", names);
      }
    });
  }

  function fixFilterIcons() {
    document.querySelectorAll(".help-tooltip.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function run() {
    nameTabularInlines();
    nameSplitDateTimes();
    nameComboboxes();
    fixFilterIcons();
  }

  window.addEventListener("load", function () {
    window.setTimeout(run, 0);
  });
  // Rows added with "Add another" and widgets Django builds later get the same names.
  document.addEventListener("formset:added", function () {
    window.setTimeout(run, 0);
  });
})();
