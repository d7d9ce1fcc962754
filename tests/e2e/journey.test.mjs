// Browser journeys in headless Chromium: register → verify → log in → create an API token,
// and accessibility checks (axe-core) on the home page and the forms. Screenshots go to
// tests/artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, startGovhub } from './harness.mjs';

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

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

test('register, verify by e-mail, log in and create an API token', async () => {
  const context = await browser.newContext({ locale: 'th-TH' });
  const page = await context.newPage();
  const name = `e2e-${Date.now()}`;
  const email = `${name}@example.go.th`;

  await page.goto(`${govhub.url}/`);
  await page.getByRole('link', { name: 'สมัครสมาชิก' }).first().click();
  await page.getByLabel('ชื่อผู้ใช้', { exact: true }).fill(name);
  await page.getByLabel('อีเมล').fill(email);
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาไทย)').fill('ทดสอบ เบราว์เซอร์');
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาอังกฤษ)').fill('Browser Test');
  await page.getByLabel('รหัสผ่าน', { exact: true }).fill('ทดสอบ-รหัสผ่าน-2569');
  await page.getByLabel('ยืนยันรหัสผ่าน').fill('ทดสอบ-รหัสผ่าน-2569');
  await shot(page, 'register-filled');
  await page.getByRole('button', { name: 'สมัครสมาชิก' }).click();
  await page.getByRole('heading', { name: 'ตรวจสอบอีเมลของคุณ' }).waitFor();
  await shot(page, 'register-done');

  const mail = await govhub.waitForMail(email);
  assert.ok(mail, 'a verification mail was written');
  const link = mail.match(/http:\/\/\S+\/user\/verify\?token=[\w-]+/)[0];
  await page.goto(link);
  await page.getByRole('heading', { name: 'ยืนยันอีเมลเรียบร้อย' }).waitFor();
  await page.getByRole('main').getByRole('link', { name: 'เข้าสู่ระบบ', exact: true }).click();

  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill(name);
  await page.getByLabel('รหัสผ่าน').fill('ทดสอบ-รหัสผ่าน-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.getByRole('heading', { name: 'ทดสอบ เบราว์เซอร์' }).waitFor();

  await page.getByLabel('ชื่อ token').fill('my script');
  await page.getByRole('button', { name: 'สร้าง token' }).click();
  const token = (await page.locator('#new-token').textContent()).trim();
  assert.equal(token.length, 43);
  await shot(page, 'profile-token');

  // The token works against the API at once (the developer sign-up promise: usable in minutes).
  const res = await fetch(`${govhub.url}/api/3/action/user_show`, { headers: { Authorization: token } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).result.name, name);

  assert.deepEqual(await seriousViolations(page), [], 'profile page accessibility');
  await context.close();
});

test('no serious accessibility violations on the home page and the forms, Thai and English, 360 px and desktop', async () => {
  for (const [width, height] of [[1280, 900], [360, 780]]) {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of ['th', 'en']) {
      for (const p of ['/', '/user/register', '/user/login', '/user/reset', '/opendata', '/workd']) {
        await page.goto(`${govhub.url}${p}?lang=${lang}`);
        const violations = await seriousViolations(page);
        assert.deepEqual(violations, [], `${p} ${lang} ${width}px`);
      }
      await shot(page, `workd-${lang}-${width}`);
      await page.goto(`${govhub.url}/?lang=${lang}`);
      await shot(page, `home-${lang}-${width}`);
      // Nothing overflows sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `home page overflows by ${overflow}px at ${width}px`);
    }
    // A form with errors stays accessible and keeps focusable links to the fields.
    await page.goto(`${govhub.url}/user/register?lang=th`);
    await page.getByRole('button', { name: 'สมัครสมาชิก' }).click();
    await page.locator('#form-errors').waitFor();
    assert.deepEqual(await seriousViolations(page), [], `register errors ${width}px`);
    await shot(page, `register-errors-${width}`);
    await context.close();
  }
});

test('keyboard users can skip to the content', async () => {
  const page = await browser.newPage();
  await page.goto(`${govhub.url}/?lang=th`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.textContent);
  assert.equal(focused.trim(), 'ข้ามไปยังเนื้อหา');
  await page.close();
});

test('a sysadmin follows background jobs: the list, a job page, accessible in both languages', async () => {
  govhub.cli('admin', 'create-user', '--name', 'e2e-admin', '--email', 'e2e-admin@example.go.th',
    '--password', 'ดูแลระบบ-ทดสอบ-2569', '--sysadmin');
  const page = await browser.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('e2e-admin');
  await page.getByLabel('รหัสผ่าน').fill('ดูแลระบบ-ทดสอบ-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.getByRole('link', { name: 'งานเบื้องหลัง' }).click();
  await page.getByRole('heading', { name: 'งานเบื้องหลังทั้งหมด' }).waitFor();
  // The verification mail of the first journey went out as a job.
  const mailJob = page.getByRole('link', { name: 'mail.send' }).first();
  await mailJob.waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'admin jobs page');
  await shot(page, 'admin-jobs');
  await mailJob.click();
  await page.getByText('สำเร็จ').first().waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'job page');
  await shot(page, 'job-page');
  await page.goto(`${govhub.url}/admin/jobs?lang=en`);
  assert.deepEqual(await seriousViolations(page), [], 'admin jobs page (en)');
  await page.close();
});

test('a sysadmin confirms a lunar holiday of next year in the holiday table', async () => {
  const page = await browser.newPage();
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill('e2e-admin');
  await page.getByLabel('รหัสผ่าน').fill('ดูแลระบบ-ทดสอบ-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.getByRole('link', { name: 'วันหยุดราชการ' }).click();
  await page.goto(`${govhub.url}/admin/holidays?year=2027`);
  await page.getByRole('heading', { name: /วันหยุดราชการ พ\.ศ\. 2570/ }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'holidays page');
  const row = page.locator('tr', { has: page.locator('time[datetime="2027-02-20"]') });
  assert.match(await row.innerText(), /วันมาฆบูชา/);
  assert.match(await row.innerText(), /รอยืนยัน/);
  await shot(page, 'holidays-2570');
  await row.getByText('แก้ไข', { exact: true }).click();
  await row.getByLabel('ยืนยันแล้ว').check();
  await row.getByRole('button', { name: 'บันทึก' }).click();
  await page.getByRole('heading', { name: /พ\.ศ\. 2570/ }).waitFor();
  const after = page.locator('tr', { has: page.locator('time[datetime="2027-02-20"]') });
  assert.doesNotMatch(await after.innerText(), /รอยืนยัน/);
  await page.goto(`${govhub.url}/admin/holidays?year=2027&lang=en`);
  assert.deepEqual(await seriousViolations(page), [], 'holidays page (en)');
  await page.close();
});
