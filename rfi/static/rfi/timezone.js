// Progressive enhancement of the time-zone selector: offer the browser's own zone.
// Without this file the selector works as a plain form, and times are shown in UTC (named).
(function () {
  "use strict";
  var select = document.querySelector("[data-aix-timezone]");
  if (!select || document.cookie.indexOf("aix_tz=") !== -1) { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === select.value) { return; }
  var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
  if (!option) {
    option = document.createElement("option");
    option.value = zone;
    option.textContent = zone;
    select.insertBefore(option, select.firstChild);
  }
  select.value = zone;
  var hint = document.getElementById("aix-timezone-hint");
  if (hint) { hint.hidden = false; }
})();
