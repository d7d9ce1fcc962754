// Open Data in the browser: an editor creates a statistical dataset through the guided form (a
// draft), adds a cp874 CSV with the progress bar, finishes, replaces the file; an anonymous visitor finds it by a Thai word and downloads the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, startGovhub } from './harness.mjs';

let govhub;
let browser;
let adminToken;

async function api(action, body, token) {
  const res = await fetch(`${govhub.url}/api/3/action/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(json.success, true, JSON.stringify(json));
  return json.result;
}

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', 'od-admin', '--email', 'od-admin@example.go.th', '--password',
    'ดูแลข้อมูล-เปิด-2569', '--sysadmin');
  govhub.cli('admin', 'create-user', '--name', 'od-editor', '--email', 'od-editor@example.go.th', '--password',
    'แก้ไขข้อมูล-2569', '--fullname-th', 'เจ้าหน้าที่ ข้อมูล');
  const token = govhub.cli('admin', 'create-token', 'od-admin').trim();
  adminToken = token;
  await api('organization_create', { name: 'tat', title: 'การท่องเที่ยวแห่งประเทศไทย' }, token);
  await api('organization_member_create', { id: 'tat', username: 'od-editor', role: 'editor' }, token);
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

test('an editor publishes a statistical dataset with a CSV file; a visitor finds it and downloads it', async () => {
  const editor = await browser.newContext({ locale: 'th-TH' });
  const page = await editor.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('od-editor');
  await page.getByLabel('รหัสผ่าน').fill('แก้ไขข้อมูล-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.waitForURL(/\/user\/od-editor/);
  // The profile says where the editor acts and as what (#15), and links the agency.
  const roles = page.locator('section[aria-labelledby="agencies-heading"]');
  assert.match(await roles.innerText(), /การท่องเที่ยวแห่งประเทศไทย — ผู้แก้ไข/);
  assert.equal(await roles.getByRole('link', { name: 'การท่องเที่ยวแห่งประเทศไทย' }).getAttribute('href'), '/organization/tat');
  assert.deepEqual(await seriousViolations(page), [], 'profile with agency roles');
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    for (const lang of ['th', 'en']) {
      await page.goto(`${govhub.url}/user/od-editor?lang=${lang}`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `profile at ${width}`);
      await page.screenshot({ path: path.join(artifacts, `profile-roles-${lang}-${width}.png`) });
    }
  }
  assert.match(await roles.innerText(), /editor/);
  await page.goto(`${govhub.url}/user/od-editor?lang=th`);

  await page.goto(`${govhub.url}/dataset`);
  await page.getByRole('link', { name: 'เพิ่มชุดข้อมูล' }).click();
  await page.getByLabel('ข้อมูลสถิติ').check();
  assert.deepEqual(await seriousViolations(page), [], 'data type step');
  await page.getByRole('button', { name: 'ถัดไป' }).click();
  // Only the statistical field set is shown.
  await page.locator('#first_year_of_data').waitFor();
  assert.equal(await page.locator('#west_bound_longitude').count(), 0);

  // Submitting with a missing field keeps everything typed and says what is missing.
  await page.locator('#title').fill('สถิตินักท่องเที่ยวรายจังหวัด');
  await page.locator('#name').fill('tourist-arrivals-province');
  await page.getByRole('button', { name: 'บันทึกชุดข้อมูล' }).click();
  await page.locator('#form-errors').waitFor();
  assert.equal(await page.locator('#title').inputValue(), 'สถิตินักท่องเที่ยวรายจังหวัด');
  assert.deepEqual(await seriousViolations(page), [], 'form with errors');
  await shot(page, 'dataset-form-errors');

  await page.locator('#notes').fill('จำนวนนักท่องเที่ยวชาวไทยและชาวต่างชาติ จำแนกรายจังหวัด');
  await page.locator('#tag_string').fill('ท่องเที่ยว, นักท่องเที่ยว');
  await page.locator('#owner_org').selectOption({ label: 'การท่องเที่ยวแห่งประเทศไทย' });
  await page.locator('#maintainer').fill('กองสถิติการท่องเที่ยว');
  await page.locator('#maintainer_email').fill('stat@tat.example.go.th');
  await page.locator('#objective-0').check();
  await page.locator('#update_frequency_unit').selectOption('เดือน');
  await page.locator('#geo_coverage').selectOption('จังหวัด');
  await page.locator('#data_source').fill('ระบบสถิตินักท่องเที่ยว');
  await page.locator('input[name="data_format"][value="CSV"]').check();
  await page.locator('#data_category').selectOption('ข้อมูลสาธารณะ');
  await page.locator('#license_id').selectOption('cc-by');
  await page.locator('#first_year_of_data').fill('2560');
  // Dates in the Buddhist era, as a Thai reader writes them (#15); stored as ISO.
  assert.equal(await page.locator('#last_updated_date').getAttribute('type'), 'text');
  await page.getByLabel('วันที่ปรับปรุงข้อมูลล่าสุด').fill('6/12/2569');
  await page.getByRole('button', { name: 'บันทึกชุดข้อมูล' }).click();
  // Stage 2 (#15): the dataset is a draft, hidden from everyone outside the agency, until the
  // editor adds data and finishes.
  await page.getByRole('heading', { name: 'เพิ่มข้อมูล' }).waitFor();
  assert.equal((await fetch(`${govhub.url}/dataset/tourist-arrivals-province`)).status, 404);
  for (const lang of ['en', 'th']) {
    await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/resource/new?lang=${lang}`);
    await page.setViewportSize({ width: 390, height: 900 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `add data (${lang})`);
    assert.deepEqual(await seriousViolations(page), [], `add data page (${lang})`);
    await shot(page, `add-data-${lang}-390`);
  }
  // A TIS-620 (cp874) file, as many agencies still export: Thai letters are U+0E01..U+0E5B at 0xA1..
  const csv874 = 'จังหวัด,นักท่องเที่ยว\nเชียงใหม่,10800000\nภูเก็ต,9900000\n';
  const cp874 = Buffer.from([...csv874].map((ch) => {
    const c = ch.codePointAt(0);
    return c >= 0x0e01 && c <= 0x0e5b ? c - 0x0e00 + 0xa0 : c;
  }));
  await page.locator('#upload').setInputFiles({ name: 'arrivals.csv', mimeType: 'text/csv', buffer: cp874 });
  await page.locator('#name').fill('นักท่องเที่ยวปี 2568');
  // Hold the upload's answer a moment so the progress bar can be seen.
  await page.route('**/resource/new', async (route) => {
    if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.getByRole('button', { name: 'เสร็จสิ้น' }).click();
  await page.locator('.upload-progress progress').waitFor({ state: 'visible' });
  await shot(page, 'upload-progress');
  await page.getByRole('heading', { name: 'สถิตินักท่องเที่ยวรายจังหวัด' }).waitFor();
  await page.unroute('**/resource/new');
  await shot(page, 'dataset-created');
  const published = await (await fetch(`${govhub.url}/api/3/action/package_show?id=tourist-arrivals-province`)).json();
  assert.equal(published.result.state, 'active');
  assert.equal(published.result.resources[0].format, 'CSV');
  const rid = published.result.resources[0].id;
  // The resource page previews the cp874 file as Thai text and shows its API.
  await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/resource/${rid}?lang=th`);
  for (let i = 0; i < 40 && !(await page.content()).includes('เชียงใหม่'); i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.ok((await page.content()).includes('เชียงใหม่'), 'preview decodes cp874');
  assert.ok(await page.locator('a[href^="/api/3/action/resource_show"]').count() > 0);
  await shot(page, 'resource-cp874');
  // Replace the file from the dataset page: the new one is served and previewed.
  const csv = 'จังหวัด,นักท่องเที่ยว\nเชียงใหม่,10800000\nภูเก็ต,9900000\n';
  await page.goto(`${govhub.url}/dataset/tourist-arrivals-province?lang=th`);
  await page.getByRole('link', { name: /แก้ไข นักท่องเที่ยวปี 2568/ }).click();
  for (const lang of ['th', 'en']) {
    await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/resource/${rid}/edit?lang=${lang}`);
    assert.deepEqual(await seriousViolations(page), [], `edit file page (${lang})`);
  }
  await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/resource/${rid}/edit?lang=th`);
  await page.locator('#upload').setInputFiles({ name: 'arrivals-utf8.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'บันทึก' }).last().click();
  await page.waitForURL(new RegExp(`/resource/${rid}$`));
  for (const lang of ['th', 'en']) {
    await page.goto(`${govhub.url}/dataset/tourist-arrivals-province?lang=${lang}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `dataset page (${lang})`);
    assert.deepEqual(await seriousViolations(page), [], `dataset page for its editor (${lang})`);
  }
  await page.goto(`${govhub.url}/dataset/tourist-arrivals-province?lang=th`);
  const stored = await (await fetch(`${govhub.url}/api/3/action/package_show?id=tourist-arrivals-province`,
    { headers: { Authorization: adminToken } })).json();
  assert.equal(stored.result.last_updated_date, '2026-12-06');
  // The edit form shows it back in the Buddhist era (Thai) or as the browser's date (English).
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/edit?lang=th`);
    assert.equal(await page.locator('#last_updated_date').inputValue(), '6/12/2569');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `edit form at ${width}`);
    await page.locator('#last_updated_date').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, `dataset-edit-date-th-${width}.png`) });
    assert.deepEqual(await seriousViolations(page), [], 'edit form (th)');
    await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/edit?lang=en`);
    assert.equal(await page.locator('#last_updated_date').getAttribute('type'), 'date');
    assert.equal(await page.locator('#last_updated_date').inputValue(), '2026-12-06');
    await page.locator('#last_updated_date').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, `dataset-edit-date-en-${width}.png`) });
  }
  // Saving the Thai form again keeps the date; a date that does not exist is refused, kept as typed.
  await page.goto(`${govhub.url}/dataset/tourist-arrivals-province/edit?lang=th`);
  await page.locator('#last_updated_date').fill('31/4/2569');
  await page.getByRole('button', { name: 'บันทึก' }).first().click();
  await page.locator('#form-errors').waitFor();
  assert.equal(await page.locator('#last_updated_date').inputValue(), '31/4/2569');
  await page.locator('#last_updated_date').fill('๗/๑๒/๒๕๖๙');
  await page.getByRole('button', { name: 'บันทึก' }).first().click();
  await page.getByRole('heading', { name: 'สถิตินักท่องเที่ยวรายจังหวัด' }).waitFor();
  const again = await (await fetch(`${govhub.url}/api/3/action/package_show?id=tourist-arrivals-province`,
    { headers: { Authorization: adminToken } })).json();
  assert.equal(again.result.last_updated_date, '2026-12-07');
  await editor.close();

  const visitor = await browser.newContext({ locale: 'th-TH', acceptDownloads: true });
  const v = await visitor.newPage();
  await v.goto(`${govhub.url}/dataset?lang=th`);
  await v.getByLabel('ค้นหาชุดข้อมูล').fill('ท่องเที่ยว');
  await v.getByRole('button', { name: 'ค้นหา' }).click();
  await v.getByRole('link', { name: 'สถิตินักท่องเที่ยวรายจังหวัด' }).click();
  assert.deepEqual(await seriousViolations(v), [], 'dataset page');
  await shot(v, 'dataset-visitor');
  const [download] = await Promise.all([v.waitForEvent('download'), v.getByRole('link', { name: /ดาวน์โหลด/ }).click()]);
  const file = path.join(artifacts, 'downloaded.csv');
  await download.saveAs(file);
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(file, 'utf8'), csv);
  await v.goto(`${govhub.url}/dataset?lang=en&q=%E0%B8%97%E0%B9%88%E0%B8%AD%E0%B8%87%E0%B9%80%E0%B8%97%E0%B8%B5%E0%B9%88%E0%B8%A2%E0%B8%A7`);
  assert.deepEqual(await seriousViolations(v), [], 'search page (en)');
  await shot(v, 'dataset-search');
  await visitor.close();
});

