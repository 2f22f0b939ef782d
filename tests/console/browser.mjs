// console_pages_in_chromium: logs in to the staff console in headless
// chromium and does what the staff do, against the real kiosk-central:
//   desk: scan a voucher a kiosk redeemed (typed into the focused input
//         and Enter, as a USB scanner does), mark it used, see it used;
//   admin: edit an item's stock and see the kiosk's signed GET /v1/catalog
//         answer the new stock under a new ETag; see a kiosk that sent a
//         heartbeat online in the fleet, then offline once the server's
//         clock has moved on (--clock-offset, restart on the same port and
//         database: the session survives); the reports' SVG charts; the
//         English toggle.
// Screenshots of every page go to $KIOSK_BUILD_DIR/console-screenshots/.
// No request may leave the server's origin and the page must log no error.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.log(`SKIP: playwright-core missing (npm install in ${here}): ${e.code || e.message}`);
  process.exit(77);
}
const SOURCE = process.env.KIOSK_SOURCE_DIR || path.resolve(here, '../..');
const BUILD = process.env.KIOSK_BUILD_DIR || '.';
const SHOTS = path.join(path.resolve(BUILD), 'console-screenshots');
const WAIT = { timeout: 20000 };
const failures = [];
const fail = (what) => { failures.push(what); console.log(`FAIL ${what}`); };
const words = Object.fromEntries(['zh', 'en'].map((l) =>
  [l, JSON.parse(fs.readFileSync(path.join(SOURCE, 'central/console/i18n', `${l}.json`), 'utf8'))]));

// Every key on the page exists in both languages.
{
  const html = fs.readFileSync(path.join(SOURCE, 'central/console/index.html'), 'utf8');
  const js = fs.readFileSync(path.join(SOURCE, 'central/console/app.js'), 'utf8');
  const zh = Object.keys(words.zh).sort().join();
  if (zh !== Object.keys(words.en).sort().join()) fail('i18n: zh.json and en.json have different keys');
  const used = [...html.matchAll(/data-i18n(?:-placeholder)?="([^"]+)"/g), ...js.matchAll(/\bt\('([a-z_.]+)'/g)].map((m) => m[1]);
  for (const k of used) if (!(k in words.zh)) fail(`i18n: ${k} used but not defined`);
}

// ---- the server ------------------------------------------------------------
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-browser-'));
let server = null;
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
let clockOffset = 0;

function start(extra = []) {
  return new Promise((resolve, reject) => {
    server = spawn(path.join(BUILD, 'kiosk-central'),
      ['--listen', `127.0.0.1:${port}`, '--db', path.join(stateDir, 'central.db'), '--demo', ...extra],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout.on('data', (d) => { out += d; if (out.includes('listening on')) resolve(); });
    server.on('exit', (code) => reject(new Error(`kiosk-central exited ${code} before listening`)));
  });
}
function stop() {
  return new Promise((resolve) => {
    server.removeAllListeners('exit');
    server.on('exit', (code) => resolve(code));
    server.kill('SIGTERM');
  });
}

// A request signed as demo-kiosk (HMAC-SHA256 over method, target, time and
// the body's SHA-256), as in tests/central/responses_match_spec.mjs.
let keyN = 0;
function kiosk(method, target, body, headers = {}) {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const ts = Math.floor(Date.now() / 1000) + clockOffset;
  const bodyHash = crypto.createHash('sha256').update(payload).digest('hex');
  const sig = crypto.createHmac('sha256', 'demo-secret').update(`${method}\n${target}\n${ts}\n${bodyHash}`).digest('hex');
  const h = { 'X-Kiosk-Id': 'demo-kiosk', 'X-Kiosk-Timestamp': String(ts), 'X-Kiosk-Signature': sig, ...headers };
  if (payload.length) Object.assign(h, { 'Content-Type': 'application/json', 'Content-Length': payload.length, 'Idempotency-Key': `browser-${++keyN}-${ts}` });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, json: raw ? JSON.parse(raw) : undefined });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- the browser -----------------------------------------------------------
