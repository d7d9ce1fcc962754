// Starts a real govhub process (outbox mail) and a headless Debian Chromium for the journeys.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(root, 'tests/artifacts');
fs.mkdirSync(artifacts, { recursive: true });

export async function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, proc) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`govhub exited with ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

export async function startGovhub(extra = []) {
  // Staff log in with a password alone unless a journey asks for the default (required).
  if (!extra.includes('--staff-second-factor')) extra = [...extra, '--staff-second-factor', 'optional'];
  // The SCORM package site listens on a port of its own: any free one (see scormUrl()), not
  // --port + 1, which another journey's server may hold.
  if (!extra.includes('--scorm-port')) extra = [...extra, '--scorm-port', '0'];
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const bin = process.env.GOVHUB_BIN || path.join(root, 'build/govhub');
  const log = fs.openSync(path.join(dataDir, 'server.log'), 'a');
  const proc = spawn(bin, ['serve', '--port', String(port), '--address', '127.0.0.1', '--data-dir', dataDir,
    '--site-url', url, '--rate-limit-form', '1000', '--rate-limit-login', '1000', ...extra],
  { stdio: ['ignore', log, log] });
  await waitForPort(port, proc);
  return {
    url, dataDir, proc,
    // Runs a `govhub admin ...` command against this site.
    cli(...args) {
      return execFileSync(bin, [...args, '--data-dir', dataDir], { encoding: 'utf8' });
    },
    // The SCORM package site's URL, from the line `serve` prints once it is bound.
    async scormUrl(timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const out = fs.readFileSync(path.join(dataDir, 'server.log'), 'utf8');
        const m = out.match(/SCORM package site serving on port \d+ \(public ([^)\s]+)\)/);
        if (m) return m[1];
        if (Date.now() > deadline) throw new Error('no SCORM package site line in the server log');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
    // Waits (mail goes out through the job queue) for the newest e-mail to `to`, decoded.
    // With `matching` (a RegExp), waits for the newest one to match it.
    async waitForMail(to, timeoutMs = 10000, matching = null) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = this.lastMail(to);
        if ((mail && (!matching || matching.test(mail))) || Date.now() > deadline) return mail;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    // Logs in through the login form (in Thai) and waits until the site has let the person in.
    // When a link has led the page to the Thai form already, it is used as it is.
    async logIn(page, name, password) {
      const onForm = page.url().startsWith(`${url}/user/login`) &&
        await page.evaluate(() => document.documentElement.lang === 'th');
      if (!onForm) await page.goto(`${url}/user/login?lang=th`);
      await page.getByLabel('ชื่อผู้ใช้หรืออีเมล').fill(name);
      await page.getByLabel('รหัสผ่าน').fill(password);
      await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/user/login'));
    },
    // The newest e-mail in the outbox to `to`, decoded, or null.
    lastMail(to) {
      const dir = path.join(dataDir, 'outbox');
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
      for (const f of files.reverse()) {
        const raw = fs.readFileSync(path.join(dir, f), 'utf8');
        const [head, body] = raw.split('\r\n\r\n');
        if (!head.includes(`To: ${to}`)) continue;
        return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      }
      return null;
    },
  };
}

export async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core (WCAG 2.1 A/AA rules) and returns the serious and critical violations.
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// A full-page screenshot in tests/artifacts/<name>.png.
export function shot(page, name) {
  return page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// A small valid PDF (one blank A4 page, with its cross-reference table), standing for the scan of
// a signed application; its path, in a folder of its own (test files run in parallel).
export function signedApplicationPdf(name = 'signed-application.pdf') {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>',
    '<< /Length 0 >>\nstream\n\nendstream',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-scan-')), name);
  fs.writeFileSync(file, pdf, 'latin1');
  return file;
}
