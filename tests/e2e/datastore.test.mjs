// The automatic API in the browser: an editor uploads a CSV and watches the load's progress bar
// finish, filters the preview table, builds a chart and saves it; a visitor opens the map of a
// GeoJSON resource. Accessibility is checked on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, startGovhub } from './harness.mjs';

let govhub;
let browser;
let token;

async function api(action, body) {
  const res = await fetch(`${govhub.url}/api/3/action/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(json.success, true, JSON.stringify(json));
  return json.result;
}

async function uploadResource(dataset, filename, text, type) {
  const form = new FormData();
  form.append('package_id', dataset);
  form.append('upload', new Blob([text], { type }), filename);
  const res = await fetch(`${govhub.url}/api/3/action/resource_create`, {
    method: 'POST', headers: { Authorization: token }, body: form,
  });
  const json = await res.json();
  assert.equal(json.success, true, JSON.stringify(json));
  return json.result;
}

const dataset = (name, title) => ({
  name, title, owner_org: 'dla', data_type: 'ข้อมูลระเบียน', notes: 'ข้อมูลสำหรับทดสอบ',
  tags: [{ name: 'ทดสอบ' }], maintainer: 'กองทดสอบ', maintainer_email: 'test@example.go.th',
  objective: ['ยุทธศาสตร์ชาติ'], update_frequency_unit: 'ปี', geo_coverage: 'ประเทศ', data_source: 'ระบบงาน',
  data_format: ['CSV'], data_category: 'ข้อมูลสาธารณะ', license_id: 'cc-by',
});

before(async () => {
  // Map tiles from this machine only (a missing tile is a quick 404, not a network wait).
  govhub = await startGovhub(['--job-poll-ms', '100', '--map-tile-url', 'http://127.0.0.1:9/{z}/{x}/{y}.png']);
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', 'ds-admin', '--email', 'ds-admin@example.go.th', '--password',
    'ดูแลตาราง-ข้อมูล-2569', '--sysadmin');
  govhub.cli('admin', 'create-user', '--name', 'ds-editor', '--email', 'ds-editor@example.go.th', '--password',
    'แก้ไขตาราง-2569', '--fullname-th', 'เจ้าหน้าที่ ตาราง');
  token = govhub.cli('admin', 'create-token', 'ds-admin').trim();
  await api('organization_create', { name: 'dla', title: 'กรมส่งเสริมการปกครองท้องถิ่น' });
  await api('organization_member_create', { id: 'dla', username: 'ds-editor', role: 'editor' });
  await api('package_create', dataset('local-projects', 'โครงการพัฒนาท้องถิ่น'));
  await api('package_create', dataset('community-parks', 'สวนสาธารณะชุมชน'));
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

test('an editor uploads a CSV, watches it load, filters the table, and saves a chart', async () => {
  // Large enough that the load takes a few seconds: the page shows the progress bar meanwhile.
  const provinces = ['เชียงใหม่', 'ลำปาง', 'น่าน', 'ขอนแก่น', 'สงขลา'];
  let csv = 'รหัส,จังหวัด,งบประมาณ,สถานะ\n';
  for (let i = 1; i <= 150000; i++)
    csv += `${i},${provinces[i % 5]},${(i % 997) * 1000},${i % 3 ? 'ดำเนินการ' : 'แล้วเสร็จ'}\n`;
  // Logged in before the upload, so the page opens while the load still runs (on an idle
  // machine a load of this size took less time than the login).
  const ctx = await browser.newContext({ locale: 'th-TH' });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('ds-editor');
  await page.getByLabel('รหัสผ่าน').fill('แก้ไขตาราง-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.waitForURL(/\/user\/ds-editor/);
  const res = await uploadResource('local-projects', 'projects.csv', csv, 'text/csv');

  const url = `${govhub.url}/dataset/local-projects/resource/${res.id}`;
  await page.goto(url);
  // While the job runs the page shows a progress bar and reloads itself until the table is in.
  const sawProgress = await page.locator('.load progress').count();
  await shot(page, 'datastore-loading');
  await page.getByText('นำเข้าเรียบร้อย').waitFor({ timeout: 120000 });
  await page.locator('table.data tbody tr').first().waitFor();
  assert.ok(sawProgress > 0, 'the progress bar was shown while loading');
  assert.match(await page.locator('.preview .meta').first().innerText(), /150,000/);

  // Filter the preview: the province column contains "น่าน".
  await page.getByLabel('กรองคอลัมน์ จังหวัด').fill('น่าน');
  await page.getByRole('button', { name: 'กรองข้อมูล' }).click();
  await page.waitForURL(/f1=/);
  const cells = await page.locator('table.data tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(cells.length > 0 && cells.every((c) => c === 'น่าน'), cells.join(','));
  assert.match(await page.locator('.preview .meta').first().innerText(), /30,000/);
  assert.deepEqual(await seriousViolations(page), [], 'resource page with the table');
  await shot(page, 'datastore-filtered');

  // Build a chart: budget summed by province, drawn by ECharts; then save it.
  await page.getByLabel('ชนิดกราฟ').selectOption('bar');
  await page.getByLabel('แกนนอน (กลุ่ม)').selectOption('จังหวัด');
  await page.getByLabel('การคำนวณ').selectOption('sum');
  await page.getByLabel('ค่าที่นำมาคำนวณ').selectOption('งบประมาณ');
  await page.getByRole('button', { name: 'แสดงกราฟ' }).click();
  await page.locator('.chart-canvas[data-ready="5"]').waitFor();
  await page.getByLabel('ชื่อมุมมอง').fill('งบประมาณรวมรายจังหวัด');
  await page.getByRole('button', { name: 'บันทึกเป็นมุมมองของชุดข้อมูล' }).click();
  await page.locator('.saved-view figcaption', { hasText: 'งบประมาณรวมรายจังหวัด' }).waitFor();
  await page.locator('.saved-view .chart-canvas[data-ready="5"]').waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'resource page with a chart');
  await shot(page, 'datastore-chart');

  // The saved chart is on the dataset page, for visitors too.
  const visitor = await browser.newContext({ locale: 'en-US' });
  const v = await visitor.newPage();
  await v.goto(`${govhub.url}/dataset/local-projects?lang=en`);
  await v.locator('.saved-view .chart-canvas[data-ready="5"]').waitFor();
  await visitor.close();
  await ctx.close();
});

test('a visitor opens the map of a GeoJSON resource', async () => {
  const geojson = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { 'ชื่อ': 'สวนลุมพินี' }, geometry: { type: 'Point', coordinates: [100.5418, 13.7306] } },
      { type: 'Feature', properties: { 'ชื่อ': 'สวนจตุจักร' }, geometry: { type: 'Point', coordinates: [100.5537, 13.8036] } },
      { type: 'Feature', properties: { 'ชื่อ': 'สวนเบญจกิติ' }, geometry: { type: 'Point', coordinates: [100.5589, 13.7303] } },
    ],
  });
  const res = await uploadResource('community-parks', 'parks.geojson', geojson, 'application/geo+json');
  const deadline = Date.now() + 30000;
  for (;;) {
    const r = await fetch(`${govhub.url}/api/3/action/datastore_info?resource_id=${res.id}`);
    if (r.ok || Date.now() > deadline) break;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const ctx = await browser.newContext({ locale: 'th-TH' });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/dataset/community-parks/resource/${res.id}#views`);
  await page.locator('.map-canvas[data-ready="3"]').waitFor();
  assert.equal(await page.locator('.map-canvas .leaflet-interactive').count(), 3);
  assert.deepEqual(await seriousViolations(page), [], 'resource page with a map');
  await shot(page, 'datastore-map');
  await ctx.close();
});

