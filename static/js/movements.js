/* The boarding checklist: as the search box is typed in, only the passengers whose name or document
   number match stay listed (the form still searches on the server without script). The list may be
   put in place after this script ran (a checklist opened offline, filled by offline.js): the box and
   the list are looked up at each use. */
(function () {
  "use strict";
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\s-]+/g, " ").trim();
  }
  function filter() {
    var box = document.querySelector("[data-gate-search]");
    var list = document.getElementById("gate-list");
    if (!box || !list) { return; }
    var words = normalise(box.value).split(" ").filter(Boolean);
    list.querySelectorAll("[data-search]").forEach(function (row) {
      var text = normalise(row.getAttribute("data-search"));
      var compact = text.replace(/ /g, "");
      row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1 || compact.indexOf(word) !== -1; });
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-gate-search]")) { filter(); }
  });
  document.body.addEventListener("htmx:afterSwap", filter);
  document.addEventListener("mcof:boarding-changed", filter);
})();
