/* civicpress: 适老化 controls (text size in three steps, high contrast, read aloud), sharing, printing,
   the phone menu and wide tables. Everything works without this file; no other host is ever asked.
   Loaded in <head> without defer, so a saved text size or contrast applies before the first paint. */
(function () {
  "use strict";
  var SIZE_KEY = "civicpress-large-text";  // "0" 标准, "1" 大, "2" 特大 (older builds stored "1" for 大字)
  var CONTRAST_KEY = "civicpress-contrast";  // "1": high contrast
  var SIZE_CLASSES = ["", "large-text", "large-text larger-text"];
  var root = document.documentElement;
  var here = document.currentScript ? document.currentScript.src : "";

  function load(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: not kept */ }
  }
  function setClass(name, on) {
    var has = new RegExp("(^|\\s)" + name + "(?=\\s|$)", "g");
    root.className = root.className.replace(has, " ").replace(/\s+/g, " ").replace(/^ | $/g, "");
    if (on) { root.className += (root.className ? " " : "") + name; }
  }
  function sizeStep() {
    var step = parseInt(load(SIZE_KEY), 10);
    return step >= 0 && step < SIZE_CLASSES.length ? step : 0;
  }
  function applySize(step) {
    setClass("larger-text", false);
    setClass("large-text", false);
    if (SIZE_CLASSES[step]) { root.className += (root.className ? " " : "") + SIZE_CLASSES[step]; }
  }

  applySize(sizeStep());
  setClass("high-contrast", load(CONTRAST_KEY) === "1");
  setClass("js", true);  // the controls that need this file show from the first paint: nothing shifts later

  function each(selector, action) {
    var found = document.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) { action(found[i], i); }
  }

  function textSize() {
    function mark(step) {
      each("[data-text-size]", function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-text-size") === String(step)));
      });
    }
    each("[data-text-size]", function (button) {
      button.addEventListener("click", function () {
        var step = parseInt(button.getAttribute("data-text-size"), 10);
        applySize(step);
        store(SIZE_KEY, String(step));
        mark(step);
      });
    });
    mark(sizeStep());
  }

  function contrast() {
    var toggle = document.getElementById("contrast-toggle");
    if (!toggle) { return; }
    toggle.setAttribute("aria-pressed", String(/\bhigh-contrast\b/.test(root.className)));
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      setClass("high-contrast", on);
      store(CONTRAST_KEY, on ? "1" : "0");
      toggle.setAttribute("aria-pressed", String(on));
    });
  }

  // 语音朗读: the browser's own speech synthesis, offline; shown only where it has a Chinese voice.
  function readAloud() {
    var box = document.querySelector(".read-aloud");
    var button = box && box.querySelector("button");
    var synth = window.speechSynthesis;
    if (!button || !synth || typeof window.SpeechSynthesisUtterance === "undefined") { return; }
    var voice = null;
    function findVoice() {
      var voices = synth.getVoices() || [];
      for (var i = 0; i < voices.length && !voice; i++) {
        if (/^zh([-_](CN|Hans)|$)/i.test(voices[i].lang)) { voice = voices[i]; }
      }
      for (var j = 0; j < voices.length && !voice; j++) {
        if (/^(zh|cmn)/i.test(voices[j].lang)) { voice = voices[j]; }
      }
      box.hidden = !voice;
    }
    findVoice();
    if (!voice && synth.addEventListener) { synth.addEventListener("voiceschanged", findVoice); }
    function reset() {
      button.setAttribute("aria-pressed", "false");
      button.textContent = "朗读全文";
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        synth.cancel();
        reset();
        return;
      }
      var parts = [];
      var title = document.querySelector(".article h1");
      if (title) { parts.push(title.textContent); }
      each(".article .content p, .article .content li, .article .content h2, .article .content h3", function (el) {
        parts.push(el.textContent);
      });
      synth.cancel();
      button.setAttribute("aria-pressed", "true");
      button.textContent = "停止朗读";
      // one utterance per paragraph: some browsers stop a long one after about 15 seconds
      parts.forEach(function (text, index) {
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.rate = 0.9;
        if (index === parts.length - 1) { utterance.onend = reset; }
        synth.speak(utterance);
      });
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  }

  function pageAddress() {
    var canonical = document.querySelector("link[rel=canonical]");
    return canonical ? canonical.href : window.location.href.split("#")[0];
  }

  // On a phone the QR code is hidden (it would be scanned by the phone showing it): share or copy instead.
  function sharing() {
    var status = document.querySelector(".copy-done");
    var share = document.querySelector("[data-share]");
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: document.title, url: pageAddress() }).catch(function () { /* closed */ });
      });
    }
    var copy = document.querySelector("[data-copy-link]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(pageAddress()).then(function () {
          if (status) { status.textContent = "链接已复制，可以粘贴到微信发给亲友。"; }
        }, function () {
          if (status) { status.textContent = "没能复制，请长按地址栏中的网址复制。"; }
        });
      });
    }
  }

  // A wide table scrolls inside its own box, which the keyboard can reach and a screen reader names.
  function wideTables() {
    each(".content table", function (table) {
      if (table.parentNode.className === "table-scroll") { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var caption = table.querySelector("caption");
      box.setAttribute("aria-label", (caption ? caption.textContent + "，" : "") + "表格可左右滑动");
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function phoneMenu() {
    var current = document.querySelector(".site-nav [aria-current=page]");
    var strip = document.querySelector(".site-nav ul");
    if (current && strip && strip.scrollWidth > strip.clientWidth) {
      strip.scrollLeft = current.parentNode.offsetLeft - 16;
    }
  }

  // A notice past its 有效期 today, though not yet when the site was built: marked here too.
  function expiredNotices() {
    var now = new Date();
    var today = now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
    each("[data-valid-until]", function (until) {
      var next = until.nextElementSibling;
      if (until.getAttribute("data-valid-until") < today && !(next && next.className === "expired-mark")) {
        var mark = document.createElement("span");
        mark.className = "expired-mark";
        mark.textContent = "已过期";
        until.parentNode.insertBefore(mark, next);
      }
    });
  }

  function toTop() {
    var link = document.querySelector(".to-top");
    if (!link) { return; }
    function update() { link.hidden = window.pageYOffset < window.innerHeight; }
    window.addEventListener("scroll", update, { passive: true });
    update();
  }

  function ready() {
    textSize();
    contrast();
    readAloud();
    sharing();
    wideTables();
    phoneMenu();
    expiredNotices();
    toTop();
    each(".print-button", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
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
