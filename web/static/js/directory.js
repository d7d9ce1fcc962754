// The agency directory's filter box (/organization): narrows the list as a person types. Without
// JavaScript the same box submits ?q= and the server hides what does not match (the same rule:
// a ministry stays when it or one of its departments matches; all its departments when it does).
(function () {
  const input = document.querySelector('[data-directory-filter]');
  if (!input) return;
  const none = document.getElementById('directory-none');
  const sections = document.querySelectorAll('[data-directory-section]');
  const matches = (li, q) => !q || li.dataset.search.includes(q);

  function apply() {
    const q = input.value.trim().toLowerCase();
    let shown = 0;
    for (const section of sections) {
      let inSection = 0;
      for (const li of section.querySelectorAll(':scope > ul > li')) {
        const self = matches(li, q);
        let children = 0;
        for (const child of li.querySelectorAll('ul > li')) {
          const on = self || matches(child, q);
          child.hidden = !on;
          if (on) children++;
        }
        const nested = li.querySelector('ul');
        if (nested) nested.hidden = children === 0;
        li.hidden = !(self || children > 0);
        if (!li.hidden) inSection++;
      }
      section.hidden = inSection === 0;
      shown += inSection;
    }
    if (none) none.hidden = shown > 0;
    // The address keeps the filter, so reloading or sharing the page shows the same list.
    const url = new URL(window.location.href);
    if (q) url.searchParams.set('q', input.value.trim()); else url.searchParams.delete('q');
    window.history.replaceState(null, '', url);
  }

  input.addEventListener('input', apply);
  input.form?.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
})();