test('a sysadmin adds a department under its ministry through the form and finds it in the directory', async () => {
  await api('organization_create', {
    name: 'mots', title: 'กระทรวงการท่องเที่ยวและกีฬา', title_en: 'Ministry of Tourism and Sports', kind: 'ministry',
  }, adminToken);
  const ctx = await browser.newContext({ locale: 'th-TH' });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('od-admin');
  await page.getByLabel('รหัสผ่าน').fill('ดูแลข้อมูล-เปิด-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.waitForURL(/\/user\/od-admin/);

  await page.goto(`${govhub.url}/organization`);
  await page.getByRole('link', { name: 'เพิ่มหน่วยงาน' }).click();
  await page.locator('#title').fill('กรมการท่องเที่ยว');
  await page.locator('#title_en').fill('Department of Tourism');
  await page.locator('#name').fill('dot');
  await page.locator('#kind').selectOption('department');
  // A department without its ministry: the message is beside the parent, the values are kept.
  await page.getByRole('button', { name: 'บันทึกหน่วยงาน' }).click();
  await page.locator('#parent-error').waitFor();
  assert.match(await page.locator('#parent-error').innerText(), /กรมต้องสังกัดกระทรวง/);
  assert.equal(await page.locator('#title_en').inputValue(), 'Department of Tourism');
  assert.deepEqual(await seriousViolations(page), [], 'agency form with errors');
  await shot(page, 'agency-form-errors');
  await page.locator('#parent').selectOption({ label: 'กระทรวงการท่องเที่ยวและกีฬา' });
  await page.getByRole('button', { name: 'บันทึกหน่วยงาน' }).click();
  await page.getByRole('heading', { name: 'กรมการท่องเที่ยว' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/organization/dot');

  // The directory lists it beneath its ministry; the filter narrows the list as one types.
  await page.goto(`${govhub.url}/organization`);
  const ministry = page.locator('li', { has: page.locator('> a[href="/organization/mots"]') });
  await ministry.locator('a[href="/organization/dot"]').waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'directory');
  await page.getByRole('searchbox', { name: 'ค้นหาหน่วยงาน' }).fill('tourism');
  assert.ok(await page.locator('a[href="/organization/dot"]').isVisible());
  assert.ok(await page.locator('a[href="/organization/mots"]').isVisible());
  assert.equal(await page.locator('a[href="/organization/tat"]').isVisible(), false);
  assert.match(page.url(), /[?&]q=tourism/);
  await page.getByRole('searchbox', { name: 'ค้นหาหน่วยงาน' }).fill('ไม่มีหน่วยงานนี้');
  await page.locator('#directory-none').waitFor();
  await page.getByRole('searchbox', { name: 'ค้นหาหน่วยงาน' }).fill('');
  assert.ok(await page.locator('a[href="/organization/tat"]').isVisible());

  await page.goto(`${govhub.url}/organization?lang=en`);
  await ministry.locator('a[href="/organization/dot"]', { hasText: 'Department of Tourism' }).waitFor();
  await shot(page, 'agency-directory-en');
  await ctx.close();
});
