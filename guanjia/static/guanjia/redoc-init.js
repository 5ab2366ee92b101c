/* Starts Redoc on the API docs page. drf-spectacular starts it from an inline script, which the
 * Content-Security-Policy refuses; here the schema's address comes from this script's data-spec-url, and
 * Redoc gives the <style> elements it adds (styled-components) this script's nonce, the response's. */
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(script.dataset.specUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
