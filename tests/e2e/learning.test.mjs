// The Learning journey in Chromium on a 390 px phone (issue 16). A sysadmin builds a course
// through the authoring pages: a text lesson, a video lesson (an MP4 made by ffmpeg), a SCORM
// lesson (scripts/make-demo-scorm.py) and a quiz, with a 30 % watch threshold, then publishes it.
// A new person signs up with the demo ID card (--identity-verifier demo), activates the account
// from the e-mail, logs in with the e-mail address, finds the course by searching the catalog,
// enrols, reads the text, plays the video, goes two pages into the SCORM package, leaves, comes
// back to the page where it stopped (cmi.location), finishes both SCOs while the lesson page's
// bar follows (postMessage from the package site), passes the quiz and sees the course
// completed. The activation page leads on to Learning; the profile shows a Learning section; a
// video lesson's ✓ in the outline appears as soon as the threshold is reached. Then the guide's
// steps 5–7 (issue 17): the learner requests the certificate on the course page (pending, decided
// within 2 working days), the sysadmin approves it from the review queue, the learner downloads
// the PDF (tests/artifacts/learning-certificate.png; its text read by pdftotext), opens its
// verification page (as does a visitor who types the code), and finds the course, the
// certificate and the transcript (PDF) in My learning. Every page: axe in Thai, the main ones in
// English too, nothing wider than the screen, no raw translation key. Screenshots in
// tests/artifacts/learning-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifacts, launchChromium, root, seriousViolations, shot, startGovhub } from './harness.mjs';

const WIDTH = 390;
const phone = { viewport: { width: WIDTH, height: 844 } };
const ADMIN = 'lj-admin';
const ADMIN_PASSWORD = 'ดูแลระบบ-การเรียนรู้-2569';
const COURSE = 'cyber-basics-e2e';
const COURSE_TITLE = 'ความมั่นคงปลอดภัยไซเบอร์สำหรับข้าราชการ';
const EMAIL = 'learner.e2e@example.go.th';
const PASSWORD = 'เรียนรู้-ตลอดชีวิต-2569';

let govhub;
let browser;
let scormOrigin;
const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-learning-'));
const videoFile = path.join(fixtures, 'lesson.mp4');
const scormFile = path.join(fixtures, 'cyber-basics.zip');

before(async () => {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=duration=6:size=320x180:rate=10',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', videoFile]);
  execFileSync('python3', [path.join(root, 'scripts/make-demo-scorm.py'), scormFile]);
  // No --seed-demo: the demo card can be attached to one account only.
  govhub = await startGovhub(['--identity-verifier', 'demo', '--web-dir', path.join(root, 'web')]);
  scormOrigin = new URL(await govhub.scormUrl()).origin;
  browser = await launchChromium();
  govhub.cli('admin', 'create-user', '--name', ADMIN, '--email', 'lj-admin@example.go.th',
    '--password', ADMIN_PASSWORD, '--sysadmin');
  const token = govhub.cli('admin', 'create-token', ADMIN).trim();
  const res = await fetch(`${govhub.url}/api/3/action/organization_create`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: token },
    body: JSON.stringify({ name: 'etda-test', title: 'สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (ทดสอบ)',
      title_en: 'Electronic Transactions Development Agency (test)' }),
  });
  assert.equal((await res.json()).success, true);
});

after(async () => {
  await browser?.close();
  await govhub?.stop();
  fs.rmSync(fixtures, { recursive: true, force: true });
});

