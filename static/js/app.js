// What pages ask of the browser through data- attributes, so that no page needs an inline script or
// event handler: the Content-Security-Policy runs scripts from this site only.
//   data-confirm="question"   on a form: asks before it is sent, and sends nothing on "cancel";
//   data-submit-on-change     on a field: sends its form when the choice changes (the language menu);
//   data-print                on a button: prints the page (the notices).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
