// workD's journey in Chromium on a 390 px phone (issue 18): a new agency's administrator files the
// request form in Thai (a new agency, a subdomain), sees per-field errors for bad values with what
// they typed kept, fixes them and continues, prints the filled form (PDF), uploads the signed scan
// and submits; a reviewer approves fewer accounts than asked, with the reason; the agency's
// administrator finds the service waiting for provisioning on /workd, with the reason and the
// counts. Every page: axe (nothing serious) and nothing wider than the screen, in Thai and again
// in English. Screenshots in tests/artifacts/workd-journey-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, seriousViolations, shot, signedApplicationPdf, startGovhub } from './harness.mjs';

const WIDTH = 390;
const phone = { viewport: { width: WIDTH, height: 844 } };
const REVIEWER_PASSWORD = 'ผู้พิจารณา-เวิร์กดี-2569';
const ADMIN_PASSWORD = 'ดูแลอีเมล-หน่วยงาน-2569';

let govhub;
let browser;

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', 'wdj-reviewer', '--email', 'wdj-reviewer@example.go.th',
    '--password', REVIEWER_PASSWORD, '--sysadmin');
  govhub.cli('admin', 'create-user', '--name', 'wdj-admin', '--email', 'wdj-admin@example.go.th',
    '--password', ADMIN_PASSWORD);
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

// The page as it is, and (unless it answers a POST) the same address in the other language in a
// second tab; a screenshot of each. The journey goes on in the page's own language.
async function checkPage(page, name, { bothLanguages = true } = {}) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await assertClean(page, `${name} (${lang})`);
  await shot(page, `workd-journey-${name}-${lang}`);
  if (!bothLanguages) return;
  const other = lang === 'en' ? 'th' : 'en';
  const url = new URL(page.url());
  url.searchParams.set('lang', other);
  const tab = await page.context().newPage();
  const res = await tab.goto(url.href);
  assert.equal(res.status(), 200, `${url.pathname} in ${other}`);
  assert.equal(await tab.evaluate(() => document.documentElement.lang), other);
  await assertClean(tab, `${name} (${other})`);
  await shot(tab, `workd-journey-${name}-${other}`);
  await tab.close();
  await page.context().addCookies([{ name: 'lang', value: lang, url: govhub.url }]);
}

const field = (page, name) => page.locator(`[name="${name}"]`).first();
const errorOf = (page, name) => page.locator(`#${name}-error`);

function inTwoDays() {
  const d = new Date(Date.now() + 2 * 86400000);
  return d.toISOString().slice(0, 10);
}

