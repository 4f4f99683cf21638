// Intake: choosing what happened selects its usual urgency, until the urgency is chosen by hand.
// Without this script the form works the same; an urgency left unchosen is the type's usual one.
(function () {
  "use strict";
  var form = document.querySelector("form.intake");
  if (!form) { return; }
  var chosenByHand = false;

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name === "urgency") { chosenByHand = true; return; }
    if (input.name !== "crisis_type" || chosenByHand) { return; }
    var urgency = input.getAttribute("data-urgency");
    var radios = form.querySelectorAll('input[name="urgency"]');
    for (var i = 0; i < radios.length; i++) {
      radios[i].checked = radios[i].value === urgency;
    }
  });
})();
