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

/* Videos on a platform (哔哩哔哩, 腾讯视频 …): the page shows a link styled as a play button
   (a facade) and asks nothing of the platform when it loads. Tapping it puts the platform's
   player (an iframe) in its place; without this script the link opens the video's page. */
(function () {
  "use strict";
  var FACADE = "a.video-play[data-embed]";

  function facadeOf(target) {  // a facade whose player is an https address, else null (the link acts as a link)
    var link = target && target.closest ? target.closest(FACADE) : null;
    return link && /^https:\/\//.test(link.getAttribute("data-embed")) ? link : null;
  }
  function play(link) {
    var src = link.getAttribute("data-embed");
    var frame = document.createElement("iframe");
    frame.className = "video-frame";
    frame.title = link.getAttribute("data-title") || "视频";
    frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.src = src;
    link.parentNode.replaceChild(frame, link);
    frame.focus();
  }
  function marked() {
    var links = document.querySelectorAll(FACADE);
    for (var i = 0; i < links.length; i++) { links[i].setAttribute("role", "button"); }
  }

  document.addEventListener("click", function (event) {
    var link = facadeOf(event.target);
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    play(link);
  });
  document.addEventListener("keydown", function (event) {  // a button also answers the space bar
    var link = facadeOf(event.target);
    if (link && (event.key === " " || event.key === "Spacebar")) {
      event.preventDefault();
      play(link);
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", marked);
  } else {
    marked();
  }
}());
