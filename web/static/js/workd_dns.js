// workD's DNS page: a copy button beside each record's name and value and the BIND snippet.
// Without JavaScript the values stay selectable text; the buttons are only made here.
(function () {
  'use strict';
  var html = document.documentElement;
  var th = (html.getAttribute('lang') || 'th').indexOf('th') === 0;
  var words = th ? { copy: 'คัดลอก', copied: 'คัดลอกแล้ว', failed: 'คัดลอกไม่ได้ โปรดเลือกข้อความเอง' }
                 : { copy: 'Copy', copied: 'Copied', failed: 'Could not copy: select the text' };
  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  document.querySelectorAll('[data-copy]').forEach(function (slot) {
    var target = document.getElementById(slot.getAttribute('data-copy'));
    if (!target) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button secondary small copy';
    button.textContent = words.copy;
    var label = slot.closest('td') ? slot.closest('td').getAttribute('data-label') : '';
    if (label) button.setAttribute('aria-label', words.copy + ' ' + label + ': ' + target.textContent);
    var status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    button.addEventListener('click', function () {
      var text = target.textContent;
      var done = function () { status.textContent = words.copied; };
      var fail = function () { select(target); status.textContent = words.failed; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fail);
      } else {
        select(target);
        try { document.execCommand('copy') ? done() : fail(); } catch (e) { fail(); }
      }
    });
    slot.appendChild(button);
    slot.appendChild(status);
  });
})();