test('the preview of a wide table: labelled filters, a scroll hint only when it overflows, keyboard-reachable code (#15)', async () => {
  // Eight columns with decimals: wider than a phone, narrower than a desktop.
  let csv = 'อำเภอ,พื้นที่ (ตร.กม.),ประชากรชาย,ประชากรหญิง,ความหนาแน่น,งบประมาณ,ละติจูด,ลองจิจูด\n';
  const names = ['เมืองเชียงใหม่', 'สันทราย', 'ฝาง', 'แม่ริม', 'หางดง'];
  names.forEach((n, i) => {
    csv += `${n},${(152.4 + i * 1001.25).toFixed(3)},${112201 - i * 9000},${121933 - i * 9500},${(1533.77 - i * 100).toFixed(2)},${1234567.5 + i},18.79${i},98.98${i}\n`;
  });
  const res = await uploadResource('community-parks', 'districts.csv', csv, 'text/csv');
  const deadline = Date.now() + 30000;
  for (;;) {
    const r = await fetch(`${govhub.url}/api/3/action/datastore_info?resource_id=${res.id}`);
    if (r.ok || Date.now() > deadline) break;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const url = `${govhub.url}/dataset/community-parks/resource/${res.id}`;
  for (const [lang, locale, filterLabel, button] of [
    ['th', 'th-TH', 'กรองคอลัมน์ อำเภอ', 'กรองข้อมูล'], ['en', 'en-US', 'Filter column อำเภอ', 'Filter']]) {
    for (const width of [390, 1280]) {
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${url}?lang=${lang}`);
      await page.locator('table.data tbody tr').first().waitFor();
      // Decimals grouped and right-aligned like integers.
      const area = page.locator('table.data tbody tr').last().locator('td').nth(1);
      assert.equal(await area.innerText(), '4,157.4'); // as stored (a number keeps no trailing zeros)
      assert.equal(await area.evaluate((td) => getComputedStyle(td).textAlign), 'right');
      // The hint shows only when the table is wider than its box.
      const wrap = page.locator('.preview .table-wrap');
      const overflows = await wrap.evaluate((w) => w.scrollWidth > w.clientWidth + 1);
      assert.equal(await page.locator('.preview .scroll-hint').isVisible(), overflows, `hint at ${width}`);
      if (width === 390) assert.ok(overflows, 'eight columns overflow a phone');
      // No sideways scrolling of the page itself.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        `page overflow at ${width} (${lang})`);
      // Every scrollable box is reachable by keyboard and named.
      for (const el of await page.locator('.datastore .table-wrap, .datastore pre').all()) {
        assert.equal(await el.getAttribute('tabindex'), '0');
        assert.ok((await el.getAttribute('aria-label')) || (await el.getAttribute('aria-labelledby')));
      }
      await wrap.focus();
      await page.keyboard.press('End');
      await shot(page, `datastore-wide-${lang}-${width}`);
      await page.locator('#api').scrollIntoViewIfNeeded();
      await shot(page, `datastore-api-${lang}-${width}`);
      assert.deepEqual(await seriousViolations(page), [], `wide table ${lang} ${width}`);
      // The filter box is labelled in the reader's language; the styled button applies it.
      await page.getByLabel(filterLabel).fill('ฝาง');
      const btn = page.getByRole('button', { name: button, exact: true });
      assert.notEqual(await btn.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgba(0, 0, 0, 0)');
      await btn.click();
      await page.waitForURL(/f0=/);
      assert.deepEqual(await page.locator('table.data tbody tr td:first-child').allInnerTexts(), ['ฝาง']);
      await ctx.close();
    }
  }
});
