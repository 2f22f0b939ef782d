// console_pages_in_chromium: logs in to the staff console in headless
// chromium and does what the staff do, against the real kiosk-central:
//   kiosk: the real kiosk (kiosk --script, SDL_VIDEODRIVER=dummy, the demo's
//         file: printer) redeems a gift against the same central; the
//         voucher code is read back from the printed slip's PNG with
//         zbarimg, the path a desk scanner takes;
//   desk: scan that voucher (typed into the focused input and Enter, as a
//         USB scanner does), see the kiosk's print report, mark it used, see
//         it used; look up a kiosk's offline voucher (signed with the demo
//         kiosk's voucher key) by its id and see the offline flag and its
//         print reports (failed, then reprinted);
//   admin: edit an item's stock and see the kiosk's signed GET /v1/catalog
//         answer the new stock under a new ETag; see a kiosk that sent a
//         heartbeat online in the fleet, then offline once the server's
//         clock has moved on (--clock-offset, restart on the same port and
//         database: the session survives); the reports' SVG charts; the
//         English toggle; the staff accounts page: disable desk (its logins
//         are refused with account_disabled), enable it again.
// Screenshots of every page go to $KIOSK_BUILD_DIR/console-screenshots/.
// No request may leave the server's origin and the page must log no error.
import { execFileSync, spawn } from 'node:child_process';
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

