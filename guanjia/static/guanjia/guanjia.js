/* Guanjia's own behaviours, here because the Content-Security-Policy runs no inline script or on…= handler.
 *   data-confirm="question"  on a button or link: asks first, and does nothing unless confirmed;
 *   data-autosubmit          on a form field: submits its form when changed.
 *   data-request-due="YYYY-MM-DD" data-request-due-warning="…"  on a date field (a unit's 办理时限): shows the
 *                            warning under the field while its date is later than the request's 办结时限.
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
  // A unit's deadline later than the request's own is refused when saved: say so as soon as it is chosen.
  function checkRequestDue(field) {
    var warning = field.parentNode.querySelector(".request-due-warning");
    var late = field.value !== "" && field.value > field.dataset.requestDue;  // ISO dates compare as text
    if (late && !warning) {
      warning = document.createElement("div");
      warning.className = "request-due-warning form-text text-danger";
      warning.setAttribute("role", "alert");
      warning.textContent = field.dataset.requestDueWarning;
      field.insertAdjacentElement("afterend", warning);
    } else if (!late && warning) {
      warning.remove();
    }
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.matches && event.target.matches("[data-request-due]")) {
        checkRequestDue(event.target);
      }
    });
  });
  document.querySelectorAll("[data-request-due]").forEach(checkRequestDue);
})();
