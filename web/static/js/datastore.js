// The datastore preview: say when the table is wider than its box (the hint above it and a
// class for the fading edge), and keep saying it right as the window or the columns change.
(function () {
  "use strict";
  function update(wrap) {
    var wider = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("overflows", wider);
    var hint = wrap.previousElementSibling;
    if (hint && hint.classList.contains("scroll-hint")) hint.hidden = !wider;
  }
  function init() {
    var wraps = document.querySelectorAll(".datastore .table-wrap");
    wraps.forEach(function (wrap) {
      update(wrap);
      if (window.ResizeObserver) new ResizeObserver(function () { update(wrap); }).observe(wrap);
    });
    window.addEventListener("resize", function () { wraps.forEach(update); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