test('an agency files workD, a reviewer approves fewer accounts, the agency sees it on /workd', async () => {
  const ctx = await browser.newContext({ locale: 'th-TH', ...phone });
  const page = await ctx.newPage();

  // 1. /workd for anyone: what the service is and the way in.
  await page.goto(`${govhub.url}/workd?lang=th`);
  await checkPage(page, 'home-anonymous');
  await govhub.logIn(page, 'wdj-admin', ADMIN_PASSWORD);
  await page.goto(`${govhub.url}/workd?lang=th`);
  await page.getByRole('link', { name: 'ยื่นคำขอใช้บริการ workD' }).first().click();
  await page.waitForURL((u) => u.pathname === '/workd/requests/new');
  await checkPage(page, 'form-new');

  // 2. The form, in Thai, with two bad values: a citizen ID whose check digit is wrong and a
  // mobile number that is not one.
  const label = `wdj${Date.now().toString(36).slice(-6)}`;
  await page.locator('input[name="agency_choice"][value="new"]').check();
  const values = {
    agency_name_th: 'สำนักงานทดสอบเส้นทางเวิร์กดี', agency_name_en: 'workD Journey Test Office',
    contact_name_th: 'สมหญิง ใจงาม', contact_name_en: 'Somying Jaingam',
    contact_position: 'นักวิชาการคอมพิวเตอร์ชำนาญการ', contact_citizen_id: '1-1011-12345-67-8',
    office_phone: '02 612 6060 ต่อ 123', mobile: '081-234-567', email: 'somying@journey.go.th',
    backup_email: 'somying.backup@example.com', address_number: '99/1', address_road: 'แจ้งวัฒนะ',
    province: 'กรุงเทพมหานคร', amphoe: 'หลักสี่', tambon: 'ทุ่งสองห้อง',
    subdomain: label, mail_accounts: '120', conference_accounts: '10', effective_date: inTwoDays(),
  };
  await field(page, 'ministry').selectOption('other');
  await field(page, 'ministry_other_th').fill('องค์การมหาชน');
  await field(page, 'ministry_other_en').fill('Public organisations');
  for (const [k, v] of Object.entries(values)) {
    if (k === 'subdomain') await page.locator('input[name="domain_kind"][value="subdomain"]').check();
    await field(page, k).fill(v);
  }
  await page.locator('input[name="pdpa_consent"][value="yes"]').check();
  await page.locator('input[name="terms_accepted"]').check();
  await page.getByRole('button', { name: 'ดำเนินการต่อ' }).click();
  await errorOf(page, 'contact_citizen_id').waitFor();
  await errorOf(page, 'mobile').waitFor();
  assert.equal(await field(page, 'contact_citizen_id').inputValue(), '1-1011-12345-67-8');
  assert.equal(await field(page, 'mobile').inputValue(), '081-234-567');
  assert.equal(await field(page, 'agency_name_th').inputValue(), 'สำนักงานทดสอบเส้นทางเวิร์กดี');
  assert.match(await errorOf(page, 'contact_citizen_id').innerText(), /\S/);
  await checkPage(page, 'form-errors', { bothLanguages: false });

  // 3. Fixed, it goes on to the request page.
  await field(page, 'contact_citizen_id').fill('1-1011-12345-67-9');
  await field(page, 'mobile').fill('081-234-5678');
  if (!(await page.locator('input[name="terms_accepted"]').isChecked()))
    await page.locator('input[name="terms_accepted"]').check();
  await page.getByRole('button', { name: 'ดำเนินการต่อ' }).click();
  await page.waitForURL((u) => /^\/requests\/WD-/.test(u.pathname));
  const reference = new URL(page.url()).pathname.split('/').pop();
  await checkPage(page, 'request-draft');

  // 4. The printed form is a PDF.
  const pdf = await page.request.get(`${govhub.url}/workd/requests/${reference}/form.pdf`);
  assert.equal(pdf.status(), 200);
  assert.match(pdf.headers()['content-type'], /application\/pdf/);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

  // 5. The signed scan, then submit.
  await page.locator('input[type="file"]').first().setInputFiles(signedApplicationPdf('workd-signed.pdf'));
  await page.getByRole('button', { name: 'อัปโหลด', exact: true }).first().click();
  await page.getByRole('link', { name: /workd-signed\.pdf/ }).waitFor();
  await page.getByRole('button', { name: 'ส่งคำขอ', exact: true }).click();
  await page.getByText('รอพิจารณา').first().waitFor();
  await checkPage(page, 'request-submitted');

  // 6. The reviewer approves 100 of the 120 Mail accounts asked, with the reason.
  const rctx = await browser.newContext({ locale: 'th-TH', ...phone });
  const reviewer = await rctx.newPage();
  await govhub.logIn(reviewer, 'wdj-reviewer', REVIEWER_PASSWORD);
  await reviewer.goto(`${govhub.url}/staff/requests/${reference}?lang=th`);
  await checkPage(reviewer, 'staff-request');
  await field(reviewer, 'approved_mail_accounts').fill('100');
  await field(reviewer, 'reduction_reason').fill('กรอบงบประมาณปีนี้เหลือ 100 บัญชี');
  await reviewer.getByRole('button', { name: 'อนุมัติ', exact: true }).click();
  await reviewer.getByText('อนุมัติแล้ว').first().waitFor();
  await checkPage(reviewer, 'staff-request-approved');

  // 7. The agency's administrator sees the service waiting for provisioning on /workd.
  let section;
  for (let i = 0; i < 50; i++) {
    await page.goto(`${govhub.url}/workd?lang=th`);
    section = page.locator('section.workd-agency', { hasText: 'สำนักงานทดสอบเส้นทางเวิร์กดี' });
    if (await section.count() && (await section.innerText()).includes('WH-')) break;
    await page.waitForTimeout(200);
  }
  const text = await section.innerText();
  assert.match(text, /รอส่งมอบ/);
  assert.match(text, new RegExp(`${label}\\.mail\\.go\\.th`));
  assert.match(text, /อนุมัติ 100 \(ที่ขอ 120\)/);
  assert.match(text, /ยังไม่นับ/);
  assert.match(text, /กรอบงบประมาณปีนี้เหลือ 100 บัญชี/);
  assert.match(text, /การส่งมอบบริการ/);
  assert.match(text, new RegExp(reference));
  await checkPage(page, 'agency-view');
  await page.goto(`${govhub.url}/workd?lang=en`);
  const en = await page.locator('section.workd-agency').first().innerText();
  assert.match(en, /not counted yet/);
  assert.match(en, /Hand-over of the service/);
  assert.match(en, /workD Journey Test Office/);
  await checkPage(page, 'agency-view-en', { bothLanguages: false });
  // The domain's DNS page is one link away.
  await page.locator('section.workd-agency').first().getByRole('link', { name: /DNS records/ }).click();
  await page.waitForURL((u) => u.pathname === `/workd/requests/${reference}/dns`);
  await ctx.close();
  await rctx.close();
});
