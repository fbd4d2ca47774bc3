/* The header's menu button: on a narrow screen the navigation, the language and the account fold
   behind one button (at most 120 px of header on a phone). Without script the button stays hidden
   and the menu stays open, so every link is still reachable. */
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  if (!header) { return; }
  var button = header.querySelector(".menu-toggle");
  button.hidden = false;
  header.classList.add("menu-ready");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("menu-open");
      button.focus();
    }
  });
})();
