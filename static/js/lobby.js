// The lobby screen (templates/portal/lobby/screen.html): after data-seconds, fetch the next page
// (data-next) and swap its #lobby-board in place, so the screen never flashes white and every page shows
// fresh data. A failed fetch (the network, a 429) keeps the page shown and tries again after the same
// time, so the LED never ends on an error page; a 404 (the court turned its screen off) empties the board
// at once, and it comes back by itself when the screen is turned on again. Without JavaScript the page's
// <noscript> meta refresh loads the next page instead.
(function () {
  "use strict";

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
        if (response.status === 404) {
          current.replaceChildren();  // nothing more may be shown; data-next stays to try again
        }
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
        schedule();
      })
      .catch(schedule);
  }

  document.addEventListener("DOMContentLoaded", schedule);
})();
