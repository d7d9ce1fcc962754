// web/static/js/forms.js: a form on its way is not sent a second time. A person double-clicks
// "สมัครสมาชิก" (Register) while the first POST is still at the server; the server must get one POST.
// The first answer is held (page.route) until the second submission has been attempted, as a
// slow server would; the POSTs are counted in the server's own access log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, startGovhub } from './harness.mjs';

let govhub;
let browser;

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

// The POSTs to `route` the server has answered, from its access log.
function postsServed(route) {
  const log = fs.readFileSync(path.join(govhub.dataDir, 'server.log'), 'utf8');
  return log.split('\n').filter((line) => {
    if (!line.includes('"type":"access"')) return false;
    try {
      const e = JSON.parse(line);
      return e.method === 'POST' && e.path === route;
    } catch {
      return false;
    }
  }).length;
}

test('a second submit of a register form on its way is not sent (forms.js)', async () => {
  const ctx = await browser.newContext({ locale: 'th-TH', viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/user/register`);
  const password = 'ทุเรียน-หมอนทอง-2569';
  await page.getByLabel('ชื่อผู้ใช้', { exact: true }).fill('double-click');
  await page.getByLabel('อีเมล').fill('double.click@example.go.th');
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาไทย)').fill('สองครั้ง คลิกเร็ว');
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาอังกฤษ)').fill('Double Click');
  await page.getByLabel('รหัสผ่าน', { exact: true }).fill(password);
  await page.getByLabel('ยืนยันรหัสผ่าน').fill(password);

  // Every POST the page sends goes to the server at once (route.fetch); its answer reaches the
  // page only when `release` is called, after the second attempt.
  let sent = 0;
  const fetched = [];
  let firstSent;
  const firstSeen = new Promise((resolve) => { firstSent = resolve; });
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/user/register', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    sent += 1;
    const fetching = route.fetch({ maxRedirects: 0 });
    fetched.push(fetching);
    const response = await fetching;
    firstSent();
    await released;
    await route.fulfill({ response }).catch(() => {}); // a navigation the browser dropped
  });

  const before = postsServed('/user/register');
  // A double click at the DOM level: the second comes 300 ms after the first, while the first
  // POST waits for its answer (a Playwright click or evaluate would wait for that navigation),
  // and says so on the console.
  const secondClick = page.waitForEvent('console', (m) => m.text() === 'second click done');
  await page.evaluate(() => {
    const button = document.querySelector('form[action="/user/register"] button[type="submit"]');
    button.click();
    setTimeout(() => {
      button.click();
      console.log('second click done');
    }, 300);
  });
  await firstSeen;
  await secondClick;
  await new Promise((r) => setTimeout(r, 750)); // time for a second POST to leave, if it would
  release();
  await Promise.allSettled(fetched);
  assert.equal(sent, 1, `the page sent ${sent} POSTs`);
  assert.equal(postsServed('/user/register') - before, 1, 'the server got one registration');
  // The one answer is the page a registration leads to.
  await page.getByRole('heading', { name: 'ตรวจสอบอีเมลของคุณ' }).waitFor();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await ctx.close();
});
