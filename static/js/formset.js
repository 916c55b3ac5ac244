// Adds and removes rows of a Django formset: clones the <template id="PREFIX-empty"> row with
// __prefix__ replaced by the next index, and keeps the management form's TOTAL_FORMS in step.
(function () {
  "use strict";

  function totalInput(prefix) {
    return document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  }

  function renumber(container) {
    container.querySelectorAll("[data-row-number]").forEach(function (el, i) {
      el.textContent = String(i + 1);
    });
  }

  function addRow(prefix) {
    var container = document.querySelector('[data-formset="' + prefix + '"]');
    var template = document.getElementById(prefix + "-empty");
    var total = totalInput(prefix);
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    renumber(container);
    var rows = container.querySelectorAll("[data-party-row]");
    var first = rows[rows.length - 1].querySelector("input[type=text]");
    if (first) { first.focus(); }
  }

  // Removing a row renames the later rows' fields so the indexes stay 0..n-1, as Django expects.
  function removeRow(row) {
    var container = row.parentElement;
    var prefix = container.getAttribute("data-formset");
    row.remove();
    var rows = container.querySelectorAll("[data-party-row]");
    rows.forEach(function (r, i) {
      r.querySelectorAll("[name], [id], [for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.replace(new RegExp(prefix + "-\\d+-"), prefix + "-" + i + "-"));
          }
        });
      });
    });
    totalInput(prefix).value = String(rows.length);
    renumber(container);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) { addRow(add.getAttribute("data-add-row")); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { removeRow(remove.closest("[data-party-row]")); }
  });
})();