let context = null;
async function shot(page, name) {
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

async function journey() {
  fs.mkdirSync(SHOTS, { recursive: true });
  await start();
  const red = await kiosk('POST', '/v1/redemptions', { member_id: 'M100004', item_id: 'E001' });
  if (red.status !== 201) throw new Error(`redemption: ${red.status} ${JSON.stringify(red.json)}`);
  const code = red.json.voucher.code;
  await kiosk('POST', '/v1/redemptions', { member_id: 'M100003', item_id: 'G001' });
  await kiosk('POST', '/v1/parking/coupons', { member_id: 'M100002', plate: '沪C5D678', hours: 2 });
  const hb = await kiosk('POST', '/v1/kiosk/heartbeat',
    { printer: 'ok', paper: 'low', queue_depth: 2, oldest_pending_age_s: 40, version: '0.1.0', rejected_offline: 1 });
  if (hb.status !== 200) throw new Error(`heartbeat: ${hb.status}`);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/401/.test(m.text())) fail(`console error: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) fail(`request left the origin: ${r.url()}`); });

  // Login page, Chinese first.
  await page.goto(`${base}/console/`);
  await page.waitForSelector('body[data-ready="1"]', WAIT);
  await page.waitForSelector('#view-login:not([hidden])', WAIT);
  if ((await page.textContent('h1')) !== words.zh['app.title']) fail('the page does not start in Chinese');
  await shot(page, '01-login.png');
  await page.fill('#login-user', 'desk');
  await page.fill('#login-password', 'wrong');
  await page.click('#login-submit');
  await page.waitForSelector('#login-error:not([hidden])', WAIT);
  await page.fill('#login-user', 'desk');
  await page.fill('#login-password', 'desk-demo');
  await page.click('#login-submit');
  await page.waitForSelector('#view-desk:not([hidden])', WAIT);
  if (await page.isVisible('#nav a[data-view="catalog"]')) fail('desk sees the catalog editor');

  // Service desk: the scanner types into the focused input and sends Enter.
  if (await page.evaluate(() => document.activeElement.id) !== 'voucher-input') fail('voucher input has no focus');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#voucher-card[data-status="issued"]', WAIT);
  const card = await page.textContent('#voucher-card');
  if (!card.includes('*')) fail(`member not masked on the desk card: ${card}`);
  if (!card.includes('demo-kiosk')) fail('desk card does not name the kiosk');
  if (!(await page.isVisible('#voucher-pending'))) fail('queued transactions on the kiosk are not flagged');
  await shot(page, '02-desk-voucher.png');
  await page.click('#use-btn');
  await page.waitForSelector('#voucher-card[data-status="used"]', WAIT);
  if ((await page.textContent('#voucher-status')) !== words.zh['status.used']) fail('status badge does not say used');
  await shot(page, '03-desk-used.png');
  const after = await kiosk('GET', `/v1/vouchers/${code}`);
  if (after.json?.status !== 'used') fail(`voucher after the desk used it: ${after.json?.status}`);

  // Admin: stock edit reaches the kiosk's catalog under a new ETag.
  await page.click('#logout');
  await page.waitForSelector('#view-login:not([hidden])', WAIT);
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', 'admin-demo');
  await page.click('#login-submit');
  await page.waitForSelector('#view-desk:not([hidden])', WAIT);
  const before = await kiosk('GET', '/v1/catalog');
  await page.click('#nav a[data-view="catalog"]');
  const row = 'tr[data-item="G001"]';
  await page.waitForSelector(row, WAIT);
  await page.fill(`${row} input[name="stock"]`, '42');
  await page.click(`${row} button.save`);
  await page.waitForFunction(() => /G001/.test(document.querySelector('#flash').textContent), null, WAIT);
  await shot(page, '04-catalog.png');
  const cat = await kiosk('GET', '/v1/catalog', undefined, { 'If-None-Match': before.headers.etag });
  if (cat.status !== 200) fail(`catalog after the edit answered ${cat.status} to the old ETag`);
  else {
    const g = cat.json.items.find((i) => i.id === 'G001');
    if (g.stock !== 42) fail(`kiosk catalog stock ${g.stock}, not 42`);
    if (cat.headers.etag === before.headers.etag) fail('catalog ETag did not change');
    if (!(cat.json.version > before.json.version)) fail('catalog version did not move');
  }

  // Fleet: the kiosk that just sent a heartbeat is online; paper low stands out.
  await page.click('#nav a[data-view="fleet"]');
  await page.waitForSelector('tr[data-kiosk="demo-kiosk"][data-online="true"]', WAIT);
  if (!(await page.isVisible('tr[data-kiosk="demo-kiosk"].attention'))) fail('paper low does not stand out');
  await shot(page, '05-fleet.png');

  // Reports with SVG bars, then the English toggle.
  await page.click('#nav a[data-view="reports"]');
  await page.waitForSelector('#chart-days svg rect.bar:not([height="0"])', WAIT);
  await page.waitForSelector('#report-items-table tbody tr', WAIT);
  await shot(page, '06-reports.png');
  await page.click('#lang');
  await page.waitForFunction((t) => document.querySelector('h1').textContent === t, words.en['app.title'], WAIT);
  await page.waitForSelector('#chart-items svg rect.bar:not([height="0"])', WAIT);
  await shot(page, '07-reports-en.png');
  await page.click('#lang');

  // Ten minutes later (server clock): the kiosk has been silent too long.
  await stop();
  await start(['--clock-offset', '600']);
  clockOffset = 600;
  await page.goto(`${base}/console/#fleet`);
  await page.waitForSelector('tr[data-kiosk="demo-kiosk"][data-online="false"]', WAIT);
  await shot(page, '08-fleet-offline.png');
}

try {
  await journey();
} catch (e) {
  fail(`journey aborted: ${e.stack || e}`);
} finally {
  if (context) await context.close().catch(() => {});
  if (server && server.exitCode === null) {
    const rc = await stop();
    if (rc !== 0) fail(`kiosk-central stopped with ${rc}`);
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
}
console.log(failures.length ? `${failures.length} failure(s)` : 'console pages: all checks passed');
process.exit(failures.length ? 1 : 0);
