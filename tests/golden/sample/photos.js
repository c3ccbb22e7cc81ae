/* civicpress: the photo viewer of galleries ({{ gallery(...) }}). Loaded by site.js only on pages
   with a gallery. Without it each thumbnail is a link to the photo; with it the photo opens over
   the page: ← → (or the buttons) move, Esc (or 关闭, or a click beside the photo) closes, and the
   focus goes back to the thumbnail it came from. Focus stays inside the viewer while it is open. */
(function () {
  "use strict";
  var box, picture, caption, counter, closeButton, buttons, links = [], at = 0, opener = null;

  function button(label, text, className, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function build() {
    box = document.createElement("div");
    box.className = "lightbox";
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "照片浏览");
    var frame = document.createElement("figure");
    frame.className = "lightbox-frame";
    picture = document.createElement("img");
    picture.alt = "";
    caption = document.createElement("figcaption");
    counter = document.createElement("span");
    counter.className = "lightbox-count";
    frame.appendChild(picture);
    frame.appendChild(caption);
    closeButton = button("关闭", "×", "lightbox-close", close);
    buttons = [
      button("上一张", "‹", "lightbox-prev", function () { move(-1); }),
      button("下一张", "›", "lightbox-next", function () { move(1); }),
      closeButton
    ];
    box.appendChild(frame);
    box.appendChild(counter);
    for (var i = 0; i < buttons.length; i++) { box.appendChild(buttons[i]); }
    box.addEventListener("click", function (event) { if (event.target === box) { close(); } });
    box.addEventListener("keydown", keys);
    document.body.appendChild(box);
  }

  function show(index) {
    at = (index + links.length) % links.length;
    var link = links[at], thumb = link.querySelector("img"), figure = link.parentNode;
    var text = figure.querySelector("figcaption");
    picture.removeAttribute("srcset");
    if (thumb && thumb.getAttribute("srcset")) {
      picture.setAttribute("srcset", thumb.getAttribute("srcset"));
      picture.setAttribute("sizes", "100vw");
    }
    picture.src = link.href;
    picture.alt = thumb ? thumb.alt : "";
    caption.textContent = text ? text.textContent : "";
    caption.hidden = !text;
    counter.textContent = (at + 1) + " / " + links.length;
  }

  function open(index, from) {
    if (!box) { build(); }
    opener = from;
    show(index);
    box.hidden = false;
    document.documentElement.classList.add("lightbox-open");
    closeButton.focus();
  }

  function close() {
    box.hidden = true;
    document.documentElement.classList.remove("lightbox-open");
    picture.removeAttribute("src");
    if (opener) { opener.focus(); }
  }

  function move(step) { show(at + step); }

  function keys(event) {
    if (event.key === "Escape" || event.key === "Esc") { event.preventDefault(); close(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); move(-1); }
    else if (event.key === "Tab") {  // round the three buttons, never back to the page behind
      var index = buttons.indexOf(document.activeElement);
      var next = (index + (event.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
      event.preventDefault();
      buttons[index < 0 ? 0 : next].focus();
    }
  }

  function start() {
    var galleries = document.querySelectorAll(".gallery");
    for (var g = 0; g < galleries.length; g++) {
      var own = galleries[g].querySelectorAll("a.gallery-link");
      for (var i = 0; i < own.length; i++) {
        (function (link) {
          links.push(link);
          link.addEventListener("click", function (event) {
            if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
            event.preventDefault();
            open(links.indexOf(link), link);
          });
        }(own[i]));
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
