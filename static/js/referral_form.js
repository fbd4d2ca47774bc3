/* The referral form preselects nothing. Choosing a partner clears the government and the other way
   round; choosing a consular referral with no recipient yet suggests the government of nationality
   (shown, never sent until "Send" is pressed); a counter-trafficking referral to a government shows
   the red warning. Without script the server refuses both recipients at once. */
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  if (!form) { return; }
  var kind = form.querySelector("[name=kind]");
  var government = form.querySelector("[name=recipient_government]");
  var partner = form.querySelector("[name=recipient_partner]");
  var warning = document.getElementById("trafficking-warning");
  var suggestion = document.getElementById("suggestion");
  var suggested = form.getAttribute("data-suggested-government");
  function refresh() {
    warning.hidden = !(kind.value === "counter_trafficking" && government.value);
  }
  kind.addEventListener("change", function () {
    if (kind.value === "consular" && suggested && !government.value && !partner.value) {
      government.value = suggested;
      if (suggestion) { suggestion.hidden = false; }
    } else if (kind.value !== "consular" && suggestion && !suggestion.hidden && government.value === suggested) {
      government.value = "";
      suggestion.hidden = true;
    }
    refresh();
  });
  government.addEventListener("change", function () {
    if (government.value) { partner.value = ""; }
    if (suggestion) { suggestion.hidden = true; }
    refresh();
  });
  partner.addEventListener("change", function () {
    if (partner.value) { government.value = ""; }
    if (suggestion) { suggestion.hidden = true; }
    refresh();
  });
  refresh();
})();
