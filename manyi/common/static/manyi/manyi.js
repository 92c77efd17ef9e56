/* Manyi's page behaviour, kept out of the templates so the Content-Security-Policy can forbid
   inline script (docs/decisions/0014). Loaded with `defer` by every base template. */
(function () {
  "use strict";
  // <button data-print>: print the page.
  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("[data-print]") : null;
    if (button) { e.preventDefault(); window.print(); }
  });
  // <form data-submit-once>: a second click does not post the form again; the pressed
  // button's name/value still reaches the server although the buttons are disabled.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
    var b = e.submitter;
    if (b && b.name) {
      var h = document.createElement("input");
      h.type = "hidden"; h.name = b.name; h.value = b.value;
      form.appendChild(h);
    }
    form.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
  });
})();
