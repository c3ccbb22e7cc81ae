/* The search page: Pagefind's UI, in Chinese, with a label for screen readers.
   Browsers do not let a page opened from disk (file://) read the index, so say so instead. */
(function () {
  "use strict";
  var note = document.querySelector(".search-file-note");
  if (location.protocol === "file:") {
    if (note) { note.hidden = false; }
    return;
  }
  if (typeof PagefindUI === "undefined") { return; }
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  var label = function () {
    var input = document.querySelector("#search input");
    if (input) { input.setAttribute("aria-label", "搜索全站文章"); return true; }
    return false;
  };
  if (!label()) {
    new MutationObserver(function (changes, observer) {
      if (label()) { observer.disconnect(); }
    }).observe(document.getElementById("search"), { childList: true, subtree: true });
  }
  var query = new URLSearchParams(location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
