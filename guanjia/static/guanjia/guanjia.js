/* Guanjia's own behaviours, here because the Content-Security-Policy runs no inline script or on…= handler.
 *   data-confirm="question"  on a button or link: asks first, and does nothing unless confirmed;
 *   data-autosubmit          on a form field: submits its form when changed.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var element = event.target.closest("[data-confirm]");
    if (element && !window.confirm(element.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) {
      field.form.requestSubmit();
    }
  });
})();
