// The lobby screen (templates/portal/lobby/screen.html): after data-seconds, fetch the next page
// (data-next) and swap its #lobby-board in place, so the screen never flashes white and every page shows
// fresh data. A failed fetch keeps the page shown and tries again next time; after three failures in a
// row the whole page is reloaded. Without JavaScript the page's <noscript> meta refresh does the same.
(function () {
  "use strict";
  var failures = 0;

  function board() {
    return document.getElementById("lobby-board");
  }

  function schedule() {
    var current = board();
    if (!current) {
      return;
    }
    var seconds = parseInt(current.getAttribute("data-seconds"), 10);
    window.setTimeout(advance, (isNaN(seconds) || seconds < 5 ? 15 : seconds) * 1000);
  }

  function advance() {
    var current = board();
    var next = current && current.getAttribute("data-next");
    if (!next) {
      return;
    }
    fetch(next, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("lobby-board");
        if (!fresh) {
          throw new Error("no board in the answer");
        }
        current.replaceWith(document.importNode(fresh, true));
        failures = 0;
        schedule();
      })
      .catch(function () {
        failures += 1;
        if (failures >= 3) {
          window.location.reload();
          return;
        }
        schedule();
      });
  }

  document.addEventListener("DOMContentLoaded", schedule);
})();
