// Imported YouTube and Vimeo videos are plain links (nothing is loaded from those sites until
// a reader asks). With JavaScript on, clicking one plays the video in place, from the
// privacy-enhanced players. The address is rebuilt from a checked id, never copied from the page.
(function () {
  "use strict";
  function player(href) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    var id;
    if (/(^|\.)youtube\.com$/.test(url.hostname) && (id = url.searchParams.get("v")) &&
        /^[A-Za-z0-9_-]{6,20}$/.test(id)) {
      return "https://www.youtube-nocookie.com/embed/" + id + "?autoplay=1";
    }
    if (url.hostname === "vimeo.com" && /^\/[0-9]+$/.test(url.pathname)) {
      return "https://player.vimeo.com/video" + url.pathname + "?dnt=1&autoplay=1";
    }
    return null;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.embed-video");
    if (!link) { return; }
    var src = player(link.href);
    if (!src) { return; }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = link.textContent;
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.className = "embed-player";
    link.replaceWith(frame);
  });
})();
