// The search page's field gets the focus, as the theme's search page does with a script written
// in the page (which the Content Security Policy refuses). Loaded right after the field
// (_templates/search.html). The theme's took the first search field, which is the search
// dialog's, closed, and so focused nothing.
(function () {
  "use strict";
  const input = document.querySelector(".bd-search-container form.bd-search input");
  if (input) {
    input.focus();
    input.select();
  }
})();
