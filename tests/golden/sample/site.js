/* civicpress: 大字模式 (large text, high contrast) and 打印本页. Everything works without this file.
   Loaded in <head> without defer, so a saved large-text choice applies before the first paint. */
(function () {
  "use strict";
  var KEY = "civicpress-large-text";
  var root = document.documentElement;
  var here = document.currentScript ? document.currentScript.src : "";

  function saved() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function save(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: not kept */ }
  }
  function setLarge(on) {
    if (on) { root.className += " large-text"; } else { root.className = root.className.replace(/\s*\blarge-text\b/g, ""); }
  }
  function isLarge() { return /\blarge-text\b/.test(root.className); }

  if (saved()) { setLarge(true); }

  function ready() {
    var toggle = document.getElementById("large-text-toggle");
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(isLarge()));
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var on = !isLarge();
        setLarge(on);
        save(on);
        toggle.setAttribute("aria-pressed", String(on));
      });
    }
    var buttons = document.querySelectorAll(".print-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
    if (here && document.querySelector(".gallery")) {  // the photo viewer, only where there are photos
      var viewer = document.createElement("script");
      viewer.src = here.replace(/site\.js(\?.*)?$/, "photos.js");
      document.head.appendChild(viewer);
    }
    var address = document.querySelector("[data-page-url]");
    if (address && /^https?:/.test(window.location.protocol)) {
      address.appendChild(document.createTextNode(window.location.href.split("#")[0]));
      address.hidden = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
