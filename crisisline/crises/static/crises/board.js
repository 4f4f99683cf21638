// The board refreshes itself every 30 s: it fetches the cards as a small HTML fragment and swaps them in.
// It pauses while the page is hidden, and while nobody has touched the phone for the idle sign-out time,
// so that a forgotten phone is still signed out; a touch resumes it. Without this script: the Refresh link.
(function () {
  "use strict";
  var box = document.getElementById("board-cards");
  if (!box || !window.fetch) { return; }
  var source = box.getAttribute("data-src");
  var every = (parseInt(box.getAttribute("data-refresh"), 10) || 30) * 1000;
  var idle = (parseInt(box.getAttribute("data-idle"), 10) || 1800) * 1000;
  var paused = document.querySelector(".paused");
  var touched = Date.now();
  var busy = false;

  ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () {
      touched = Date.now();
      if (paused) { paused.hidden = true; }
    }, { passive: true });
  });

  function refresh() {
    if (busy || document.hidden) { return; }
    if (Date.now() - touched >= idle) {
      if (paused) { paused.hidden = false; }
      return;
    }
    busy = true;
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected) { window.location.reload(); throw new Error("signed out"); }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { /* keep the cards shown; the next round tries again */ })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, every);
})();
