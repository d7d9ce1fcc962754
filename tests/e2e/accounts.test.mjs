// Browser journeys of the guide's account processes on a site run as deployed (staff must use
// a second factor): a developer from the landing page to the first authenticated API call, timed
// against the guide's five minutes; a person asks for their account to be cancelled, and a
// sysadmin, made to set up an authenticator app first, carries it out. axe checks on every page;
// screenshots in tests/artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, startGovhub } from './harness.mjs';

let govhub;
let browser;

before(async () => {
  govhub = await startGovhub(['--staff-second-factor', 'required']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

// What an authenticator app shows for a base32 secret (RFC 6238: HMAC-SHA1, 30 s, 6 digits).
function totp(secret, step = Math.floor(Date.now() / 30000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/\s+/g, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function logIn(page, name, password) {
  await page.goto(`${govhub.url}/user/login?lang=th`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill(name);
  await page.getByLabel('รหัสผ่าน').fill(password);
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
}

test('a developer gets from the landing page to an authenticated API call well within 5 minutes', async () => {
  const page = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  const name = `dev-${Date.now()}`;
  const email = `${name}@example.com`;
  const started = Date.now();
  await page.goto(`${govhub.url}/developer`);
  assert.deepEqual(await seriousViolations(page), [], 'developer landing page');
  await page.getByRole('link', { name: 'สมัครสมาชิก' }).last().click();
  await page.getByLabel('ชื่อผู้ใช้', { exact: true }).fill(name);
  await page.getByLabel('อีเมล').fill(email);
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาไทย)').fill('นักพัฒนา ทดสอบ');
  await page.getByLabel('ชื่อ-นามสกุล (ภาษาอังกฤษ)').fill('Developer Test');
  await page.getByLabel('รหัสผ่าน', { exact: true }).fill('นักพัฒนา-รหัสผ่าน-2569');
  await page.getByLabel('ยืนยันรหัสผ่าน').fill('นักพัฒนา-รหัสผ่าน-2569');
  await page.getByRole('button', { name: 'สมัครสมาชิก' }).click();
  await page.getByRole('heading', { name: 'ตรวจสอบอีเมลของคุณ' }).waitFor();
  const mail = await govhub.waitForMail(email);
  await page.goto(mail.match(/http:\/\/\S+\/user\/verify\?token=[\w-]+/)[0]);
  await page.getByRole('heading', { name: 'ยืนยันอีเมลเรียบร้อย' }).waitFor();
  await page.goto(`${govhub.url}/user/login?next=%2Fdeveloper`);
  await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill(name);
  await page.getByLabel('รหัสผ่าน').fill('นักพัฒนา-รหัสผ่าน-2569');
  await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await page.getByRole('button', { name: 'สร้างโทเค็น API ของฉัน' }).click();
  const token = (await page.locator('#new-token').textContent()).trim();
  // The quick-start shown is filled in with the site and the token, and runs as shown.
  const curl = await page.locator('#quickstart-curl').textContent();
  assert.ok(curl.includes(token) && curl.includes(govhub.url), curl);
  const res = await fetch(`${govhub.url}/api/3/action/package_search?q=%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%8A%E0%B8%B2%E0%B8%81%E0%B8%A3&rows=5`,
    { headers: { Authorization: token } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).success, true);
  const seconds = (Date.now() - started) / 1000;
  console.log(`developer journey: landing page to the first authenticated API call in ${seconds.toFixed(1)} s `
    + '(the guide promises 5 minutes; a person types slower than this browser)');
  assert.deepEqual(await seriousViolations(page), [], 'developer page with a token');
  await shot(page, 'developer-token');
});

test('a person cancels their account; a sysadmin sets up two-factor authentication and carries it out', async () => {
  govhub.cli('admin', 'create-user', '--name', 'ac-admin', '--email', 'ac-admin@example.go.th',
    '--password', 'ยกเลิกบัญชี-ผู้ดูแล-2569', '--sysadmin');
  govhub.cli('admin', 'create-user', '--name', 'ac-person', '--email', 'ac-person@example.go.th',
    '--password', 'ยกเลิกบัญชี-ผู้ใช้-2569', '--fullname-th', 'สมปอง ลาออก');

  const person = await (await browser.newContext({ locale: 'th-TH', acceptDownloads: true })).newPage();
  await logIn(person, 'ac-person', 'ยกเลิกบัญชี-ผู้ใช้-2569');
  await person.getByRole('link', { name: 'ระงับหรือยกเลิกบัญชี' }).click();
  assert.deepEqual(await seriousViolations(person), [], 'closure form');
  // The personal data first, as a file.
  const [download] = await Promise.all([person.waitForEvent('download'),
    person.getByRole('link', { name: 'ดาวน์โหลดข้อมูลส่วนบุคคลของฉัน (JSON)' }).click()]);
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(data.account.name, 'ac-person');
  // Nothing chosen: the form says so and keeps the reason.
  await person.getByLabel('เหตุผล').fill('เกษียณอายุราชการ');
  await person.getByRole('button', { name: 'บันทึกและไปขั้นถัดไป' }).click();
  await person.getByText('เลือกระงับหรือยกเลิกบัญชี').first().waitFor();
  assert.equal(await person.getByLabel('เหตุผล').inputValue(), 'เกษียณอายุราชการ');
  await person.getByLabel(/ยกเลิกบัญชีถาวร/).check();
  await shot(person, 'closure-form');
  await person.getByRole('button', { name: 'บันทึกและไปขั้นถัดไป' }).click();
  const reference = (await person.locator('h1 .mono').innerText()).trim();
  assert.match(reference, /^AC-25\d\d-[0-9A-Z]{6}$/);
  const pdfHref = await person.getByRole('link', { name: /PDF/ }).first().getAttribute('href');
  const pdf = await person.request.get(`${govhub.url}${pdfHref}`);
  assert.equal(pdf.status(), 200);
  fs.writeFileSync(path.join(artifacts, 'closure-request.pdf'), await pdf.body());
  const scan = path.join(artifacts, 'signed-closure.pdf');
  fs.writeFileSync(scan, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await person.getByLabel('คำขอที่ลงนามแล้ว').setInputFiles(scan);
  await person.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  await person.getByRole('link', { name: /signed-closure\.pdf/ }).waitFor();
  await person.getByRole('button', { name: 'ส่งคำขอ' }).click();
  await person.getByText('รอพิจารณา').first().waitFor();
  assert.deepEqual(await seriousViolations(person), [], 'closure request (applicant)');
  await shot(person, 'closure-submitted');

  // The sysadmin must set up an authenticator app before anything else.
  const admin = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  await logIn(admin, 'ac-admin', 'ยกเลิกบัญชี-ผู้ดูแล-2569');
  await admin.getByRole('heading', { name: 'การยืนยันตัวตนสองขั้นตอน' }).waitFor();
  assert.ok(admin.url().endsWith('/user/2fa'));
  await admin.getByRole('img', { name: 'คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน' }).waitFor();
  assert.deepEqual(await seriousViolations(admin), [], 'two-factor set-up');
  await shot(admin, 'two-factor-setup');
  const secret = await admin.locator('#totp-secret').innerText();
  await admin.getByLabel('รหัส 6 หลัก').fill(totp(secret));
  await admin.getByRole('button', { name: 'ยืนยันและเปิดใช้' }).click();
  await admin.getByRole('heading', { name: 'รหัสกู้คืน', exact: true }).waitFor();
  assert.equal(await admin.locator('ul.codes li').count(), 10);
  await shot(admin, 'two-factor-recovery-codes');

  await admin.goto(`${govhub.url}/staff/requests`);
  await admin.getByRole('link', { name: reference }).click();
  await admin.getByText('ยกเลิกบัญชีถาวร').first().waitFor();
  assert.deepEqual(await seriousViolations(admin), [], 'closure request (staff)');
  await shot(admin, 'closure-staff');
  await admin.getByRole('button', { name: 'ดำเนินการตามคำขอ' }).click();
  await admin.getByText('ดำเนินการแล้ว').first().waitFor();
  // The person was told, and can no longer log in under the old name.
  assert.match(await govhub.waitForMail('ac-person@example.go.th'), new RegExp(reference));
  const again = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  await logIn(again, 'ac-person', 'ยกเลิกบัญชี-ผู้ใช้-2569');
  await again.getByText('ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง').first().waitFor();

  // The sysadmin's next login asks for the app's code (the next step's: each code works once).
  const later = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  await logIn(later, 'ac-admin', 'ยกเลิกบัญชี-ผู้ดูแล-2569');
  await later.getByRole('heading', { name: 'ยืนยันตัวตนขั้นที่สอง' }).waitFor();
  assert.deepEqual(await seriousViolations(later), [], 'login second step');
  await shot(later, 'login-second-step');
  await later.getByLabel('รหัส 6 หลัก').fill(totp(secret, Math.floor(Date.now() / 30000) + 1));
  await later.getByRole('button', { name: 'ยืนยัน', exact: true }).click();
  await later.getByRole('heading', { name: 'ac-admin' }).waitFor();
});