// axe finds nothing serious, no translation key (learning.*, workflow.*) shows raw, and nothing
// scrolls sideways at 390 px.
async function assertClean(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: ${what}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > WIDTH) {
    await shot(page, `learning-too-wide-${what.replace(/\W+/g, '-')}`);
    const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > w + 1)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ends at ${Math.round(e.getBoundingClientRect().right)} px`)
      .slice(0, 5), WIDTH);
    assert.fail(`${what} is ${width} px wide at ${WIDTH} px: ${wide.join('; ')}`);
  }
  const raw = await page.evaluate(() => document.body.innerText.match(/\b(?:learning|workflow)\.[a-z_.]+\b/g));
  assert.equal(raw, null, `${what} shows untranslated keys`);
}

// Checks the page as it is (and a screenshot); with `english`, the same address again in English
// in a second tab of the same browser (signed in alike). Only for pages that can be asked for
// again without changing anything. `englishText`: a RegExp the English page's text must match.
async function checkPage(page, name, { english = false, englishText = null } = {}) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await assertClean(page, `${name} (${lang})`);
  await shot(page, `learning-${name}-${lang}`);
  if (!english) return;
  const url = new URL(page.url());
  url.searchParams.set('lang', 'en');
  const tab = await page.context().newPage();
  const res = await tab.goto(url.href);
  assert.equal(res.status(), 200, `${url.pathname} in English`);
  assert.equal(await tab.evaluate(() => document.documentElement.lang), 'en');
  await assertClean(tab, `${name} (en)`);
  if (englishText) assert.match(await tab.locator('main').innerText(), englishText, `${name} (en)`);
  await shot(tab, `learning-${name}-en`);
  await tab.close();
  // ?lang= set the language cookie: the journey goes on in Thai.
  await page.context().addCookies([{ name: 'lang', value: lang, url: govhub.url }]);
}

// The course progress bar's value on this page.
const barValue = (page) => page.locator('.course-progress progress').first().evaluate((p) => p.value);

async function waitForBar(page, percent) {
  await page.waitForFunction((want) => document.querySelector('.course-progress progress')?.value === want,
    percent, { timeout: 10000 });
}

// The author's part: the course with its four lessons, through the authoring pages.
async function buildCourse() {
  const ctx = await browser.newContext({ locale: 'th-TH', ...phone });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  await govhub.logIn(page, ADMIN, ADMIN_PASSWORD);
  await page.goto(`${govhub.url}/learning`);
  await page.getByRole('link', { name: 'สร้างหลักสูตร' }).click();
  await checkPage(page, 'author-course-form');
  await page.getByLabel('ชื่อ (ภาษาไทย)').fill(COURSE_TITLE);
  await page.getByLabel('ชื่อภาษาอังกฤษ (ถ้ามี)').fill('Cyber security for civil servants');
  await page.getByLabel('ชื่อย่อสำหรับที่อยู่เว็บ').fill(COURSE);
  await page.locator('#summary').fill('รหัสผ่าน การยืนยันตัวตนสองชั้น และการรู้ทันฟิชชิง');
  await page.locator('#summary_en').fill('Passwords, two-step verification and phishing.');
  await page.getByLabel('หน่วยงานเจ้าของหลักสูตร').selectOption({ label: 'สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (ทดสอบ)' });
  await page.getByLabel('ระยะเวลาเรียน (นาที)').fill('45');
  await page.getByLabel('สัดส่วนวิดีโอที่ต้องดู (%)').fill('30');
  await page.getByRole('button', { name: 'บันทึก' }).click();
  await page.waitForURL(`**/learning/course/${COURSE}/manage`);

  await page.locator('#new-section').fill('บทที่ 1 พื้นฐาน');
  await page.locator('#new-section-en').fill('Part 1: the basics');
  await page.getByRole('button', { name: 'เพิ่มหัวข้อ' }).click();
  await page.locator('#lesson-kind').waitFor();
  await checkPage(page, 'author-manage');

  const addLesson = async (kind, title) => {
    await page.goto(`${govhub.url}/learning/course/${COURSE}/manage`);
    await page.locator('#lesson-kind').selectOption(kind);
    await page.locator('#lesson-title').fill(title);
    await page.getByRole('button', { name: 'เพิ่มบทเรียน' }).click();
    await page.waitForURL(/\/learning\/lesson\/[^/]+\/edit$/);
    return page.url().match(/\/learning\/lesson\/([^/]+)\/edit$/)[1];
  };

  // A text lesson.
  await addLesson('text', 'ทำไมต้องใส่ใจความปลอดภัย');
  await page.locator('#body').fill('ข้อมูลของประชาชนอยู่ในระบบงานของหน่วยงาน **ทุกบัญชี** ที่ถูกเจาะคือช่องทางเข้าสู่ข้อมูลนั้น');
  await page.locator('#title_en').fill('Why security matters');
  await page.getByRole('button', { name: 'บันทึก' }).click();
  await page.waitForURL(`**/learning/course/${COURSE}/manage`);

  // A video lesson, its MP4 uploaded on its edit page.
  await addLesson('video', 'วิดีโอ: ตั้งรหัสผ่านที่ดี');
  await checkPage(page, 'author-video-lesson');
  await page.locator('#upload').setInputFiles(videoFile);
  const upload = page.waitForRequest((r) => r.url().endsWith('/media') && r.method() === 'POST');
  await page.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  // Sent by upload.js (XMLHttpRequest), which shows the upload's progress bar.
  assert.equal((await upload).resourceType(), 'xhr');
  await page.getByText('มีไฟล์แล้ว').waitFor();

  // A SCORM lesson, its zip uploaded on its edit page.
  await addLesson('scorm', 'บทเรียนอิเล็กทรอนิกส์: ป้องกันบัญชีของคุณ');
  await page.getByLabel('เลือกไฟล์แพ็กเกจ SCORM (.zip)').setInputFiles(scormFile);
  await page.getByRole('button', { name: 'อัปโหลด', exact: true }).click();
  await page.locator('#package-items').getByText('รู้ทันฟิชชิงและแบบทดสอบท้ายบท').waitFor();
  await checkPage(page, 'author-scorm-lesson');

  // A quiz of three questions ("*" marks the right choices).
  await addLesson('quiz', 'แบบทดสอบหลังเรียน');
  await page.getByRole('link', { name: 'แก้ไขแบบทดสอบ' }).click();
  await page.waitForURL(/\/quiz$/);
  const question = async (kind, prompt, answers, truth) => {
    await page.getByLabel('ประเภทคำถาม').selectOption(kind);
    await page.locator('#prompt').fill(prompt);
    if (answers) await page.locator('#answers').fill(answers);
    if (truth) await page.locator(`input[name=truefalse][value=${truth}]`).check();
    await page.getByRole('button', { name: 'เพิ่มคำถาม' }).click();
    await page.getByRole('listitem').filter({ hasText: prompt }).waitFor();
  };
  await question('single', 'รหัสผ่านแบบใดปลอดภัยที่สุด',
    'วันเกิดของเรา\n*วลียาวหลายคำที่ไม่เกี่ยวข้องกัน\nรหัสเดียวกันทุกเว็บไซต์');
  await question('multiple', 'ข้อใดเป็นสัญญาณของฟิชชิง',
    '*เร่งให้รีบยืนยันรหัสผ่าน\n*ที่อยู่ผู้ส่งสะกดแปลกไป\nจดหมายข่าวที่เราสมัครเอง');
  await question('truefalse', 'เจ้าหน้าที่ไอทีตัวจริงจะขอรหัสยืนยันตัวตนของเรา', null, 'false');
  await checkPage(page, 'author-quiz-editor');

  await page.goto(`${govhub.url}/learning/course/${COURSE}/manage`);
  await page.getByRole('button', { name: 'เผยแพร่หลักสูตร' }).click();
  await page.locator('.badge.ok', { hasText: 'เผยแพร่แล้ว' }).waitFor();
  await ctx.close();
}

// The learner's names as the verified sign-up keeps them (title and first name, then the last
// name, from the demo card): the certificate, its verification and the transcript show these.
const LEARNER_TH = 'นายผู้เรียน ทดลองระบบ';
const LEARNER_EN = 'Learner Demo';

// This year in the Buddhist era, in Thai time.
const beYear = () => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', year: 'numeric' })
  .format(new Date())) + 543;

// Fetches a link's file with the page's session (what clicking it downloads): its bytes.
async function download(page, link, type) {
  const res = await page.request.get(new URL(await link.getAttribute('href'), page.url()).href);
  assert.equal(res.status(), 200, `${await link.getAttribute('href')}`);
  assert.match(res.headers()['content-type'], type);
  return res.body();
}

// A PDF's text (pdftotext in the order it is drawn, so that a table cell's lines stay together)
// without its white space: a title wrapped in a narrow column is still found whole.
function pdfText(bytes, name) {
  const file = path.join(fixtures, name);
  fs.writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}
const squeezed = (text) => text.replace(/\s+/g, '');

// A PDF's first page as tests/artifacts/<name>.png, at 80 dpi.
function pdfShot(bytes, name) {
  const file = path.join(fixtures, `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', file, path.join(artifacts, name)]);
}

