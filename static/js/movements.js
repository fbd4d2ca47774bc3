/* The boarding checklist: as the search box is typed in, only the passengers whose name or document
   number match stay listed (the form still searches on the server without script). */
(function () {
  "use strict";
  var box = document.querySelector("[data-gate-search]");
  var list = document.getElementById("gate-list");
  if (!box || !list) { return; }
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\s-]+/g, " ").trim();
  }
  function filter() {
    var words = normalise(box.value).split(" ").filter(Boolean);
    list.querySelectorAll("[data-search]").forEach(function (row) {
      var text = normalise(row.getAttribute("data-search"));
      var compact = text.replace(/ /g, "");
      row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1 || compact.indexOf(word) !== -1; });
    });
  }
  box.addEventListener("input", filter);
  document.body.addEventListener("htmx:afterSwap", filter);
})();
