/* The catalogue form's searchable list of prerequisites (approvals/catalogue_form.html):
 *   data-option-filter  wraps a search box (data-option-search) and options (data-option); typing hides the
 *                       options whose text lacks what was typed. A checked option always stays shown.
 * A static file because the Content-Security-Policy runs no inline script.
 */
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var search = event.target.closest("[data-option-search]");
    var root = search && search.closest("[data-option-filter]");
    if (!root) {
      return;
    }
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    root.querySelectorAll("[data-option]").forEach(function (option) {
      var text = option.textContent.toLowerCase();
      var checked = option.querySelector("input:checked");
      var shown = checked || words.every(function (word) { return text.indexOf(word) !== -1; });
      option.hidden = !shown;
    });
  });
})();
