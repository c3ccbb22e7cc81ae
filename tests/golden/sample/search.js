/* The search page: Pagefind's UI, in Chinese, with a label for screen readers.
   The index is in shards (pagefind/0/, pagefind/1/, …): shard 0 lists the others in
   shards.json and the UI merges them. Browsers do not let a page opened from disk (file://)
   read the index, so say so instead. Queries in traditional characters are searched in
   simplified ones (t2s.js, from OpenCC); titles and tags weigh more than the text (the
   templates' data-pagefind-weight, and the ranking below). */
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

  var simplified = null;
  function toSimplified(text) {
    var table = window.civicpressT2S;
    if (!table) { return text; }
    if (!simplified) {
      simplified = {};
      var from = Array.from(table.traditional), to = Array.from(table.simplified);
      for (var i = 0; i < from.length; i++) { simplified[from[i]] = to[i]; }
    }
    return Array.from(text).map(function (ch) { return simplified[ch] || ch; }).join("");
  }

  // Pagefind joins the blocks of a page with an English full stop: after Chinese text, a Chinese one.
  var HAN = "[\\u3400-\\u9fff\\uff01-\\uff5e\\u3001-\\u3011\\u201c-\\u201d]";
  var JOIN = new RegExp("(" + HAN + ")((?:</mark>)?)\\.(?:\\s+|$)", "g");
  function chinesePunctuation(excerpt) {
    return String(excerpt || "").replace(JOIN, function (all, ch, mark) {
      return ch + mark + (/[。！？；：，、]/.test(ch) ? "" : "。");
    });
  }
  function processResult(result) {
    result.excerpt = chinesePunctuation(result.excerpt);
    (result.sub_results || []).forEach(function (sub) {
      sub.excerpt = chinesePunctuation(sub.excerpt);
      sub.title = String(sub.title || "").replace(/\.$/, "");
    });
    return result;
  }

  function label() {
    var input = document.querySelector("#search input");
    if (input) { input.setAttribute("aria-label", "搜索全站文章"); return true; }
    return false;
  }
  // "栏目: 活动纪实" as Chinese writes it: "栏目：活动纪实".
  function chineseTags(root) {
    var tags = root.querySelectorAll(".pagefind-ui__result-tag");
    for (var i = 0; i < tags.length; i++) {
      var text = tags[i].textContent;
      if (text.indexOf(": ") > 0) { tags[i].textContent = text.replace(": ", "："); }
    }
  }

  function start(mergeIndex) {
    var ui = new PagefindUI({
      element: "#search", bundlePath: bundle.href, mergeIndex: mergeIndex, showSubResults: true, showImages: false,
      processTerm: toSimplified, processResult: processResult,
      // Whole words above their single characters, titles and tags above the text (weights in the templates).
      ranking: { termSimilarity: 4.0, termFrequency: 0.6, pageLength: 0.3, termSaturation: 1.2 },
      translations: { placeholder: "输入要找的词", zero_results: "没有找到含“[SEARCH_TERM]”的文章，换个词试试。" }
    });
    var box = document.getElementById("search");
    label();
    new MutationObserver(function () { label(); chineseTags(box); }).observe(box, { childList: true, subtree: true });
    var query = new URLSearchParams(location.search).get("q");
    if (query) { ui.triggerSearch(query); }
  }
})();
