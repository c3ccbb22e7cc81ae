/* The search page: Pagefind's UI, in Chinese, with a label for screen readers.
   The index is in shards (pagefind/0/, pagefind/1/, …): shard 0 lists the others in
   shards.json and the UI merges them. Browsers do not let a page opened from disk (file://)
   read the index, so say so instead. Queries in traditional characters are searched in
   simplified ones (t2s.js, from OpenCC); a run of Chinese is searched as a whole word (forIndex);
   titles and tags weigh more than the text (the templates' data-pagefind-weight, and the ranking below). */
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
  // Pagefind, ranked for whole words (search/pagefind.js, beside the search page): see that file.
  var ranked = new URL("search/", document.currentScript.src);
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

  // Whole words (see han_spaced in civicpress/writers/search.py): the index holds each Han character
  // as a word, so the query is spaced the same way, and one run of text is asked for as an exact
  // phrase ("党 建": those characters side by side). A page with 党员 and 建设 apart is no match
  // for 党建; a query with spaces (党员 建设) asks for each part anywhere on the page, as typed.
  // This depends on no dictionary: the browser's word list and the indexer's never quite agree.
  var HAN_PAIR = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
  function forIndex(term) {
    var parts = String(term || "").replace(/["“”]/g, " ").trim().split(/\s+/).filter(Boolean);
    var spaced = parts.map(function (part) { return part.replace(HAN_PAIR, "$1 "); });
    var phrase = parts.length === 1 && spaced[0] !== parts[0];
    return phrase ? "\"" + spaced[0] + "\"" : spaced.join(" ");
  }
  // The spaces of the index out of what is shown: between two Han characters, marks or not between.
  var SPACED = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])((?:<\/?mark>)*) ((?:<\/?mark>)*)(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
  function unspaced(text) {
    return String(text || "").replace(SPACED, "$1$2$3").replace(/<\/mark><mark>/g, "");
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
    result.excerpt = chinesePunctuation(unspaced(result.excerpt));
    if (result.meta && result.meta.title) { result.meta.title = unspaced(result.meta.title); }
    (result.sub_results || []).forEach(function (sub) {
      sub.excerpt = chinesePunctuation(unspaced(sub.excerpt));
      sub.title = unspaced(String(sub.title || "").replace(/\.$/, ""));
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
      element: "#search", bundlePath: ranked.href, mergeIndex: mergeIndex, showSubResults: true, showImages: false,
      processTerm: function (term) { return forIndex(toSimplified(term)); }, processResult: processResult,
      excerptLength: 60,  // words, and each Han character is one: about three lines
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
