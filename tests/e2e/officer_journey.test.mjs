// The officer's whole journey in Chromium on a 390 px phone (issue 15): a new person registers and
// confirms by e-mail, finds the officer application from the Open Data home page, files it with
// the signed scan; a sysadmin approves it in the staff queue; the approval e-mail and the request
// page lead to the agency and to "add dataset"; the new officer describes a dataset (a draft, which
// visitors cannot see), adds a cp874 (TIS-620) CSV with the upload's progress bar and publishes it;
// the preview shows the Thai cells and the page's API example answers with rows; the file is
// replaced by a UTF-8 one and the preview follows. Every page: axe in Thai and English, nothing
// wider than the screen. Screenshots in tests/artifacts/officer-journey-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium, root, seriousViolations, shot, signedApplicationPdf, startGovhub } from './harness.mjs';

const WIDTH = 390;
const phone = { viewport: { width: WIDTH, height: 844 } };
const fixture = (name) => path.join(root, 'tests/fixtures', name);

let govhub;
let browser;

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', 'oj-admin', '--email', 'oj-admin@example.go.th',
    '--password', 'ดูแลระบบ-เส้นทาง-2569', '--sysadmin');
  const token = govhub.cli('admin', 'create-token', 'oj-admin').trim();
  const res = await fetch(`${govhub.url}/api/3/action/organization_create`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify({ name: 'oae-test', title: 'สำนักงานเศรษฐกิจการเกษตร (ทดสอบ)',
      title_en: 'Office of Agricultural Economics (test)' }),
  });
  assert.equal((await res.json()).success, true);
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

// axe finds nothing serious, and nothing scrolls sideways at 390 px.
async function assertClean(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: ${what}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `${what} is ${width} px wide at ${WIDTH} px`);
}

// Checks the page as it is, and the same address in the other language (in a second tab of the
// same browser, so signed in alike); a screenshot of each. `bothLanguages: false` for pages that
// cannot be asked for again: the answer to a POST, a link that works once.
async function checkPage(page, name, { bothLanguages = true, status = 200 } = {}) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await assertClean(page, `${name} (${lang})`);
  await shot(page, `officer-journey-${name}-${lang}`);
  if (!bothLanguages) return;
  const other = lang === 'en' ? 'th' : 'en';
  const url = new URL(page.url());
  url.searchParams.set('lang', other);
  const tab = await page.context().newPage();
  const res = await tab.goto(url.href);
  assert.equal(res.status(), status, `${url.pathname} in ${other}`);
  assert.equal(await tab.evaluate(() => document.documentElement.lang), other);
  await assertClean(tab, `${name} (${other})`);
  await shot(tab, `officer-journey-${name}-${other}`);
  await tab.close();
  // ?lang= set the language cookie: the journey goes on in the page's own language.
  await page.context().addCookies([{ name: 'lang', value: lang, url: govhub.url }]);
}

