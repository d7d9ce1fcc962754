// The signed-in header on a phone: the account's links (dashboard, staff pages, profile, log out)
// fold behind a "Menu" button, a disclosure (aria-expanded, aria-controls) that Enter, Space or a
// tap opens and Escape closes. Loaded right after the header, so the page never shows the links
// and then hides them. Without JavaScript the button stays hidden and every link shows, wrapped,
// as before; on a wide screen (the CSS's 40rem) the links always show and the button does not.
'use strict';
(function () {
  var header = document.querySelector('.site-header');
  var button = header && header.querySelector('.menu-toggle');
  var menu = button && document.getElementById(button.getAttribute('aria-controls'));
  if (!menu) return;
  function set(open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    header.classList.toggle('menu-open', open);
  }
  button.hidden = false;
  header.classList.add('has-menu');
  set(false);
  button.addEventListener('click', function () {
    set(button.getAttribute('aria-expanded') !== 'true');
  });
  header.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && header.classList.contains('menu-open')) {
      set(false);
      button.focus();
    }
  });
})();