// The guide's steps 5–7, after the course is completed: the learner requests the certificate, the
// sysadmin approves it in the review queue, the learner downloads the PDF and opens its
// verification page (as does anyone with the code), then finds it all in "My learning" and
// downloads the transcript.
async function certificateSteps(page) {
  // 10. (Step 5.) The course page offers the certificate and says how long the review takes.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  const panel = page.locator('#certificate');
  await panel.getByText('พิจารณาภายใน 2 วันทำการ').waitFor();
  await panel.getByRole('button', { name: 'ขอรับประกาศนียบัตร' }).click();
  // The request is a workflow request of its own: the learner lands on it.
  await page.waitForURL(/\/requests\/LC-/);
  const reference = new URL(page.url()).pathname.split('/').pop();
  assert.match(reference, /^LC-\d{4}-[0-9A-Z]{6}$/);
  await page.locator('.state', { hasText: 'รอพิจารณา' }).waitFor();
  await checkPage(page, 'certificate-request', { english: true });
  // Back on the course page: pending, with the reference, the 2 working days and the due date;
  // no second request can be made.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  const pending = panel.locator('.alert', { hasText: 'ส่งคำขอประกาศนียบัตรแล้ว รอการพิจารณา' });
  await pending.waitFor();
  assert.equal(await pending.getByRole('link', { name: reference }).count(), 1, 'the pending note links the request');
  assert.match(await pending.innerText(), /พิจารณาภายใน 2 วันทำการ · กำหนดพิจารณา \S/);
  assert.equal(await panel.getByRole('button', { name: 'ขอรับประกาศนียบัตร' }).count(), 0, 'no second request');
  await checkPage(page, 'course-certificate-pending', { english: true, englishText: /decided within 2 working days/ });

  // The sysadmin (who reviews every type) finds it in the queue and approves it.
  const deskCtx = await browser.newContext({ locale: 'th-TH', ...phone });
  const desk = await deskCtx.newPage();
  desk.setDefaultTimeout(10000);
  await govhub.logIn(desk, ADMIN, ADMIN_PASSWORD);
  await desk.goto(`${govhub.url}/staff/requests`);
  await desk.getByLabel('ประเภทคำขอ').selectOption({ label: 'คำขอประกาศนียบัตรหลักสูตร' });
  await desk.getByRole('search').getByRole('button', { name: 'แสดง' }).click();
  await desk.waitForURL(/type=learning_certificate/);
  const row = desk.getByRole('row').filter({ has: desk.getByRole('link', { name: reference }) });
  assert.match(await row.innerText(), /รอพิจารณา/);
  await checkPage(desk, 'certificate-queue');
  await row.getByRole('link', { name: reference }).click();
  await desk.waitForURL(`**/staff/requests/${reference}`);
  // The reviewer sees whose request it is and for which course.
  const facts = await desk.locator('dl.facts').innerText();
  assert.ok(facts.includes(COURSE_TITLE), `the request names the course: ${facts}`);
  assert.ok(facts.includes(LEARNER_TH), `the request names the learner: ${facts}`);
  await checkPage(desk, 'certificate-review', { english: true });
  await desk.getByRole('button', { name: 'อนุมัติและออกประกาศนียบัตร' }).click();
  await desk.locator('.state', { hasText: 'อนุมัติและออกประกาศนียบัตรแล้ว' }).waitFor();
  await shot(desk, 'learning-certificate-approved-th');
  await deskCtx.close();
  const approvedMail = await govhub.waitForMail(EMAIL, 10000, /ได้รับอนุมัติ/);
  assert.match(approvedMail, new RegExp(`คำขอ ${reference} ได้รับอนุมัติ`), 'the learner is told by e-mail');

  // 11. (Step 6.) The course page shows the certificate, its code and its links.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  const issued = panel.locator('.alert.success', { hasText: 'ออกประกาศนียบัตรแล้ว รหัส' });
  await issued.waitFor();
  const code = (await issued.locator('.mono').innerText()).trim();
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await checkPage(page, 'course-certificate-issued', { english: true, englishText: new RegExp(`Certificate issued, code ${code}`) });
  // The PDF from its link: the printed certificate (tests/artifacts/learning-certificate.png),
  // with the name from the verified identity, the course and the date in the Buddhist era.
  const pdf = await download(page, panel.getByRole('link', { name: 'ดาวน์โหลดประกาศนียบัตร (PDF)' }), /^application\/pdf/);
  pdfShot(pdf, 'learning-certificate');
  const printed = pdfText(pdf, 'certificate.pdf');
  for (const want of [LEARNER_TH, LEARNER_EN, COURSE_TITLE, 'Cyber security for civil servants', `พ.ศ. ${beYear()}`, code]) {
    assert.ok(printed.includes(squeezed(want)), `the certificate says "${want}": ${printed}`);
  }
  // Its verification page, from the course page's link: valid, naming the learner and the course.
  await panel.getByRole('link', { name: 'หน้าตรวจสอบประกาศนียบัตร' }).click();
  await page.waitForURL(`**/learning/verify/${code}`);
  await page.getByText('ประกาศนียบัตรนี้ถูกต้อง ออกโดยระบบนี้').waitFor();
  const verified = await page.locator('dl.certificate-facts').innerText();
  for (const want of [code, LEARNER_TH, LEARNER_EN, COURSE_TITLE]) {
    assert.ok(verified.includes(want), `the verification page says "${want}": ${verified}`);
  }
  await checkPage(page, 'verify', { english: true, englishText: /This certificate is valid/ });
  // Anyone with the code (an employer, not signed in) types it as printed, in lower case without
  // the hyphens even, and sees it valid too, without the owner's form.
  const visitorCtx = await browser.newContext({ locale: 'th-TH', ...phone });
  const visitor = await visitorCtx.newPage();
  visitor.setDefaultTimeout(10000);
  await visitor.goto(`${govhub.url}/learning/verify`);
  await visitor.getByLabel('รหัสตรวจสอบ').fill(code.toLowerCase().replaceAll('-', ''));
  await visitor.getByRole('button', { name: 'ตรวจสอบ' }).click();
  await visitor.waitForURL(`**/learning/verify/${code}`);
  await visitor.getByText('ประกาศนียบัตรนี้ถูกต้อง ออกโดยระบบนี้').waitFor();
  assert.equal(await visitor.locator('#name-choice').count(), 0, 'only the owner chooses how the name shows');
  await assertClean(visitor, 'verify (anonymous)');
  await shot(visitor, 'learning-verify-public-th');
  await visitorCtx.close();

  // 12. (Step 7.) My learning: the course completed, with its certificate and its links.
  await page.goto(`${govhub.url}/learning/my`);
  const item = page.locator('.history-course').filter({ has: page.getByRole('link', { name: COURSE_TITLE }) });
  await item.waitFor();
  assert.match(await item.locator('.history-facts').innerText(), /เรียนจบเมื่อ\s+\S/);
  assert.equal(await item.locator('.history-certificates code').innerText(), code);
  assert.equal(await item.getByRole('link', { name: 'ดาวน์โหลดประกาศนียบัตร (PDF)' }).getAttribute('href'),
    `/learning/certificates/${code}.pdf`);
  assert.match(await page.locator('.history-totals').innerText(), /เรียนจบ 1 จาก 1 หลักสูตร/);
  await page.getByRole('navigation', { name: 'แสดงหลักสูตร' }).getByRole('link', { name: 'เรียนจบแล้ว' }).click();
  await page.waitForURL(/show=completed/);
  await item.waitFor();
  await checkPage(page, 'my-learning-completed', { english: true, englishText: new RegExp(code) });
  // The transcript (PDF) from its link.
  const transcript = await download(page, page.locator('.history-totals').getByRole('link', { name: 'PDF' }),
    /^application\/pdf/);
  pdfShot(transcript, 'learning-transcript');
  const record = pdfText(transcript, 'transcript.pdf');
  for (const want of ['ใบแสดงผลการเรียน', LEARNER_TH, LEARNER_EN, COURSE_TITLE, code, String(beYear())]) {
    assert.ok(record.includes(squeezed(want)), `the transcript says "${want}": ${record}`);
  }
}

