// Browser journey: a government officer applies to publish for an agency, uploads the signed
// application and submits; a sysadmin finds it in the queue, sees the scan beside the data and
// approves; the officer sees the result. Then two more applications are decided at once from the
// queue (the bulk decision), on a phone-sized screen. axe checks on every page; screenshots in
// tests/artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, launchChromium, seriousViolations, shot, signedApplicationPdf, startGovhub } from './harness.mjs';

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

test('an officer applies, a reviewer approves within the 24-hour clock', async () => {
  govhub.cli('admin', 'create-user', '--name', 'wf-admin', '--email', 'wf-admin@example.go.th',
    '--password', 'ดูแลคำขอ-ทดสอบ-2569', '--sysadmin');
  govhub.cli('admin', 'create-user', '--name', 'wf-officer', '--email', 'wf-officer@example.go.th',
    '--password', 'เจ้าหน้าที่-ทดสอบ-2569', '--fullname-th', 'สมศรี รักข้อมูล');
  const token = govhub.cli('admin', 'create-token', 'wf-admin').trim();
  const res = await fetch(`${govhub.url}/api/3/action/organization_create`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify({ name: 'nso-test', title: 'สำนักงานสถิติแห่งชาติ (ทดสอบ)' }),
  });
  assert.equal((await res.json()).success, true);

  const officer = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  await govhub.logIn(officer, 'wf-officer', 'เจ้าหน้าที่-ทดสอบ-2569');
  await officer.goto(`${govhub.url}/opendata/officer`);
  assert.deepEqual(await seriousViolations(officer), [], 'application form');
  // A wrong check digit is caught, and what was typed stays.
  await officer.getByLabel('หน่วยงาน', { exact: true }).selectOption({ label: 'สำนักงานสถิติแห่งชาติ (ทดสอบ)' });
  await officer.getByLabel('ตำแหน่ง', { exact: true }).fill('นักสถิติปฏิบัติการ');
  await officer.getByLabel('เลขประจำตัวประชาชน', { exact: true }).fill('1-1011-12345-67-8');
  await officer.getByLabel('โทรศัพท์สำนักงาน').fill('02-141-7500');
  await officer.getByLabel('โทรศัพท์มือถือ').fill('089-123-4567');
  await officer.getByLabel('อีเมลหน่วยงาน').fill('somsri@nso.go.th');
  await officer.getByRole('button', { name: 'บันทึกและไปขั้นตอนถัดไป' }).click();
  await officer.getByText('เลขประจำตัวประชาชน 13 หลักไม่ถูกต้อง').first().waitFor();
  assert.equal(await officer.getByLabel('ตำแหน่ง', { exact: true }).inputValue(), 'นักสถิติปฏิบัติการ');
  await shot(officer, 'officer-form-error');
  await officer.getByLabel('เลขประจำตัวประชาชน', { exact: true }).fill('1-1011-12345-67-9');
  await officer.getByRole('button', { name: 'บันทึกและไปขั้นตอนถัดไป' }).click();
  await officer.getByText('1-1011-XXXXX-XX-9').waitFor();
  const reference = (await officer.locator('h1 .mono').innerText()).trim();
  assert.match(reference, /^OM-25\d\d-[0-9A-Z]{6}$/);
  // The application to print and sign, kept with the screenshots.
  const pdfLink = officer.getByRole('link', { name: 'ดาวน์โหลดใบสมัครเพื่อลงนาม (PDF)' });
  const pdf = await officer.request.get(`${govhub.url}${await pdfLink.getAttribute('href')}`);
  assert.equal(pdf.status(), 200);
  fs.writeFileSync(path.join(artifacts, 'officer-application.pdf'), await pdf.body());
  // The signed scan, then the submission.
  await officer.getByLabel('ใบสมัครที่ลงนามแล้ว').setInputFiles(signedApplicationPdf());
  await officer.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  await officer.getByRole('link', { name: /signed-application\.pdf/ }).waitFor();
  await officer.getByRole('button', { name: 'ส่งคำขอ' }).click();
  await officer.getByText('รอพิจารณา').first().waitFor();
  assert.match(await officer.locator('.sla').innerText(), /กำหนดเสร็จ/);
  assert.deepEqual(await seriousViolations(officer), [], 'request page (applicant)');
  await shot(officer, 'officer-request-submitted');

  const admin = await (await browser.newContext({ locale: 'th-TH' })).newPage();
  await govhub.logIn(admin, 'wf-admin', 'ดูแลคำขอ-ทดสอบ-2569');
  await admin.getByRole('link', { name: 'คำขอ', exact: true }).click();
  await admin.getByRole('link', { name: reference }).click();
  await admin.getByText('1-1011-12345-67-9').waitFor();  // in full, for the reviewer only
  assert.deepEqual(await seriousViolations(admin), [], 'request page (reviewer)');
  await shot(admin, 'reviewer-request');
  await admin.getByRole('button', { name: 'อนุมัติ', exact: true }).click();
  await admin.getByText('อนุมัติแล้ว').first().waitFor();
  // The administrator's other pages: users, staff roles; and the developer page.
  for (const [url, name] of [['/admin/users?q=wf', 'admin-users'], ['/admin/users/wf-officer', 'admin-user'],
                             ['/staff/roles', 'staff-roles'], ['/developer', 'developer']]) {
    await admin.goto(`${govhub.url}${url}`);
    assert.deepEqual(await seriousViolations(admin), [], url);
    await shot(admin, name);
  }

  await officer.reload();
  await officer.getByText('อนุมัติแล้ว').first().waitFor();
  await officer.goto(`${govhub.url}/requests?lang=en`);
  assert.match(await officer.locator('table.requests').innerText(), /Approved/);
  assert.deepEqual(await seriousViolations(officer), [], 'my requests (en)');
});

