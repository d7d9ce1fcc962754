// What a new user noticed on a 390 px phone, in Thai and English, against the demo catalog:
// the search's results come before its facets (a "ตัวกรอง" / "Filters" link jumps to them), the
// signed-in header folds its account links behind a "เมนู" / "Menu" disclosure, each file's
// edit/delete/move controls are 44 px tap targets, and the "private" checkbox sits beside its
// label. On a 1366 px screen each looks as before. axe checks on each page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, seriousViolations, shot, startGovhub } from './harness.mjs';

let govhub;
let browser;
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 900 };
const DEMO_PASSWORD = 'demo-password-2569';
const ADMIN = ['site-boss', 'Tamarind-Lantern-77'];
const T = {
  th: { filters: 'ตัวกรอง', menu: 'เมนู', found: /^พบ \d+ ชุดข้อมูล/, dashboard: 'ชุดข้อมูลของฉัน', logout: 'ออกจากระบบ',
    requests: 'คำขอ', users: 'ผู้ใช้งาน', back: 'กลับไปที่ผลการค้นหา' },
  en: { filters: 'Filters', menu: 'Menu', found: /^Found \d+ datasets?/, dashboard: 'My datasets', logout: 'Log out',
    requests: 'Requests', users: 'Users', back: 'Back to the results' },
};