test('a new learner signs up with the ID card, studies every kind of lesson and completes the course, on a phone', async () => {
  const started = Date.now();
  await buildCourse();
  const authored = Date.now();

  const ctx = await browser.newContext({ locale: 'th-TH', ...phone });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);

  // 1. From /learning to the sign-up with the laser code.
  await page.goto(`${govhub.url}/learning`);
  await page.locator('.demo-verifier').first().waitFor();
  await checkPage(page, 'catalog-anonymous', { english: true });
  await page.getByRole('link', { name: 'สมัครสมาชิกและยืนยันตัวตน' }).click();
  await page.waitForURL(/\/learning\/signup$/);
  await checkPage(page, 'signup', { english: true });
  await page.getByLabel('เลขประจำตัวประชาชน 13 หลัก').fill('1-0000-00000-00-9');
  await page.getByLabel('เลขหลังบัตร (Laser Code)').fill('AA0-0000000-01');
  await page.getByLabel('คำนำหน้าชื่อ').fill('นาย');
  await page.getByLabel('ชื่อ (ภาษาไทย)').fill('ผู้เรียน');
  await page.getByLabel('นามสกุล (ภาษาไทย)').fill('ทดลองระบบ');
  await page.getByLabel('ชื่อภาษาอังกฤษ (ถ้ามี)').fill('Learner');
  await page.getByLabel('นามสกุลภาษาอังกฤษ (ถ้ามี)').fill('Demo');
  await page.getByLabel('วัน', { exact: true }).selectOption('15');
  await page.getByLabel('เดือน', { exact: true }).selectOption({ label: 'มกราคม' });
  await page.getByLabel('ปี พ.ศ.').fill('2530');
  await page.getByLabel('อีเมล', { exact: true }).fill(EMAIL);
  await page.getByLabel('รหัสผ่าน', { exact: true }).fill(PASSWORD);
  await page.getByLabel('ยืนยันรหัสผ่าน').fill(PASSWORD);
  await page.locator('#consent').check();
  await page.getByRole('button', { name: 'ตรวจสอบบัตรและสมัครสมาชิก' }).click();
  await page.getByText(EMAIL).waitFor();
  await checkPage(page, 'signed-up');

  // 2. The activation link from the e-mail, then the login with the e-mail address.
  const mail = await govhub.waitForMail(EMAIL);
  assert.ok(mail, 'an activation e-mail was written');
  await page.goto(mail.match(/http:\/\/\S+\/user\/verify\?token=[\w-]+/)[0]);
  await page.getByRole('heading', { name: 'ยืนยันอีเมลเรียบร้อย' }).waitFor();
  await checkPage(page, 'activated');
  // The activation page leads on to Learning: that login ends in the catalog.
  await page.getByRole('link', { name: 'สมัครเพื่อเรียน? เข้าสู่ระบบแล้วเลือกหลักสูตร' }).click();
  await govhub.logIn(page, EMAIL, PASSWORD);
  await page.waitForURL(/\/learning$/);
  // The profile has a Learning section: no course yet, and the way to choose one.
  await page.goto(`${govhub.url}/user/me`);
  const learningPanel = page.locator('section[aria-labelledby="learning-heading"]');
  await learningPanel.getByText('ยังไม่ได้ลงทะเบียนเรียนหลักสูตรใด').waitFor();
  await checkPage(page, 'profile', { english: true });
  // Agency and position can change after sign-up, from the profile's Learning section. A civil
  // servant without an agency: the form again, with the error and what was typed.
  await learningPanel.getByRole('link', { name: 'แก้ไขหน่วยงานและตำแหน่ง' }).click();
  await page.waitForURL(/\/learning\/profile$/);
  await checkPage(page, 'work', { english: true });
  await page.getByLabel('ฉันเป็นข้าราชการหรือเจ้าหน้าที่ของรัฐ').check();
  await page.getByRole('textbox', { name: 'ตำแหน่ง' }).fill('นักวิชาการคอมพิวเตอร์');
  await page.getByRole('button', { name: 'บันทึก', exact: true }).click();
  await page.locator('#agency_id-error').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'ตำแหน่ง' }).inputValue(), 'นักวิชาการคอมพิวเตอร์');
  await checkPage(page, 'work-error');
  await page.goto(`${govhub.url}/user/me`);
  await learningPanel.getByRole('link', { name: 'เลือกหลักสูตร' }).click();
  await page.waitForURL(/\/learning$/);

  // 3. Finds the course by searching the catalog ("ไซเบอร์" is a prefix of a word of its title).
  await page.getByRole('searchbox', { name: 'ค้นหาหลักสูตร' }).fill('ไซเบอร์');
  await page.getByRole('search').getByRole('button', { name: 'ค้นหา' }).click();
  await page.waitForURL(/[?&]q=/);
  await checkPage(page, 'catalog-search', { english: true });
  await page.getByRole('link', { name: COURSE_TITLE }).click();
  await page.waitForURL(`**/learning/course/${COURSE}`);
  await checkPage(page, 'course-before-enrol', { english: true });

  // 4. Enrols: the bar starts at 0 of 4 lessons.
  await page.getByRole('button', { name: 'ลงทะเบียนเรียน' }).click();
  await page.locator('.course-progress progress').waitFor();
  assert.equal(await barValue(page), 0);
  assert.equal(await page.locator('[data-progress-required]').first().innerText(), '4');
  assert.equal(await page.locator('[data-progress-completed]').first().isVisible(), false,
    'no "course completed" badge at 0 %');
  await checkPage(page, 'course-enrolled', { english: true });

  // 5. The text lesson: opening it counts as read; the course page's bar says 25 %.
  await page.getByRole('link', { name: 'เรียนต่อ' }).click();
  await page.getByRole('heading', { name: 'ทำไมต้องใส่ใจความปลอดภัย' }).waitFor();
  await waitForBar(page, 25);
  await checkPage(page, 'lesson-text', { english: true });
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  assert.equal(await barValue(page), 25, 'the course page counts the text lesson');

  // 6. The video: played muted past the 30 % threshold, then paused; the page reports what was
  // played and moves its bar without a reload.
  await page.getByRole('link', { name: 'วิดีโอ: ตั้งรหัสผ่านที่ดี' }).click();
  const video = page.locator('#lesson-video');
  await video.waitFor();
  await checkPage(page, 'lesson-video', { english: true });
  await video.evaluate(async (v) => {
    v.muted = true;
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    await v.play();
  });
  await page.waitForFunction(() => document.getElementById('lesson-video').currentTime >= 2.6, null, { timeout: 10000 });
  await video.evaluate((v) => v.pause());
  await waitForBar(page, 50);
  // The outline's ✓ and the title's badge appear with the bar, without a reload.
  await page.locator('.lesson-menu li.done a[aria-current="page"]').waitFor();
  assert.equal(await page.locator('[data-lesson-done]').isVisible(), true, 'the title says done');
  const watched = Number(await page.locator('[data-watched]').innerText());
  assert.ok(watched >= 30, `the page says ${watched} % watched`);
  await shot(page, 'learning-lesson-video-watched-th');

  // 7. The SCORM lesson, in the package site's frame (another origin), its SCO in a frame inside.
  await page.getByRole('link', { name: /บทเรียนอิเล็กทรอนิกส์: ป้องกันบัญชีของคุณ/ }).first().click();
  const frame = page.locator('#scorm-frame');
  await frame.waitFor();
  assert.equal(new URL(await frame.getAttribute('src')).origin, scormOrigin, 'the package runs on the package site');
  const sco = page.frameLocator('#scorm-frame').frameLocator('iframe');
  await sco.getByText('หน้า 1 จาก 4').waitFor();
  // Thai only here: opening the lesson in a second tab would start a newer runtime session, and
  // the server answers every later commit of this tab "stale" (kept nothing). The English page is
  // checked at the end.
  await checkPage(page, 'lesson-scorm');
  await sco.getByRole('button', { name: /ถัดไป/ }).click();
  await sco.getByText('หน้า 2 จาก 4').waitFor();
  // Every page change commits; wait for the commit of page 3 before leaving.
  const committed = page.waitForResponse((r) => r.url().endsWith('/api/learning/scorm/commit') &&
    r.request().method() === 'POST' && (r.request().postData() || '').includes('"cmi.location":"2"'));
  await sco.getByRole('button', { name: /ถัดไป/ }).click();
  await sco.getByText('หน้า 3 จาก 4').waitFor();
  assert.equal((await committed).status(), 200);

  // ... leaves midway (to the course page), and comes back: the package opens on page 3.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  assert.equal(await barValue(page), 50, 'the SCORM lesson is not done yet');
  await page.getByRole('link', { name: 'บทเรียนอิเล็กทรอนิกส์: ป้องกันบัญชีของคุณ' }).click();
  await sco.getByText('หน้า 3 จาก 4').waitFor();
  await sco.getByRole('heading', { name: 'โปรแกรมจัดการรหัสผ่าน' }).waitFor();
  await sco.getByRole('button', { name: /ถัดไป/ }).click();
  await sco.getByText('หน้า 4 จาก 4').waitFor();

  // The second SCO from the lesson's menu; its last page is a check that must be passed.
  await page.getByRole('navigation', { name: 'เมนูของบทเรียน' })
    .getByRole('link', { name: 'รู้ทันฟิชชิงและแบบทดสอบท้ายบท' }).click();
  await sco.getByRole('heading', { name: 'ฟิชชิงคืออะไร' }).waitFor();
  // The first SCO is ticked as done in the menu now, and the page counts the parts.
  await page.getByRole('navigation', { name: 'เมนูของบทเรียน' }).locator('li.done')
    .filter({ hasText: 'รหัสผ่านและการยืนยันตัวตนสองชั้น' }).waitFor();
  assert.equal(await page.locator('#scorm-parts').innerText(), 'ทำแล้ว 1 จาก 2 ส่วน');
  assert.equal(await barValue(page), 50);
  for (const n of [2, 3, 4]) {
    await sco.getByRole('button', { name: /ถัดไป/ }).click();
    await sco.getByText(`หน้า ${n} จาก 4`).waitFor();
  }
  await sco.getByLabel('อีเมลเร่งให้ยืนยันรหัสผ่านภายใน 24 ชั่วโมงผ่านลิงก์').check();
  await sco.getByLabel('ไม่ให้รหัส และแจ้งผู้ดูแลระบบผ่านช่องทางที่รู้จัก').check();
  await sco.getByRole('button', { name: 'ส่งคำตอบ' }).click();
  await sco.getByText('ตอบถูก 2 จาก 2 ข้อ: ผ่านเกณฑ์ ยินดีด้วย').waitFor();
  // The lesson page's bar follows the package's commits (postMessage), without a reload; so do
  // the parts count, the lesson's ✓ in the course outline and the title's badge.
  await waitForBar(page, 75);
  await page.locator('#scorm-parts', { hasText: 'ทำแล้ว 2 จาก 2 ส่วน' }).waitFor();
  await page.getByRole('navigation', { name: 'เมนูของบทเรียน' }).locator('li.done')
    .filter({ hasText: 'รู้ทันฟิชชิงและแบบทดสอบท้ายบท' }).waitFor();
  await page.locator('.lesson-menu li.done a[aria-current="page"]').waitFor();
  await shot(page, 'learning-lesson-scorm-done-th');

  // 8. The quiz: started, answered right, passed; the course is completed.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  assert.equal(await barValue(page), 75);
  await page.getByRole('link', { name: 'แบบทดสอบหลังเรียน' }).click();
  await checkPage(page, 'lesson-quiz', { english: true });
  await page.getByRole('button', { name: 'เริ่มทำแบบทดสอบ' }).click();
  await page.waitForURL(/\/learning\/attempt\//);
  await checkPage(page, 'quiz-attempt', { english: true });
  await page.getByLabel('วลียาวหลายคำที่ไม่เกี่ยวข้องกัน').check();
  await page.getByLabel('เร่งให้รีบยืนยันรหัสผ่าน').check();
  await page.getByLabel('ที่อยู่ผู้ส่งสะกดแปลกไป').check();
  await page.getByRole('group', { name: /เจ้าหน้าที่ไอทีตัวจริง/ }).getByLabel('ผิด').check();
  await page.getByRole('button', { name: 'ส่งคำตอบ' }).click();
  await page.getByRole('heading', { name: 'ผ่านแบบทดสอบ' }).waitFor();
  assert.match(await page.getByRole('status').innerText(), /100%/);
  await checkPage(page, 'quiz-result', { english: true });

  await page.getByRole('link', { name: 'กลับไปหน้าหลักสูตร' }).last().click();
  await page.waitForURL(`**/learning/course/${COURSE}`);
  await page.getByText('คุณเรียนจบหลักสูตรนี้แล้วเมื่อ').waitFor();
  assert.equal(await barValue(page), 100);
  assert.equal(await page.locator('[data-progress-completed]').first().isVisible(), true);
  await checkPage(page, 'course-completed', { english: true });

  // The SCORM lesson in English, now that nothing more is to be recorded there.
  await page.goto(`${govhub.url}/learning/course/${COURSE}`);
  await page.getByRole('link', { name: 'บทเรียนอิเล็กทรอนิกส์: ป้องกันบัญชีของคุณ' }).click();
  await page.locator('#scorm-frame').waitFor();
  await checkPage(page, 'lesson-scorm-review', { english: true });

  // 9. "My courses" says so too.
  await page.goto(`${govhub.url}/learning/my`);
  await page.getByRole('link', { name: COURSE_TITLE }).waitFor();
  assert.equal(await barValue(page), 100);
  await checkPage(page, 'my-courses', { english: true });
  // ... and so does the profile.
  await page.goto(`${govhub.url}/user/me`);
  assert.match(await learningPanel.innerText(), /เรียนจบแล้ว 1\b/);

  await certificateSteps(page);

  await ctx.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(`learning journey: ${seconds.toFixed(1)} s (authoring ${((authored - started) / 1000).toFixed(1)} s)`);
});