// An application filed and submitted from the officer's browser; its reference.
async function applyAndSubmit(officer, agency) {
  await officer.goto(`${govhub.url}/opendata/officer`);
  await officer.getByLabel('หน่วยงาน', { exact: true }).selectOption({ label: agency });
  await officer.getByLabel('ตำแหน่ง', { exact: true }).fill('นักวิชาการคอมพิวเตอร์');
  await officer.getByLabel('เลขประจำตัวประชาชน', { exact: true }).fill('1-1011-12345-67-9');
  await officer.getByLabel('โทรศัพท์สำนักงาน').fill('02-141-7500');
  await officer.getByLabel('โทรศัพท์มือถือ').fill('089-123-4567');
  await officer.getByLabel('อีเมลหน่วยงาน').fill('somsri@nso.go.th');
  await officer.getByRole('button', { name: 'บันทึกและไปขั้นตอนถัดไป' }).click();
  await officer.getByText('1-1011-XXXXX-XX-9').waitFor();
  const reference = (await officer.locator('h1 .mono').innerText()).trim();
  await officer.getByLabel('ใบสมัครที่ลงนามแล้ว').setInputFiles(signedApplicationPdf());
  await officer.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  await officer.getByRole('link', { name: /signed-application\.pdf/ }).waitFor();
  await officer.getByRole('button', { name: 'ส่งคำขอ' }).click();
  await officer.getByText('รอพิจารณา').first().waitFor();
  return reference;
}

test('a reviewer decides several requests at once from the queue, on a phone', async () => {
  govhub.cli('admin', 'create-user', '--name', 'bulk-admin', '--email', 'bulk-admin@example.go.th',
    '--password', 'ดูแลคำขอ-ทดสอบ-2569', '--sysadmin');
  for (const name of ['bulk-officer', 'bulk-officer-2'])
    govhub.cli('admin', 'create-user', '--name', name, '--email', `${name}@example.go.th`,
      '--password', 'เจ้าหน้าที่-ทดสอบ-2569', '--fullname-th', 'สมชาย ใจดี');
  const token = govhub.cli('admin', 'create-token', 'bulk-admin').trim();
  for (const [name, title] of [['bulk-a', 'กรมทดสอบหนึ่ง'], ['bulk-b', 'กรมทดสอบสอง']]) {
    const res = await fetch(`${govhub.url}/api/3/action/organization_create`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: token },
      body: JSON.stringify({ name, title }),
    });
    assert.equal((await res.json()).success, true);
  }
  // One open application per person: two officers, one agency each.
  const officers = [];
  for (const name of ['bulk-officer', 'bulk-officer-2']) {
    const page = await (await browser.newContext({ locale: 'th-TH' })).newPage();
    await govhub.logIn(page, name, 'เจ้าหน้าที่-ทดสอบ-2569');
    officers.push(page);
  }
  const officer = officers[0];
  const first = await applyAndSubmit(officers[0], 'กรมทดสอบหนึ่ง');
  const second = await applyAndSubmit(officers[1], 'กรมทดสอบสอง');

  // The queue on a desktop screen, in English.
  const desk = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } })).newPage();
  await govhub.logIn(desk, 'bulk-admin', 'ดูแลคำขอ-ทดสอบ-2569');
  await desk.goto(`${govhub.url}/staff/requests?lang=en&closed=1`);
  await desk.getByRole('button', { name: 'Apply to the selected requests' }).waitFor();
  assert.deepEqual(await seriousViolations(desk), [], 'queue (en)');
  await shot(desk, 'queue-bulk-1280-en');

  // The reviewer on a phone-sized screen.
  const phone = await browser.newContext({ locale: 'th-TH', viewport: { width: 390, height: 844 } });
  const admin = await phone.newPage();
  await govhub.logIn(admin, 'bulk-admin', 'ดูแลคำขอ-ทดสอบ-2569');
  await admin.goto(`${govhub.url}/staff/requests?type=officer_membership`);
  assert.deepEqual(await seriousViolations(admin), [], 'queue with the bulk form');
  // Nothing is wider than the screen.
  assert.ok(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'the queue scrolls sideways at 390 px');
  await admin.getByLabel(`เลือกคำขอ ${first}`).check();
  await admin.getByLabel(`เลือกคำขอ ${second}`).check();
  await admin.getByRole('radio', { name: /ขอข้อมูลเพิ่มเติม/ }).check();
  await shot(admin, 'queue-bulk-390');
  // A reason is asked for once, and the ticks stay.
  await admin.getByRole('button', { name: 'ดำเนินการกับคำขอที่เลือก' }).click();
  await admin.locator('#note-error').waitFor();
  assert.equal(await admin.getByLabel(`เลือกคำขอ ${first}`).isChecked(), true);
  assert.deepEqual(await seriousViolations(admin), [], 'queue with a form error');
  await admin.getByLabel('ความเห็นถึงผู้ยื่น').fill('ขอสำเนาคำสั่งแต่งตั้งเพิ่มเติม');
  await admin.getByRole('button', { name: 'ดำเนินการกับคำขอที่เลือก' }).click();
  await admin.getByText('ดำเนินการแล้ว 2 คำขอ').waitFor();
  assert.deepEqual(await seriousViolations(admin), [], 'queue with the summary');
  await shot(admin, 'queue-bulk-summary-390');
  await officer.goto(`${govhub.url}/requests/${first}`);
  await officer.getByText('ขอสำเนาคำสั่งแต่งตั้งเพิ่มเติม').first().waitFor();

});
