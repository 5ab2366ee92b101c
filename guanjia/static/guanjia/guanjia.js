/* Guanjia's own behaviours, here because the Content-Security-Policy runs no inline script or on…= handler.
 *   data-confirm="question"  on a button or link: asks first, and does nothing unless confirmed;
 *   data-autosubmit          on a form field: submits its form when changed.
 *   data-enterprise-picker   the raise form's enterprise picker (requests/_enterprise_picker.html): htmx lists
 *                            the matches of its search box; picking one (data-pick-enterprise) fills its
 *                            value input, whose change makes htmx load that enterprise's projects; typing
 *                            again lets go of the pick. Back to the page: a restored pick reloads the projects.
 *   data-keep-on-back        on an input: the browser puts its value back when the page is reopened with
 *                            Back (a form's one-time key: sent again, it finds what the first sending made).
 *   data-request-due="YYYY-MM-DD" data-request-due-warning="…"  on a date field (a unit's 办理时限): shows the
 *                            warning under the field while its date is later than the request's 办结时限.
 */
(function () {
  "use strict";
  // A browser keeps for Back only a value that differs from the one the page was served with: the served
  // one becomes the input's current value alone.
  document.querySelectorAll("[data-keep-on-back]").forEach(function (input) {
    var value = input.value;
    input.defaultValue = "";
    input.value = value;
  });
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

  function picker(element) {
    var root = element.closest("[data-enterprise-picker]");
    return root && {
      root: root,
      search: root.querySelector("[data-enterprise-search]"),
      value: root.querySelector("[data-enterprise-value]"),
      results: root.querySelector("[data-enterprise-results]"),
      chosen: root.querySelector("[data-enterprise-chosen]")
    };
  }
  function pick(parts, id, name) {
    parts.value.value = id;
    parts.chosen.textContent = id ? parts.root.dataset.chosenPrefix + name : "";
    parts.value.dispatchEvent(new Event("change", {bubbles: true}));
  }
  document.addEventListener("click", function (event) {
    var row = event.target.closest("[data-pick-enterprise]");
    var parts = row && picker(row);
    if (parts) {
      parts.search.value = row.dataset.name;
      parts.results.replaceChildren();
      pick(parts, row.dataset.pickEnterprise, row.dataset.name);
    }
  });
  document.addEventListener("input", function (event) {
    var parts = event.target.matches("[data-enterprise-search]") && picker(event.target);
    if (parts && parts.value.value) {
      pick(parts, "", "");
    }
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-enterprise-picker]").forEach(function (root) {
      var parts = picker(root);
      var project = document.getElementById("id_project");
      if (parts.value.value && project && project.options.length <= 1) {
        pick(parts, parts.value.value, parts.search.value);
      }
    });
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
