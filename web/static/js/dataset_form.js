// The dataset form: while the "URL name" is empty or still the suggestion, it follows the
// English title (lower case, a-z 0-9 and hyphens), as CKAN suggests a name from the title. A
// name the person types is never overwritten. Without JavaScript the field is typed by hand.
'use strict';
(function () {
  var name = document.querySelector('form input#name');
  var title = document.querySelector('form input#title_en');
  if (!name || !title || name.readOnly) return;
  var suggested = name.value === '' ? '' : null;  // null: typed or stored, left alone
  function slug(text) {
    return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100).replace(/-+$/, '');
  }
  title.addEventListener('input', function () {
    if (suggested === null || name.value !== suggested) return;
    suggested = slug(title.value);
    name.value = suggested;
  });
  name.addEventListener('input', function () { suggested = name.value === '' ? '' : null; });
})();
