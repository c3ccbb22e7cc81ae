/* Pagefind for the search page, ranked for whole words: published at search/pagefind.js, loaded by
   Pagefind's interface in place of the bundle's own module (its bundlePath), which it wraps.

   The index holds each Han character as a word (han_spaced in civicpress/writers/search.py) and
   search.js asks for one run of Chinese as an exact phrase ("党 建"): only pages with those
   characters side by side match, but Pagefind gives every exact match the same score, so its
   weights (title 10, tags 5, text 1) would be lost. The same characters are therefore also
   searched loosely, which Pagefind ranks with the weights, and the exact matches are listed in
   that order: whole words in a title or a tag first, and no page with the characters apart.
   Where no page has the whole phrase, the loose results are what there is (养老服务 finds the page
   on 养老 and its 服务): a reader's long phrase is rarely written word for word. */
import * as pagefind from "../pagefind/0/pagefind.js";

export const options = pagefind.options, init = pagefind.init, mergeIndex = pagefind.mergeIndex;
export const filters = pagefind.filters, destroy = pagefind.destroy, preload = pagefind.preload;
export const createInstance = pagefind.createInstance;

var PHRASE = /^\s*"(.+)"\s*$/;

export async function search(term, searchOptions) {
  var found = await pagefind.search(term, searchOptions);
  var phrase = PHRASE.exec(term || "");
  if (!found || !found.results || !phrase) { return found; }
  var loose = await pagefind.search(phrase[1], searchOptions);
  if (!found.results.length) { return loose; }
  var place = new Map();
  ((loose && loose.results) || []).forEach(function (result, index) { place.set(result.id, index); });
  var order = function (result, index) {
    return place.has(result.id) ? place.get(result.id) : place.size + index;  // unknown: after, as found
  };
  var ranked = found.results.map(function (result, index) { return { result: result, at: order(result, index) }; });
  ranked.sort(function (a, b) { return a.at - b.at; });
  found.results = ranked.map(function (entry) { return entry.result; });
  return found;
}

export async function debouncedSearch(term, searchOptions, timeout) {
  var waited = await pagefind.debouncedSearch(term, searchOptions, timeout);
  return waited === null ? null : search(term, searchOptions);
}
