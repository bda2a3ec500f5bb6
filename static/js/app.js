// Small enhancements on top of htmx. Every page works without this file.
(function () {
  "use strict";
  var region = document.getElementById("toasts");

  function toast(text, kind) {
    if (!region) return;
    var item = document.createElement("p");
    item.className = "toast" + (kind ? " toast--" + kind : "");
    item.textContent = text;
    region.appendChild(item);
    window.setTimeout(function () { item.remove(); }, 6000);
  }

  // Points and level-ups arrive in an HX-Trigger header as an "earned" event.
  document.body.addEventListener("earned", function (event) {
    var detail = event.detail || {};
    if (detail.points) toast("+" + detail.points + " " + region.dataset.pointsLabel, "points");
    if (detail.levelUp) {
      toast(region.dataset.levelLabel, "level");
      document.body.classList.add("celebrate");
      window.setTimeout(function () { document.body.classList.remove("celebrate"); }, 1600);
    }
  });

  // After a swap, move focus to the new content so keyboard and screen-reader users follow.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "quiz") {
      var fresh = document.getElementById("quiz");
      if (fresh) fresh.focus();
    }
  });
})();
