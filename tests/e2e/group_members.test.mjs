// A group's page and an agency's member management in Chromium at 390 px, Thai and English,
// with axe checks (issue 15): a visitor narrows a group's datasets by a facet; an agency admin
// adds a colleague by e-mail, changes the role and removes them after a confirmation.
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

function dataset(name, title, tag) {
  return {
    name, title, owner_org: 'gm-dept', data_type: 'ข้อมูลระเบียน',
    notes: 'ข้อมูลทดสอบสำหรับหน้ากลุ่ม', tags: [{ name: tag }],
    maintainer: 'กองสถิติ', maintainer_email: 'stat@example.go.th', objective: ['ยุทธศาสตร์ชาติ'],
    update_frequency_unit: 'ปี', geo_coverage: 'จังหวัด', data_source: 'สำนักทะเบียนกลาง',
    data_format: ['CSV'], data_category: 'ข้อมูลสาธารณะ', license_id: 'cc-by',
  };
}

const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

before(async () => {
  govhub = await startGovhub();
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', 'gm-root', '--email', 'gm-root@example.go.th', '--password',
    'ดูแลระบบ-กลุ่ม-2569', '--sysadmin');
  for (const name of ['gm-admin', 'gm-colleague']) {
    govhub.cli('admin', 'create-user', '--name', name, '--email', `${name}@example.go.th`, '--password',
      'สมาชิก-หน่วยงาน-2569', '--fullname-th', 'เจ้าหน้าที่ ทดสอบ');
  }
  adminToken = govhub.cli('admin', 'create-token', 'gm-root').trim();
  await api('organization_create', { name: 'gm-dept', title: 'กรมทดสอบกลุ่ม', title_en: 'Department of Group Trials' },
    adminToken);
  await api('organization_member_create', { id: 'gm-dept', username: 'gm-admin', role: 'admin' }, adminToken);
  await api('group_create', {
    name: 'gm-health', title: 'สุขภาพและสาธารณสุข', category: 'category01',
    description: 'ชุดข้อมูลด้าน**สุขภาพ**ของประชาชน',
  }, adminToken);
  for (const [i, tag] of [[1, 'วัคซีน'], [2, 'โรงพยาบาล'], [3, 'วัคซีน']]) {
    await api('package_create', dataset(`gm-ds-${i}`, `สถิติสุขภาพชุดที่ ${i}`, tag), adminToken);
    await api('member_create', { id: 'gm-health', object: `gm-ds-${i}`, object_type: 'package' }, adminToken);
  }
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

test('a visitor reads a group page and narrows its datasets by a facet at 390 px', async () => {
  const ctx = await browser.newContext({ locale: 'th-TH', viewport: { width: 390, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/group?lang=th`);
  await page.getByRole('link', { name: 'สุขภาพและสาธารณสุข' }).click();
  await page.getByRole('heading', { level: 1, name: 'สุขภาพและสาธารณสุข' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/group/gm-health');
  assert.match(await page.locator('.result-count').innerText(), /พบ 3 ชุดข้อมูล/);
  assert.ok(await fits(page), 'group page fits 390 px');
  assert.deepEqual(await seriousViolations(page), [], 'group page (th)');
  await shot(page, 'group-page-th-390');
  await page.getByRole('link', { name: /วัคซีน/ }).first().click();
  await page.waitForURL(/tags=/);
  assert.match(await page.locator('.result-count').innerText(), /พบ 2 ชุดข้อมูล/);
  assert.equal(new URL(page.url()).pathname, '/group/gm-health');
  await page.goto(`${govhub.url}/group/gm-health?lang=en`);
  assert.match(await page.locator('.result-count').innerText(), /Found 3 datasets/);
  assert.ok(await fits(page), 'group page (en) fits 390 px');
  assert.deepEqual(await seriousViolations(page), [], 'group page (en)');
  await shot(page, 'group-page-en-390');
  await ctx.close();
});

test('an agency admin adds a colleague by e-mail, changes the role and removes them at 390 px', async () => {
  const ctx = await browser.newContext({ locale: 'th-TH', viewport: { width: 390, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('gm-admin');
  await page.getByLabel('รหัสผ่าน').fill('สมาชิก-หน่วยงาน-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.waitForURL(/\/user\/gm-admin/);
  await page.goto(`${govhub.url}/organization/gm-dept`);
  assert.equal(await page.getByRole('link', { name: 'เพิ่มชุดข้อมูล' }).getAttribute('href'),
    '/dataset/new?owner_org=gm-dept');
  await page.getByRole('link', { name: 'สมาชิก', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'สมาชิกของหน่วยงาน' }).waitFor();
  assert.ok(await fits(page), 'members page fits 390 px');
  assert.deepEqual(await seriousViolations(page), [], 'members page');

  // Someone not found: the message names what was typed, which is kept.
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('nobody@example.go.th');
  await page.getByRole('button', { name: 'เพิ่มสมาชิก' }).click();
  await page.locator('#user-error').waitFor();
  assert.match(await page.locator('#user-error').innerText(), /nobody@example\.go\.th/);
  assert.equal(await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').inputValue(), 'nobody@example.go.th');
  assert.deepEqual(await seriousViolations(page), [], 'members page with an error');
  await shot(page, 'members-error-th-390');

  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('gm-colleague@example.go.th');
  await page.locator('#role').selectOption('editor');
  await page.getByRole('button', { name: 'เพิ่มสมาชิก' }).click();
  await page.getByRole('status').waitFor();
  const row = page.locator('tr', { has: page.locator('a[href="/user/gm-colleague"]') });
  assert.equal(await row.locator('select').inputValue(), 'editor');
  await row.locator('select').selectOption('admin');
  await row.getByRole('button').click();
  await page.getByRole('status').waitFor();
  assert.equal(await page.locator('tr', { has: page.locator('a[href="/user/gm-colleague"]') })
    .locator('select').inputValue(), 'admin');
  await page.goto(`${govhub.url}/organization/gm-dept/members?lang=en`);
  assert.ok(await fits(page), 'members page (en) fits 390 px');
  assert.deepEqual(await seriousViolations(page), [], 'members page (en)');
  await shot(page, 'members-en-390');
  await page.locator('tr', { has: page.locator('a[href="/user/gm-colleague"]') })
    .getByRole('link', { name: /Remove/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Remove a member' }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'remove confirmation');
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await page.getByRole('status').waitFor();
  assert.equal(await page.locator('a[href="/user/gm-colleague"]').count(), 0);
  await page.goto(`${govhub.url}/organization/gm-dept/members?lang=th`);
  await ctx.close();
});

test('a sysadmin adds a group through the form at 390 px: every problem at once, then saved', async () => {
  const ctx = await browser.newContext({ locale: 'th-TH', viewport: { width: 390, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('gm-root');
  await page.getByLabel('รหัสผ่าน').fill('ดูแลระบบ-กลุ่ม-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.waitForURL(/\/user\/gm-root/);
  await page.goto(`${govhub.url}/group`);
  await page.getByRole('link', { name: 'เพิ่มกลุ่ม' }).click();
  await page.locator('#name').fill('Bad Name');
  await page.getByRole('button', { name: 'บันทึกกลุ่ม' }).click();
  await page.locator('#form-errors').waitFor();
  for (const f of ['title', 'name', 'category']) await page.locator(`#${f}-error`).waitFor();
  assert.equal(await page.locator('#name').inputValue(), 'Bad Name');
  assert.ok(await fits(page), 'group form fits 390 px');
  assert.deepEqual(await seriousViolations(page), [], 'group form with errors');
  await shot(page, 'group-form-errors-th-390');
  await page.locator('#title').fill('การศึกษา');
  await page.locator('#name').fill('gm-education');
  await page.locator('#category').selectOption('category02');
  await page.getByRole('button', { name: 'บันทึกกลุ่ม' }).click();
  await page.getByRole('heading', { level: 1, name: 'การศึกษา' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/group/gm-education');
  assert.match(await page.locator('.result-count').innerText(), /พบ 0 ชุดข้อมูล/);
  await ctx.close();
});
