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

  // Points, badges and level-ups arrive in an HX-Trigger header as an "earned" event,
  // with the messages already in the learner's language.
  document.body.addEventListener("earned", function (event) {
    var detail = event.detail || {};
    if (detail.points > 0) toast("+" + detail.points + " " + region.dataset.pointsLabel, "points");
    (detail.messages || []).forEach(function (text) { toast(text, "level"); });
    if (detail.levelUp || (detail.messages || []).length) {
      document.body.classList.add("celebrate");
      window.setTimeout(function () { document.body.classList.remove("celebrate"); }, 1600);
    }
  });

  // The cheat guard turned an attempt away: say why, and change nothing on the page.
  document.body.addEventListener("blocked", function (event) {
    var detail = event.detail || {};
    if (detail.message) toast(detail.message, "warning");
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