// Staff login over plain HTTP (the browser has its own session).
function staffLogin(user, password) {
  const payload = Buffer.from(JSON.stringify({ user, password }));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/staff/login', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// The real kiosk, headless, redeems G001 for demo member 3 against this
// central and prints the voucher with the demo's file: printer; the code is
// what zbarimg reads off the printed PNG.
function kioskJourney() {
  const kdir = path.join(stateDir, 'kiosk');
  fs.mkdirSync(kdir, { recursive: true });
  const script = path.join(kdir, 'redeem.script');
  fs.writeFileSync(script, ['press demo-member-3', 'expect member', 'press btn-catalog', 'expect catalog',
    'press item-G001', 'expect item', 'press btn-confirm', 'expect result',
    `shot ${path.join(SHOTS, '00-kiosk-result.png')}`, 'press btn-done', 'expect member', ''].join('\n'));
  let log = '';
  try {
    execFileSync(path.join(BUILD, 'kiosk'), ['--demo', '--central', base, '--state-dir', path.join(kdir, 'state'),
      '--script', script], { env: { ...process.env, SDL_VIDEODRIVER: 'dummy' }, timeout: 60000, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`kiosk --script failed (${e.status}): ${e.stderr}`);
  }
  const png = path.join(kdir, 'state/printer/voucher.png');
  if (!fs.existsSync(png)) throw new Error(`the kiosk printed nothing (${png} missing)`);
  fs.copyFileSync(png, path.join(SHOTS, '00-kiosk-voucher.png'));
  try {
    log = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`zbarimg read no code on the printed voucher: ${e.status}`);
  }
  const code = log.split('\n').find((l) => l.startsWith('KV1.'));
  if (!code) throw new Error(`no KV1 voucher code on the printed slip: ${log}`);
  return code;
}

// A kiosk's offline voucher (issue 4): signed with demo-kiosk's demo voucher
// key (net/kvkey.h; as tests/central/offline_journey.mjs), registered with a
// redemption, then two print reports: paper out, then a reprint.
async function offlineVoucher() {
  const key = crypto.createPrivateKey({ format: 'der', type: 'pkcs8', key: Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from('demo-kiosk voucher key, public!!', 'ascii')]) });
  const id = `O${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
  const now = Math.floor(Date.now() / 1000);
  const head = `KV1.${id}.P001.M100004.${now + 30 * 86400}`;
  const code = `${head}.${crypto.sign(null, Buffer.from(head), key).toString('base64url')}`;
  const r = await kiosk('POST', '/v1/redemptions', { member_id: 'M100004', item_id: 'P001', offline_voucher: { code, issued_at: now - 120 } });
  if (r.status !== 201 || r.json.voucher?.code !== code) throw new Error(`offline redemption: ${r.status} ${JSON.stringify(r.json)}`);
  for (const rec of [{ outcome: 'failed', reason: 'paper_out', printed_at: now - 110 },
    { outcome: 'printed', reprint: true, printed_at: now - 60 }]) {
    const p = await kiosk('POST', '/v1/kiosk/print-records', { voucher_code: code, ...rec });
    if (p.status !== 201) throw new Error(`print record: ${p.status} ${JSON.stringify(p.json)}`);
  }
  return id;
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
  const code = kioskJourney();
  const offlineId = await offlineVoucher();
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
  page.on('dialog', (d) => d.accept());
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
  if (await page.isVisible('#voucher-offline-badge')) fail('an online voucher is flagged offline');
  const printed = await page.$$eval('#voucher-prints li[data-outcome="printed"]', (ls) => ls.map((l) => l.textContent));
  if (printed.length !== 1 || !printed[0].includes('demo-kiosk'))
    fail(`the desk does not show the kiosk's print report: ${JSON.stringify(printed)}`);
  await shot(page, '02-desk-voucher.png');
  await page.click('#use-btn');
  await page.waitForSelector('#voucher-card[data-status="used"]', WAIT);
  if ((await page.textContent('#voucher-status')) !== words.zh['status.used']) fail('status badge does not say used');
  await shot(page, '03-desk-used.png');
  const after = await kiosk('GET', `/v1/vouchers/${code}`);
  if (after.json?.status !== 'used') fail(`voucher after the desk used it: ${after.json?.status}`);

  // The offline voucher, typed by its id: flagged, with both print reports.
  await page.fill('#voucher-input', offlineId.toLowerCase());
  await page.keyboard.press('Enter');
  await page.waitForSelector('#voucher-offline-badge', WAIT);
  if (!(await page.isVisible('#voucher-card[data-status="issued"]'))) fail('offline voucher is not shown issued');
  const prints = await page.$$eval('#voucher-prints li', (ls) => ls.map((l) => [l.dataset.outcome, l.textContent]));
  if (prints.length !== 2 || prints[0][0] !== 'failed' || !prints[0][1].includes(words.zh['print_reason.paper_out']) ||
      prints[1][0] !== 'printed' || !prints[1][1].includes('demo-kiosk'))
    fail(`offline voucher's print reports on the desk: ${JSON.stringify(prints)}`);
  if (!(await page.textContent('#voucher-offline')).includes('demo-kiosk')) fail('offline note does not name the kiosk');
  await shot(page, '03b-desk-offline.png');
  await page.click('#lang');
  await page.waitForFunction((t) => document.querySelector('#voucher-offline-badge')?.textContent === t, words.en['desk.offline'], WAIT);
  if (!(await page.textContent('#voucher-prints')).includes(words.en['print_reason.paper_out'])) fail('English print reason');
  await shot(page, '03c-desk-offline-en.png');
  await page.click('#lang');

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

  // Staff accounts: admin disables desk (no button on its own row), desk's
  // login is refused as disabled, then admin enables it again.
  await page.click('#nav a[data-view="staff"]');
  const deskRow = '#staff-table tr[data-user="desk"]';
  await page.waitForSelector(`${deskRow}[data-state="active"]`, WAIT);
  if (await page.$('#staff-table tr[data-user="admin"] button')) fail('admin can press disable on their own row');
  await page.click(`${deskRow} button[data-action="disable"]`);
  await page.waitForSelector(`${deskRow}[data-state="disabled"]`, WAIT);
  const refused = await staffLogin('desk', 'desk-demo');
  if (refused.status !== 403 || refused.json?.error !== 'account_disabled') fail(`disabled desk login: ${refused.status} ${JSON.stringify(refused.json)}`);
  await shot(page, '09-staff-disabled.png');
  await page.click('#lang');
  await page.waitForFunction((t) => document.querySelector('#view-staff h2').textContent === t, words.en['staff.title'], WAIT);
  await page.waitForSelector(`${deskRow}[data-state="disabled"]`, WAIT);
  await shot(page, '10-staff-disabled-en.png');
  await page.click('#lang');
  await page.waitForSelector(`${deskRow} button[data-action="enable"]`, WAIT);
  await page.click(`${deskRow} button[data-action="enable"]`);
  await page.waitForSelector(`${deskRow}[data-state="active"]`, WAIT);
  if ((await staffLogin('desk', 'desk-demo')).status !== 200) fail('desk cannot log in after enable');

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