// The resource page once its table has loaded with `cell` in it (the load is a background job).
async function waitForPreview(page, cell) {
  const table = page.locator('table.data tbody');
  for (let i = 0; i < 60; i++) {
    if (await table.count() && (await table.innerText()).includes(cell)) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.fail(`the preview never showed ${cell}`);
}

test('a new person becomes an agency officer and publishes a Thai CSV, on a phone', async () => {
  const started = Date.now();
  const ctx = await browser.newContext({ locale: 'th-TH', ...phone });
  const page = await ctx.newPage();
  const name = 'somsri-oj';
  const email = 'somsri.oj@example.go.th';
  const password = 'มังคุด-ราชินีผลไม้-2569';

  // 1. Registers, confirms by the e-mailed link, logs in.
  await page.goto(`${govhub.url}/`);
  await checkPage(page, 'home');
  await page.getByRole('link', { name: 'สมัครสมาชิก' }).first().click();
  await checkPage(page, 'register');
  await page.getByLabel('ชื่อผู้ใช้', { exact: true }).fill(name);
  await page.getByLabel('อีเมล').fill(email);
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาไทย)').fill('สมศรี ผลไม้ดี');
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาอังกฤษ)').fill('Somsri Phonmaidee');
  await page.getByLabel('รหัสผ่าน', { exact: true }).fill(password);
  await page.getByLabel('ยืนยันรหัสผ่าน').fill(password);
  await page.getByRole('button', { name: 'สมัครสมาชิก' }).click();
  await page.getByRole('heading', { name: 'ตรวจสอบอีเมลของคุณ' }).waitFor();
  await checkPage(page, 'registered', { bothLanguages: false });
  const welcome = await govhub.waitForMail(email);
  assert.ok(welcome, 'a verification mail was written');
  await page.goto(welcome.match(/http:\/\/\S+\/user\/verify\?token=[\w-]+/)[0]);
  await page.getByRole('heading', { name: 'ยืนยันอีเมลเรียบร้อย' }).waitFor();
  await checkPage(page, 'verified', { bothLanguages: false });
  await page.getByRole('main').getByRole('link', { name: 'เข้าสู่ระบบ', exact: true }).click();
  await checkPage(page, 'login');
  await govhub.logIn(page, name, password);
  await page.getByRole('heading', { name: 'สมศรี ผลไม้ดี' }).waitFor();
  await checkPage(page, 'profile');

  // ... finds the officer application from the Open Data home page, files it with the scan.
  await page.getByRole('navigation', { name: 'เมนูหลัก' }).getByRole('link', { name: 'ข้อมูลเปิด' }).click();
  await page.waitForURL(/\/opendata$/);
  await checkPage(page, 'opendata');
  await page.getByRole('complementary', { name: /เผยแพร่ข้อมูลของหน่วยงาน/ })
    .getByRole('link', { name: 'สมัครเป็นเจ้าหน้าที่ผู้เผยแพร่ข้อมูล' }).click();
  await page.waitForURL(/\/opendata\/officer$/);
  await checkPage(page, 'officer-form');
  await page.getByLabel('หน่วยงาน', { exact: true }).selectOption({ label: 'สำนักงานเศรษฐกิจการเกษตร (ทดสอบ)' });
  await page.getByLabel('ตำแหน่ง', { exact: true }).fill('นักวิชาการเกษตรชำนาญการ');
  await page.getByLabel('เลขประจำตัวประชาชน', { exact: true }).fill('1-1011-12345-67-9');
  await page.getByLabel('โทรศัพท์สำนักงาน').fill('02-579-5566');
  await page.getByLabel('โทรศัพท์มือถือ').fill('081-234-5678');
  await page.getByLabel('อีเมลหน่วยงาน').fill('somsri@oae.go.th');
  await page.getByRole('button', { name: 'บันทึกและไปขั้นตอนถัดไป' }).click();
  await page.getByText('1-1011-XXXXX-XX-9').waitFor();
  const reference = (await page.locator('h1 .mono').innerText()).trim();
  assert.match(reference, /^OM-25\d\d-[0-9A-Z]{6}$/);
  await checkPage(page, 'officer-request-draft');
  await page.getByLabel('ใบสมัครที่ลงนามแล้ว').setInputFiles(signedApplicationPdf());
  await page.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  await page.getByRole('link', { name: /signed-application\.pdf/ }).waitFor();
  await page.getByRole('button', { name: 'ส่งคำขอ' }).click();
  await page.getByText('รอพิจารณา').first().waitFor();
  await checkPage(page, 'officer-request-submitted');

  // 2. A sysadmin approves it from the staff queue.
  const staff = await browser.newContext({ locale: 'th-TH', ...phone });
  const admin = await staff.newPage();
  await govhub.logIn(admin, 'oj-admin', 'ดูแลระบบ-เส้นทาง-2569');
  // On a phone the staff links are behind the header's menu.
  await admin.getByRole('button', { name: 'เมนู' }).click();
  await admin.getByRole('link', { name: 'คำขอ', exact: true }).click();
  await admin.waitForURL(/\/staff\/requests/);
  await checkPage(admin, 'staff-queue');
  await admin.getByRole('link', { name: reference }).click();
  await admin.getByText('1-1011-12345-67-9').waitFor();
  await checkPage(admin, 'staff-request');
  await admin.getByRole('button', { name: 'อนุมัติ', exact: true }).click();
  await admin.getByText('อนุมัติแล้ว').first().waitFor();
  await checkPage(admin, 'staff-request-approved');
  await staff.close();

  // 3. The approval e-mail's next steps: the agency and "add dataset"; the request page has the same.
  const approval = await govhub.waitForMail(email, 15000, /\/dataset\/new/);
  assert.match(approval ?? '', /อนุมัติ/, 'the approval e-mail');
  for (const line of [`หน้าหน่วยงานของท่าน: ${govhub.url}/organization/oae-test`, `เพิ่มชุดข้อมูล: ${govhub.url}/dataset/new?owner_org=oae-test`])
    assert.ok(approval.split(/\r?\n/).some((l) => l.trim() === `- ${line}`), `"${line}" in the e-mail:\n${approval}`);
  await page.reload();
  await page.getByText('อนุมัติแล้ว').first().waitFor();
  const nextSteps = page.locator('.next-steps');
  assert.deepEqual(await nextSteps.getByRole('link').evaluateAll((links) => links.map((a) => [a.textContent.trim(), a.getAttribute('href')])),
    [['หน้าหน่วยงานของท่าน', '/organization/oae-test'], ['เพิ่มชุดข้อมูล', '/dataset/new?owner_org=oae-test']]);
  await checkPage(page, 'officer-request-approved');
  await nextSteps.getByRole('link', { name: 'เพิ่มชุดข้อมูล' }).click();

  // 4. Describes the dataset: it is a draft, which visitors neither open nor find.
  await page.waitForURL(/\/dataset\/new\?owner_org=oae-test$/);
  await checkPage(page, 'dataset-type');
  await page.getByLabel('ข้อมูลระเบียน').check();
  await page.getByRole('button', { name: 'ถัดไป' }).click();
  await page.locator('#maintainer').waitFor();
  await checkPage(page, 'dataset-form');
  await page.locator('#title').fill('ราคามังคุดรายจังหวัด');
  // An English title too (step 8 checks that an English reader finds the dataset by it).
  await page.locator('[name=title_en]').fill('Mangosteen prices');
  // The URL name follows the English title until one is typed.
  assert.equal(await page.locator('#name').inputValue(), 'mangosteen-prices');
  await page.locator('#name').fill('mangosteen-prices');
  await page.locator('#notes').fill('ราคามังคุดที่เกษตรกรขายได้ จำแนกรายจังหวัด');
  await page.locator('#tag_string').fill('มังคุด, ราคาสินค้าเกษตร');
  await page.locator('#owner_org').selectOption({ label: 'สำนักงานเศรษฐกิจการเกษตร (ทดสอบ)' });
  await page.locator('#maintainer').fill('ศูนย์สารสนเทศการเกษตร');
  await page.locator('#maintainer_email').fill('somsri@oae.go.th');
  await page.locator('#objective-0').check();
  await page.locator('#update_frequency_unit').selectOption('เดือน');
  await page.locator('#geo_coverage').selectOption('จังหวัด');
  await page.locator('#data_source').fill('สำรวจราคาที่เกษตรกรขายได้');
  await page.locator('input[name="data_format"][value="CSV"]').check();
  await page.locator('#data_category').selectOption('ข้อมูลสาธารณะ');
  await page.locator('#license_id').selectOption('cc-by');
  await page.getByRole('button', { name: 'บันทึกชุดข้อมูล' }).click();
  await page.waitForURL(/\/dataset\/mangosteen-prices\/resource\/new$/);
  await page.getByRole('heading', { name: 'เพิ่มข้อมูล' }).waitFor();
  await checkPage(page, 'add-data');

  const anonymous = await browser.newContext({ locale: 'th-TH', ...phone });
  const visitor = await anonymous.newPage();
  const hidden = await visitor.goto(`${govhub.url}/dataset/mangosteen-prices`);
  assert.equal(hidden.status(), 404, 'a draft is not shown to visitors');
  await checkPage(visitor, 'draft-404', { status: 404 });
  await visitor.goto(`${govhub.url}/dataset?q=${encodeURIComponent('มังคุด')}`);
  assert.match(await visitor.locator('.result-count').innerText(), /พบ 0 ชุดข้อมูล/);
  assert.equal(await visitor.getByText('ราคามังคุดรายจังหวัด').count(), 0);
  await checkPage(visitor, 'search-draft');

  // 5. "Add data": the cp874 file through the file input, on a slow uplink so that the progress
  // bar is seen while the file goes; then public, and "finish" publishes the dataset.
  await page.locator('#upload').setInputFiles(fixture('mangosteen-cp874.csv'));
  await page.locator('#name').fill('ราคามังคุด พฤษภาคม 2569');
  await page.getByLabel('สาธารณะ: ทุกคนเห็น').check();
  const devtools = await ctx.newCDPSession(page);
  await devtools.send('Network.enable');
  await devtools.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1500 });
  await page.getByRole('button', { name: 'เสร็จสิ้น' }).click();
  const progress = page.locator('.upload-progress progress');
  await progress.waitFor({ state: 'visible' });
  await page.locator('.upload-percent').filter({ hasText: /^\d+%$/ }).waitFor();
  const shown = await progress.evaluate((bar) => bar.value);
  await shot(page, 'officer-journey-upload-progress-th');
  await page.waitForURL(/\/dataset\/mangosteen-prices$/);
  await devtools.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await devtools.detach();
  assert.ok(shown >= 0 && shown <= 100, `progress ${shown}`);
  await page.getByRole('heading', { level: 1, name: 'ราคามังคุดรายจังหวัด' }).waitFor();
  await checkPage(page, 'dataset');
  const published = (await (await fetch(`${govhub.url}/api/3/action/package_show?id=mangosteen-prices`)).json()).result;
  assert.equal(published.state, 'active');
  assert.equal(published.private, false);
  assert.equal(published.resources.length, 1);
  const rid = published.resources[0].id;

  // 6. The resource page: the preview reads the cp874 file as Thai; its API example gives rows.
  await page.getByRole('link', { name: 'รายละเอียด ราคามังคุด พฤษภาคม 2569' }).click();
  await page.waitForURL(new RegExp(`/resource/${rid}$`));
  await waitForPreview(page, 'จันทบุรี');
  const preview = page.locator('table.data');
  assert.match(await preview.locator('thead').innerText(), /จังหวัด/);
  const cells = await preview.locator('tbody').innerText();
  for (const province of ['จันทบุรี', 'ระยอง', 'ตราด', 'ปราจีนบุรี']) assert.ok(cells.includes(province), cells);
  assert.doesNotMatch(cells, /\uFFFD|[\u00A0-\u00FF]{2}/, 'no mojibake in the preview');
  await checkPage(page, 'resource');
  const examples = await page.locator('a.api-example').evaluateAll((links) => links.map((a) => a.href));
  assert.ok(examples.length > 0, 'the page shows API examples');
  for (const href of examples) {
    const answer = await (await fetch(href)).json();
    assert.equal(answer.success, true, href);
    assert.ok(answer.result.records.length > 0, `${href} gave no rows`);
  }

  // 7. Replaces the file from the resource's edit page: the preview shows the new rows.
  await page.getByRole('main').getByRole('link', { name: 'แก้ไข', exact: true }).click();
  await page.waitForURL(new RegExp(`/resource/${rid}/edit$`));
  await checkPage(page, 'resource-edit');
  await page.locator('#upload').setInputFiles(fixture('mangosteen-utf8.csv'));
  await page.getByRole('button', { name: 'บันทึกการแก้ไข' }).click();
  await page.waitForURL(new RegExp(`/resource/${rid}$`));
  await waitForPreview(page, 'นครศรีธรรมราช');
  const replaced = await page.locator('table.data tbody').innerText();
  for (const province of ['ชุมพร', 'นครศรีธรรมราช', 'สุราษฎร์ธานี']) assert.ok(replaced.includes(province), replaced);
  assert.ok(!replaced.includes('จันทบุรี'), `the old rows are gone: ${replaced}`);
  await checkPage(page, 'resource-replaced');

  // A visitor finds the published dataset by a Thai word now.
  await visitor.goto(`${govhub.url}/dataset?q=${encodeURIComponent('มังคุด')}`);
  await visitor.getByRole('link', { name: 'ราคามังคุดรายจังหวัด' }).waitFor();
  await checkPage(visitor, 'search-published');

  // 8. An English reader searches in English and finds the dataset under its English title.
  const reader = await (await browser.newContext({ locale: 'en-GB', ...phone })).newPage();
  await reader.goto(`${govhub.url}/dataset?lang=en`);
  await reader.getByLabel('Search datasets').fill('Mangosteen');
  await reader.getByRole('button', { name: 'Search' }).click();
  await reader.getByRole('link', { name: 'Mangosteen prices' }).waitFor();
  await checkPage(reader, 'search-en');
  await reader.context().close();
  await anonymous.close();
  await ctx.close();
  console.log(`officer journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
