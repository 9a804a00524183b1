// Filters the list of councils as the user types; the form still works
// without JavaScript by asking the server.
(function () {
  "use strict";
  var input = document.querySelector("[data-council-search]");
  var status = document.getElementById("search-status");
  if (!input) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var regions = Array.prototype.slice.call(document.querySelectorAll("[data-region]"));
  // The list may sit folded away under the start page: a search opens it.
  var list = document.querySelector("[data-council-list]");
  function filter() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    if (list && q !== "") { list.open = true; }
    items.forEach(function (li) {
      var match = q === "" || li.getAttribute("data-search").indexOf(q) !== -1;
      li.hidden = !match;
      if (match) { shown++; }
    });
    regions.forEach(function (r) {
      r.hidden = r.querySelectorAll("[data-search]:not([hidden])").length === 0;
    });
    if (status) {
      status.textContent = q === "" ? "" : shown + " of " + items.length + " councils match \u201c" + input.value.trim() + "\u201d.";
    }
  }
  input.addEventListener("input", filter);
})();
