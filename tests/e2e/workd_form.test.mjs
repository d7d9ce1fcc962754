// workD's request form (issue 18, step 1) in Chromium on a 390 px phone: from the /workd page to
// the form, filled with the address pickers (JavaScript), the errors beside the fields and in the
// summary, then "continue" to the request page, the signed scan and the submission; and the same
// form posted with JavaScript off. axe in Thai and English, nothing wider than the screen.
// Screenshots in tests/artifacts/workd-form-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, seriousViolations, shot, signedApplicationPdf, startGovhub } from './harness.mjs';

const WIDTH = 390;
let govhub;
let browser;

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
  for (const name of ['wdf-js', 'wdf-nojs'])
    govhub.cli('admin', 'create-user', '--name', name, '--email', `${name}@example.go.th`,
      '--password', 'ผู้ขอ-บริการ-2569');
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

async function assertClean(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: ${what}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `${what} is ${width} px wide at ${WIDTH} px`);
}

async function signIn(context, name, next) {
  const page = await context.newPage();
  await page.goto(`${govhub.url}/user/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=login]', name);
  await page.fill('input[name=password]', 'ผู้ขอ-บริการ-2569');
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  return page;
}

const tomorrow = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);

async function fill(page, label) {
  await page.check('input[name=agency_choice][value=new]');
  await page.fill('#agency_name_th', `สำนักงานทดลอง ${label}`);
  await page.selectOption('#ministry', 'other');
  await page.fill('#ministry_other_th', 'องค์การมหาชน');
  const values = {
    contact_name_th: 'สมหญิง ใจดี', contact_name_en: 'Somying Jaidee', contact_position: 'นักวิชาการ',
    contact_citizen_id: '1-1011-12345-67-9', office_phone: '02 612 6060 ต่อ 12', mobile: '081 234 5678',
    email: `${label}@agency.go.th`, backup_email: `${label}.backup@example.com`, address_number: '1',
    province: 'เชียงใหม่', amphoe: 'เมืองเชียงใหม่', tambon: 'ศรีภูมิ', subdomain: `trial${label}`,
    mail_accounts: '50', conference_accounts: '5',
  };
  for (const [k, v] of Object.entries(values)) await page.fill(`#${k}`, v);
  await page.check('input[name=domain_kind][value=subdomain]');
  await page.fill('#effective_date', tomorrow);
  await page.check('input[name=pdpa_consent][value=yes]');
  await page.check('input[name=terms_accepted]');
}

test('an agency files the workD request form on a phone, Thai and English', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, locale: 'th-TH' });
  const page = await signIn(context, 'wdf-js', '/workd');
  await page.click('a[href="/workd/requests/new"]');
  await page.waitForURL(/\/workd\/requests\/new/);
  await assertClean(page, 'form (th)');
  await shot(page, 'workd-form-empty-th');
  // Radios and the terms checkbox are 44 px tap targets; the zone suffix stays beside its input.
  for (const sel of ['input[name=agency_choice][value=new]', 'input[name=domain_kind][value=own]',
    'input[name=pdpa_consent][value=yes]', 'input[name=terms_accepted]']) {
    const box = await page.locator(sel).locator('xpath=..').boundingBox();
    assert.ok(box.height >= 44, `${sel}'s label is ${box.height} px high`);
  }
  const input = await page.locator('#subdomain').boundingBox();
  const suffix = await page.locator('.with-suffix .suffix').boundingBox();
  assert.ok(Math.abs(suffix.y + suffix.height / 2 - (input.y + input.height / 2)) < 8, 'suffix beside the input');
  // Errors beside the fields and linked from the summary, in Thai, and what was typed kept.
  await page.fill('#mobile', '02 123 4567');
  await Promise.all([page.waitForNavigation(), page.click('button[value=continue]')]);
  // Saved with errors: the draft's edit page (post/redirect/get), so a reload posts nothing.
  assert.match(page.url(), /\/workd\/requests\/WD-\d{4}-[0-9A-Z]{6}\/edit\?saved=1/);
  assert.match(await page.locator('#mobile-error').innerText(), /เบอร์มือถือไม่ถูกต้อง/);
  assert.equal(await page.inputValue('#mobile'), '02 123 4567');
  assert.ok(await page.locator('#form-errors a[href="#mobile"]').count());
  await assertClean(page, 'form with errors (th)');
  await shot(page, 'workd-form-errors-th');
  // The pickers fill the postcode.
  await fill(page, 'js');
  await page.fill('#postcode', '');
  await page.fill('#tambon', 'ศรีภูมิ');
  await page.dispatchEvent('#tambon', 'change');
  assert.equal(await page.inputValue('#postcode'), '50200');
  await Promise.all([page.waitForNavigation(), page.click('button[value=continue]')]);
  assert.match(page.url(), /\/requests\/WD-\d{4}-[0-9A-Z]{6}$/);
  await assertClean(page, 'request page (th)');
  await shot(page, 'workd-form-request-th');
  const ref = page.url().split('/').pop();
  // English.
  const en = await context.newPage();
  await en.goto(`${govhub.url}/workd/requests/${ref}/edit?lang=en`);
  assert.match(await en.locator('h1').innerText(), /Request for the central communication service/);
  await assertClean(en, 'form (en)');
  await shot(en, 'workd-form-edit-en');
  await en.close();
  await context.addCookies([{ name: 'lang', value: 'th', url: govhub.url }]);
  // The signed scan, then the submission.
  await page.goto(`${govhub.url}/requests/${ref}`);
  await page.setInputFiles('input[type=file]', signedApplicationPdf('workd-signed.pdf'));
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/documents"] button[type=submit]')]);
  await Promise.all([page.waitForNavigation(), page.click('button[name=transition][value=submit]')]);
  assert.match(await page.locator('main').innerText(), /รอพิจารณา/);
  await shot(page, 'workd-form-submitted-th');
  await context.close();
});

test('the form works with JavaScript off', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, locale: 'th-TH', javaScriptEnabled: false });
  const page = await signIn(context, 'wdf-nojs', '/workd/requests/new');
  await fill(page, 'nojs');
  await Promise.all([page.waitForNavigation(), page.click('button[value=continue]')]);
  assert.match(page.url(), /\/requests\/WD-\d{4}-[0-9A-Z]{6}$/);
  await context.close();
});
