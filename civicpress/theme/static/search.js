/* The search page: Pagefind's UI, in Chinese, with a label for screen readers.
   The index is in shards (pagefind/0/, pagefind/1/, …): shard 0 lists the others in
   shards.json and the UI merges them. Browsers do not let a page opened from disk (file://)
   read the index, so say so instead. */
(function () {
  "use strict";
  var note = document.querySelector(".search-file-note");
  if (location.protocol === "file:") {
    if (note) { note.hidden = false; }
    return;
  }
  var script = document.getElementById("pagefind-ui");
  if (typeof PagefindUI === "undefined" || !script) { return; }
  var bundle = new URL(".", script.src);  // pagefind/0/
  fetch(new URL("shards.json", bundle)).then(function (response) {
    return response.ok ? response.json() : [];
  }).catch(function () { return []; }).then(function (shards) {
    start(shards.map(function (number) {
      return { bundlePath: new URL("../" + number + "/", bundle).href };
    }));
  });

  function label() {
    var input = document.querySelector("#search input");
    if (input) { input.setAttribute("aria-label", "搜索全站文章"); return true; }
    return false;
  }

  function start(mergeIndex) {
    var ui = new PagefindUI({
      element: "#search", bundlePath: bundle.href, mergeIndex: mergeIndex, showSubResults: true, showImages: false
    });
    if (!label()) {
      new MutationObserver(function (changes, observer) {
        if (label()) { observer.disconnect(); }
      }).observe(document.getElementById("search"), { childList: true, subtree: true });
    }
    var query = new URLSearchParams(location.search).get("q");
    if (query) { ui.triggerSearch(query); }
  }
})();