before(async () => {
  govhub = await startGovhub(['--seed-demo']);
  govhub.cli('admin', 'create-user', '--name', ADMIN[0], '--email', 'boss@example.go.th', '--password', ADMIN[1],
    '--fullname-th', 'ผู้ดูแล ระบบ', '--fullname-en', 'Site Boss', '--sysadmin');
  browser = await launchChromium();
  // A second file on somchai's agency's dataset, so its files can move up and down.
  const token = govhub.cli('admin', 'create-token', 'somchai').trim().split('\n').pop();
  const r = await fetch(`${govhub.url}/api/3/action/resource_create`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify({ package_id: 'population-bangkok-district', name: 'district-codes.csv',
      url: 'https://example.go.th/district-codes.csv', format: 'CSV' }),
  });
  assert.equal(r.status, 200, await r.text());
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

async function signedIn(viewport, lang, [name, password] = ['somchai', DEMO_PASSWORD], options = {}) {
  const ctx = await browser.newContext({ viewport, locale: lang === 'th' ? 'th-TH' : 'en-GB', ...options });
  const page = await ctx.newPage();
  if (name) await govhub.logIn(page, name, password);
  return { ctx, page };
}

async function noSeriousViolations(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${what}`);
}

const box = (locator) => locator.evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
});

for (const lang of ['th', 'en']) {
  test(`search results come before the facets at 390 px, beside them at 1366 px (${lang})`, async () => {
    const { ctx, page } = await signedIn(PHONE, lang, [null]);
    for (const p of ['/dataset', `/dataset?q=${encodeURIComponent(lang === 'th' ? 'ประชากร' : 'population')}`,
      '/group/society']) {
      await page.goto(`${govhub.url}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      const count = page.locator('.result-count');
      assert.match(await count.innerText(), T[lang].found, p);
      const first = page.locator('.dataset-item').first();
      assert.ok((await box(count)).bottom <= PHONE.height, `${p}: the result count is on the first screen`);
      assert.ok((await box(first)).top < PHONE.height, `${p}: the first result starts on the first screen`);
      // The filters are one tap away, and lead back to the results.
      const link = page.getByRole('link', { name: T[lang].filters, exact: true });
      assert.ok((await box(link)).bottom <= PHONE.height && (await box(link)).height >= 44, `${p}: filters link`);
      await link.click();
      await page.waitForURL(/#filters$/);
      const facets = page.getByRole('complementary', { name: T[lang].filters });
      const f = await box(facets);
      assert.ok(f.top >= -1 && f.top < PHONE.height, `${p}: the facets are in view after the link (${f.top})`);
      assert.ok(f.top > (await box(first)).bottom, `${p}: the facets follow the results`);
      await facets.getByRole('link', { name: T[lang].back }).click();
      await page.waitForURL(/#results$/);
      if (p === '/dataset') {
        await shot(page, `search-results-first-${lang}-390`);
        await noSeriousViolations(page, `${p} at 390 px`);
      }
    }
    // An active filter is counted in the link.
    await page.goto(`${govhub.url}/dataset?lang=${lang}`);
    await page.getByRole('complementary', { name: T[lang].filters }).getByRole('link').nth(1).click();
    await page.getByRole('link', { name: `${T[lang].filters} (1)`, exact: true }).waitFor();
    await ctx.close();

    // 1366 px: facets in the left column beside the results, no filters link.
    const desk = await signedIn(DESK, lang, [null]);
    await desk.page.goto(`${govhub.url}/dataset?lang=${lang}`);
    const facets = await box(desk.page.getByRole('complementary', { name: T[lang].filters }));
    const results = await box(desk.page.locator('.results'));
    assert.ok(facets.right <= results.left && Math.abs(facets.top - results.top) < 2, 'facets beside the results');
    assert.equal(await desk.page.locator('.filters-link').isVisible(), false, 'no filters link beside the facets');
    await noSeriousViolations(desk.page, '/dataset at 1366 px');
    await desk.ctx.close();
  });

  test(`the signed-in header is two lines at 390 px with a menu disclosure (${lang})`, async () => {
    for (const [who, account, staffLinks] of [['editor', undefined, []], ['sysadmin', ADMIN, [T[lang].requests, T[lang].users]]]) {
      const { ctx, page } = await signedIn(PHONE, lang, account);
      await page.goto(`${govhub.url}/opendata?lang=${lang}`);
      const header = page.locator('.site-header');
      // Two lines: brand with the menu button, then the services with the language switch; less
      // than three 44 px lines in all (it was four lines, 159 px, and six for a sysadmin, 195 px).
      const menu = page.getByRole('button', { name: T[lang].menu });
      const sameLine = (a, b) => a.top < b.bottom && b.top < a.bottom;
      const [brand, button, services, switcher] = await Promise.all([box(page.locator('.site-header .brand')), box(menu),
        box(page.getByRole('navigation', { name: lang === 'th' ? 'เมนูหลัก' : 'Main menu' })), box(page.locator('.site-header .lang'))]);
      assert.ok(sameLine(brand, button), `${who}: the menu button is on the brand's line`);
      assert.ok(sameLine(services, switcher), `${who}: the language switch is on the services' line`);
      assert.ok(services.top >= button.bottom - 1, `${who}: the services are on the second line`);
      const h = (await box(header)).height;
      assert.ok(h < 3 * 44, `${who}: header ${h} px is less than three lines`);
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      const dashboard = page.getByRole('link', { name: T[lang].dashboard });
      assert.equal(await dashboard.isVisible(), false, 'the account links are folded');
      // Keyboard: Tab reaches the button, Enter opens it, every link is reachable, Escape closes.
      await page.keyboard.press('Tab'); // skip link
      await page.keyboard.press('Tab'); // brand
      await page.keyboard.press('Tab');
      assert.equal(await menu.evaluate((b) => b === document.activeElement), true, 'Tab reaches the menu button');
      await page.keyboard.press('Enter');
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      for (const name of [T[lang].dashboard, ...staffLinks]) {
        const link = page.getByRole('banner').getByRole('link', { name, exact: true }).first();
        assert.ok(await link.isVisible(), `${who}: ${name} shows in the open menu`);
        assert.ok((await box(link)).height >= 44, `${who}: ${name} is a 44 px target`);
      }
      const logout = page.getByRole('button', { name: T[lang].logout });
      assert.ok(await logout.isVisible() && (await box(logout)).height >= 44);
      await shot(page, `header-menu-${who}-${lang}-390`);
      await noSeriousViolations(page, `header menu open (${who})`);
      await page.keyboard.press('Escape');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await menu.evaluate((b) => b === document.activeElement), true, 'Escape gives the focus back');
      // The same links, by name, after a tap.
      await menu.click();
      await page.getByRole('link', { name: T[lang].dashboard }).click();
      await page.waitForURL(/\/dashboard/);
      await ctx.close();

      // 1366 px: no button, every link in the bar as before.
      const desk = await signedIn(DESK, lang, account);
      await desk.page.goto(`${govhub.url}/opendata?lang=${lang}`);
      assert.equal(await desk.page.getByRole('button', { name: T[lang].menu }).isVisible(), false);
      assert.ok(await desk.page.getByRole('link', { name: T[lang].dashboard }).isVisible());
      assert.ok(await desk.page.getByRole('button', { name: T[lang].logout }).isVisible());
      await desk.ctx.close();
    }
    // Without JavaScript the links all show (wrapped), and the button does not.
    const { ctx, page } = await signedIn(PHONE, lang, undefined, { javaScriptEnabled: false });
    await page.goto(`${govhub.url}/opendata?lang=${lang}`);
    assert.ok(await page.getByRole('link', { name: T[lang].dashboard }).isVisible());
    assert.equal(await page.getByRole('button', { name: T[lang].menu }).isVisible(), false);
    await ctx.close();
  });

  test(`a file's edit/delete/move controls are 44 px targets at 390 px; the private box sits by its label (${lang})`, async () => {
    const { ctx, page } = await signedIn(PHONE, lang);
    await page.goto(`${govhub.url}/dataset/population-bangkok-district?lang=${lang}`);
    const controls = page.locator('.resource-actions a, .resource-actions button');
    assert.ok(await controls.count() >= 6, 'edit, delete and a move for each of two files');
    for (const c of await controls.all()) {
      const b = await box(c);
      assert.ok(b.width >= 44 && b.height >= 44, `${await c.innerText()}: ${b.width}×${b.height}`);
    }
    await shot(page, `dataset-file-controls-${lang}-390`);
    await noSeriousViolations(page, 'dataset page at 390 px');
    for (const viewport of [PHONE, DESK]) {
      await page.setViewportSize(viewport);
      await page.goto(`${govhub.url}/dataset/population-bangkok-district/edit?lang=${lang}`);
      const input = await box(page.locator('#private'));
      const label = await box(page.locator('label[for="private"]'));
      assert.ok(input.width < 40, `the checkbox is ${input.width} px wide`);
      assert.ok(input.right <= label.left, 'the checkbox comes before its label on the line');
      const middle = (input.top + input.bottom) / 2;
      assert.ok(middle > label.top && middle < label.bottom, 'the checkbox is on its label\'s line');
    }
    await noSeriousViolations(page, 'dataset form at 1366 px');
    // On a wide screen the controls stay text links.
    await page.goto(`${govhub.url}/dataset/population-bangkok-district?lang=${lang}`);
    const b = await box(page.locator('.resource-actions a').first());
    assert.ok(b.height < 44 && b.height >= 24, `desktop link ${b.height} px high`);
    await ctx.close();
  });
}
