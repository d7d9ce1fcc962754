// One submission per form: a second click (or Enter) while the first submission is on its way
// is ignored, so a double-clicked "Register" or "Save" is not sent twice (the second answer
// would say the name is taken, or make a second copy). A form that handles its own submission
// (upload.js, directory.js) calls preventDefault first and is left alone.
'use strict';
(function () {
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = '1';
    // If the page stays (a download, a stopped request), the form works again later.
    setTimeout(function () { delete form.dataset.submitting; }, 8000);
  });
  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-submitting]').forEach(function (f) {
      delete f.dataset.submitting;
    });
  });
})();
