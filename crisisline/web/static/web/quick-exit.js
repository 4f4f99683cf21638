// Quick exit: one tap on the button, or Escape pressed three times within two seconds, signs out in the
// background and replaces this page with a neutral one, so that the back button does not bring it back.
(function () {
  "use strict";
  var form = document.querySelector("form.quick-exit");
  if (!form) { return; }
  var neutral = form.getAttribute("data-neutral");
  var leaving = false;

  function leave() {
    if (leaving) { return; }
    leaving = true;
    try { navigator.sendBeacon(form.action, new FormData(form)); } catch (e) { /* the page goes anyway */ }
    document.title = "";
    document.body.style.visibility = "hidden";
    window.location.replace(neutral);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); leave(); });

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
})();
