// reliability_injection_sweep: hostile input to every operation of
// net/api/openapi.yaml that takes a body, a path parameter or a signature,
// against the real kiosk-central (--demo, a second kiosk kiosk-2 known too).
//
// For every field of every request body: SQL injection strings, JSON type
// confusion (numbers as strings, arrays, nested objects, huge, negative and
// zero numbers, NaN, 1e400), NUL bytes as \u0000, invalid UTF-8, a 1 MB
// string, the field twice; for every body as a whole: not an object, not
// JSON, invalid UTF-8; for every path parameter: the same strings; for
// every kiosk operation: no, a tampered, a stale, a future, a wrong-secret
// signature and another kiosk's id; for every staff operation: no or a
// forged cookie, no or a wrong CSRF token, the desk role on admin routes.
//
// Each answer must be a documented 4xx with a JSON error code, the server
// must stay up, and the database must not change, checked table by table
// (sha3 of each table's rows through the sqlite3 shell) around every
// request. Refusals may write only: idem (a kiosk's 4xx answer is stored
// under its Idempotency-Key, ctl_idem.h) and the staff login audit. A
// string that is plain text to the contract (no pattern, no enum: a
// heartbeat's version, a void reason) may be accepted: then the value must
// be stored as given (the proof it was a parameter, not SQL) and no table
// may disappear. Exit 77 without the yaml package (npm install in
// tests/central) or the sqlite3 shell.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../central/package.json'));
let YAML;
try {
  YAML = require('yaml');
} catch (e) {
  console.log(`SKIP: npm install in tests/central first (${e.code || e.message})`);
  process.exit(77);
}
if (spawnSync('sqlite3', ['-version']).status !== 0) {
  console.log('SKIP: no sqlite3 shell');
  process.exit(77);
}

const SEED = '01'.repeat(32);
const KIOSKS = { 'demo-kiosk': 'demo-secret', 'kiosk-2': 'secret-2' };
const SOURCE = process.env.KIOSK_SOURCE_DIR || path.resolve(here, '../..');
const BUILD = process.env.KIOSK_BUILD_DIR || '.';
const spec = YAML.parse(fs.readFileSync(path.join(SOURCE, 'net/api/openapi.yaml'), 'utf8'));
const deref = (n) => (n && n.$ref ? deref(n.$ref.slice(2).split('/').reduce((a, k) => a[k], spec)) : n);

const failures = [];
let requests = 0, acceptedText = 0, acceptedValid = 0, tooLargeCut = 0;
const codesSeen = new Set();
function fail(what) {
  failures.push(what);
  console.log(`FAIL ${what}`);
}

// ---- server and database -------------------------------------------------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-sweep-'));
const db = path.join(dir, 'central.db');
const logPath = path.join(dir, 'central.log');
let server, port, serverExited = null;

function start() {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logPath, 'w');
    server = spawn(path.join(BUILD, 'kiosk-central'), ['--listen', '127.0.0.1:0', '--db', db,
      '--demo', '--signing-seed', SEED, '--kiosk', 'kiosk-2:secret-2'],
    { stdio: ['ignore', 'pipe', log] });
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { port = Number(m[1]); resolve(); }
    });
    server.on('exit', (code, sig) => { serverExited = `${code ?? sig}`; reject(new Error(`kiosk-central exited ${code ?? sig}`)); });
  });
}

// One sqlite3 shell for the whole run: a table-by-table fingerprint costs a
// few milliseconds, so it is taken around every request.
const sh = spawn('sqlite3', ['-batch', '-noheader', '-list', db], { stdio: ['pipe', 'pipe', 'inherit'] });
let shBuf = '', shWait = null;
sh.stdout.on('data', (d) => {
  shBuf += d;
  const i = shBuf.indexOf('__END__\n');
  if (i >= 0 && shWait) {
    const text = shBuf.slice(0, i);
    shBuf = shBuf.slice(i + 8);
    const w = shWait;
    shWait = null;
    w(text);
  }
});
const sql = (q) => new Promise((resolve) => { shWait = resolve; sh.stdin.write(`${q}\nSELECT '__END__';\n`); });
let tables = [];
async function fingerprint() {
  const text = await sql(tables.map((t) => `SELECT '${t}|' || hex(sha3_query('SELECT * FROM "${t}"'));`).join('\n'));
  const fp = {};
  for (const line of text.split('\n')) if (line) { const [t, h] = line.split('|'); fp[t] = h; }
  return fp;
}
// 1 if some column of some table holds text (as is, or JSON-escaped).
const columns = {};
async function textStored(text) {
  const forms = [text, JSON.stringify(text).slice(1, -1)].map((t) => `CAST(X'${Buffer.from(t).toString('hex')}' AS TEXT)`);
  for (const t of tables) {
    if (!columns[t]) columns[t] = (await sql(`SELECT name FROM pragma_table_info('${t}');`)).split('\n').filter(Boolean);
    const where = columns[t].flatMap((c) => forms.map((f) => `instr(CAST("${c}" AS TEXT), ${f}) > 0`)).join(' OR ');
    if (where && Number((await sql(`SELECT count(*) FROM "${t}" WHERE ${where};`)).trim()) > 0) return true;
  }
  return false;
}
const diff = (a, b) => changed(a, b);
const changed = (a, b) => Object.keys(a).filter((t) => a[t] !== b[t]).concat(Object.keys(b).filter((t) => !(t in a)));

// ---- requests ---------------------------------------------------------------
const sha256hex = (b) => crypto.createHash('sha256').update(b).digest('hex');
const sign = (method, target, ts, body, secret) => crypto.createHmac('sha256', secret)
  .update(`${method}\n${target}\n${ts}\n${sha256hex(body)}`).digest('hex');

// o: {auth: 'kiosk'|'staff'|'none', kiosk, secret, skew, tamper, signedBody,
//     noTimestamp, cookie, csrf, idem}
function request(method, target, body, o = {}) {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers = {};
  if (payload.length) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = payload.length; }
  if (o.auth === 'kiosk') {
    const ts = Math.floor(Date.now() / 1000) + (o.skew || 0);
    const id = o.kiosk || 'demo-kiosk';
    let sig = sign(method, target, ts, o.signedBody ?? payload, o.secret ?? KIOSKS[id] ?? 'x');
    if (o.tamper) sig = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    headers['X-Kiosk-Id'] = id;
    if (!o.noTimestamp) headers['X-Kiosk-Timestamp'] = String(ts);
    headers['X-Kiosk-Signature'] = sig;
  }
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.csrf) headers['X-CSRF-Token'] = o.csrf;
  if (o.idem) headers['Idempotency-Key'] = o.idem;
  requests++;
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let json;
        try { json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, raw, json });
      });
    });
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    if (payload.length) req.write(payload);
    req.end();
  });
}

let keyN = 0;
const freshKey = () => `sweep-${process.pid}-${++keyN}`;
const signKey = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(SEED, 'hex')]),
  format: 'der', type: 'pkcs8',
});
function memberCode(id, tier, points) {
  const head = `KM1.${id}.${tier}.${points}.${Math.floor(Date.now() / 1000)}`;
  return `${head}.${crypto.sign(null, Buffer.from(head), signKey).toString('base64url')}`;
}

// ---- hostile values -----------------------------------------------------------
// Each is [label, raw JSON text of the value]: raw text so that NaN, 1e400,
// duplicate keys and invalid UTF-8 reach the server as sent.
const SQL = ["'; DROP TABLE members; --", "' OR 1=1 --", '" OR ""="', "M100001' --",
  "1; UPDATE members SET points=99999999", "') UNION SELECT secret FROM kiosks --"];
const VALUES = [
  ...SQL.map((s) => [`sql ${s}`, JSON.stringify(s)]),
  ['string with NUL', JSON.stringify('M100001\u0000x')],
  ['number as string', '"100"'],
  ['array', '["M100001"]'],
  ['nested object', '{"$gt":"","a":{"b":{"c":[1,{"d":2}]}}}'],
  ['true', 'true'],
  ['null', 'null'],
  ['huge integer', '9223372036854775808'],
  ['huge negative', '-9223372036854775809'],
  ['negative', '-100'],
  ['zero', '0'],
  ['fraction', '1.5'],
  ['1e400', '1e400'],
  ['NaN', 'NaN'],
  ['empty string', '""'],
  ['path traversal', '"../../../etc/passwd"'],
];
const BIG = 'A'.repeat(1024 * 1024);

// A valid body for each operation that takes one, so the hostile field is
// the only thing wrong with the request.
async function baselines() {
  const cat = (await request('GET', '/v1/catalog', undefined, { auth: 'kiosk' })).json;
  const ch = (await request('GET', '/v1/charities', undefined, { auth: 'kiosk' })).json;
  const rc = (await request('GET', '/v1/demo/receipts', undefined, { auth: 'kiosk' })).json;
  const item = cat?.items?.find((i) => i.stock > 0)?.id || 'G001';
  const charity = ch?.charities?.[0]?.id || 'C01';
  return {
    'POST /v1/kiosk/heartbeat': { printer: 'ok', paper: 'ok', queue_depth: 0, version: '0.1.0' },
    'POST /v1/members/resolve': { code: memberCode('M100003', 'gold', 12800) },
    'POST /v1/redemptions': { member_id: 'M100004', item_id: item },
    'POST /v1/parking/coupons': { member_id: 'M100004', plate: '沪C5D678', hours: 1 },
    'POST /v1/checkins': { member_id: 'M100002' },
    'POST /v1/receipts/claims': { member_id: 'M100002', code: rc?.receipts?.[0]?.code || 'KR1.x' },
    'POST /v1/birthday/claims': { member_id: 'M100002' },
    'POST /v1/lottery/draws': { member_id: 'M100004' },
    'POST /v1/donations': { member_id: 'M100004', charity_id: charity, points: 100 },
    'POST /v1/staff/login': { user: 'admin', password: 'admin-demo' },
    'POST /v1/staff/vouchers/{code}/void': { reason: 'sweep' },
    'PATCH /v1/staff/items/{id}': { stock: 5 },
  };
}
// Path parameters that name something real, for the body and auth sweeps.
const PARAMS = { id: 'M100004', code: 'V000000000000', name: 'G001.png', plate: encodeURIComponent('沪C5D678') };
const ITEM_ID = 'G001';

// ---- the sweep -----------------------------------------------------------------
let staffAdmin, staffDesk;
async function login(user, password) {
  const r = await request('POST', '/v1/staff/login', { user, password });
  const m = /kc_staff=([A-Za-z0-9_-]+)/.exec((r.headers?.['set-cookie'] || []).join(';'));
  if (r.status !== 200 || !m) { fail(`staff login ${user}: ${r.status}`); return {}; }
  return { cookie: `kc_staff=${m[1]}`, csrf: r.json.csrf_token };
}

function authOf(op) {
  const sec = op.security ?? spec.security;
  const names = sec.flatMap((s) => Object.keys(s));
  if (names.includes('staffSession')) return 'staff';
  if (names.includes('kioskSignature')) return 'kiosk';
  return 'none';
}

// Runs one hostile request and checks the answer and the database.
async function attempt(what, ctx, method, target, body, o, textField, mayAccept) {
  const before = await fingerprint();
  const r = await request(method, target, body, o);
  const after = await fingerprint();
  const label = `${method} ${ctx.tmpl} ${what}`;
  const size = body === undefined ? 0 : Buffer.byteLength(body);
  // A body over the limit may be cut off before it is all sent (the server
  // answers 413 and closes): the write fails, which is a refusal too.
  if (r.status === 0 && size > 65536 && /EPIPE|ECONNRESET/.test(r.error)) {
    tooLargeCut++;
    const bad = diff(before, after).filter((t) => t !== 'idem');
    if (bad.length) fail(`${label}: cut off but changed ${bad.join(', ')}`);
    return;
  }
  if (r.status === 0) return fail(`${label}: no answer (${r.error}); server ${serverExited ? 'exited ' + serverExited : 'up'}`);
  if (r.json && typeof r.json.error === 'string') codesSeen.add(r.json.error);
  const diffT = changed(before, after);
  if (r.status >= 200 && r.status < 300) {
    if (!mayAccept) return fail(`${label}: accepted (${r.status}) ${r.raw.toString().slice(0, 120)}`);
    acceptedValid++;
    if (Object.keys(after).length !== Object.keys(before).length) fail(`${label}: a table disappeared`);
    if (!textField) return;
    // Plain text the contract allows: stored as given.
    acceptedText++;
    if (!(await textStored(textField))) fail(`${label}: accepted, but the text is not stored as given`);
    return;
  }
  if (r.status < 400 || r.status > 499) return fail(`${label}: status ${r.status} ${r.raw.toString().slice(0, 160)}`);
  if (!r.json || typeof r.json.error !== 'string') return fail(`${label}: ${r.status} without a JSON error code`);
  const documented = ctx.op.responses[String(r.status)] || ctx.op.responses['4XX'] || ctx.op.responses.default;
  if (!documented) fail(`${label}: ${r.status} ${r.json.error} not documented for ${ctx.op.operationId}`);
  // A refused login counts against the account (ctl_staff): the staff row.
  const allowed = new Set(['idem', 'staff_audit', ...(ctx.tmpl === '/v1/staff/login' ? ['staff'] : [])]);
  const bad = diffT.filter((t) => !allowed.has(t));
  if (bad.length) fail(`${label}: refused ${r.status} ${r.json.error} but changed ${bad.join(', ')}`);
}

// Whether the contract allows value v for schema s: such a value may be
// accepted (2xx); any other must be refused.
function validFor(v, s) {
  s = deref(s);
  if (!s) return true;
  const types = [].concat(s.type || []);
  if (v === null) return types.includes('null');
  if (s.enum && !s.enum.includes(v)) return false;
  if (types.includes('integer') && Number.isInteger(v))
    return Math.abs(v) <= 2 ** 53 && (s.minimum === undefined || v >= s.minimum) && (s.maximum === undefined || v <= s.maximum);
  if (types.includes('boolean') && typeof v === 'boolean') return true;
  if (types.includes('string') && typeof v === 'string')
    return (!s.pattern || new RegExp(s.pattern, 'u').test(v)) && (s.maxLength === undefined || [...v].length <= s.maxLength) &&
      (s.minLength === undefined || [...v].length >= s.minLength);
  if (types.includes('object') && v && typeof v === 'object' && !Array.isArray(v)) {
    const props = s.properties || {};
    if (s.additionalProperties === false && Object.keys(v).some((k) => !(k in props))) return false;
    if ((s.required || []).some((k) => !(k in v))) return false;
    return Object.entries(v).every(([k, x]) => !(k in props) || validFor(x, props[k]));
  }
  return types.length === 0;
}
const parseOr = (raw, dflt) => { try { const v = JSON.parse(raw); return Number.isFinite(v) || typeof v !== 'number' ? v : dflt; } catch { return dflt; } };
const INVALID = Symbol('invalid');

function bodyWith(base, field, rawValue) {
  const parts = Object.entries(base).filter(([k]) => k !== field).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  parts.push(`${JSON.stringify(field)}:${rawValue}`);
  return `{${parts.join(',')}}`;
}

async function main() {
  await start();
  tables = (await sql("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name;")).split('\n').filter(Boolean);
  staffAdmin = await login('admin', 'admin-demo');
  staffDesk = await login('desk', 'desk-demo');
  const base = await baselines();
  const ops = [];
  for (const [tmpl, item] of Object.entries(spec.paths))
    for (const [m, op] of Object.entries(item))
      if (op && op.responses && tmpl !== '/v1/health') ops.push({ tmpl, method: m.toUpperCase(), op, auth: authOf(op) });

  let fields = 0;
  for (const ctx of ops) {
    const { tmpl, method, op, auth } = ctx;
    const key = `${method} ${tmpl}`;
    const isAdmin = /\/v1\/staff\/(items|reports|audit|accounts)/.test(tmpl);
    const good = (extra = {}) => (auth === 'kiosk' ? { auth: 'kiosk', idem: freshKey(), ...extra }
      : auth === 'staff' ? { cookie: staffAdmin.cookie, csrf: method === 'GET' ? undefined : staffAdmin.csrf, ...extra } : { ...extra });
    const params = (op.parameters || []).map(deref).filter((p) => p.in === 'path').map((p) => p.name);
    const fill = (t, over = {}) => t.replace(/\{([^}]+)\}/g, (_, n) => over[n] ?? (n === 'id' && tmpl.includes('/staff/items/') ? ITEM_ID : PARAMS[n] ?? 'x'));
    const schema = op.requestBody ? deref(op.requestBody.content?.['application/json']?.schema) : null;
    const b = base[key] || (schema ? {} : undefined);
    const target = fill(tmpl);
    const bodyText = b === undefined ? undefined : JSON.stringify(b);

    // Signatures and sessions.
    if (auth === 'kiosk') {
      const variants = [
        ['unsigned', { auth: 'none', idem: freshKey() }],
        ['tampered signature', { tamper: true }],
        ['stale timestamp (-400 s)', { skew: -400 }],
        ['future timestamp (+400 s)', { skew: 400 }],
        ['no timestamp', { noTimestamp: true }],
        ['wrong secret', { secret: 'guess' }],
        ["another kiosk's id, own secret", { kiosk: 'kiosk-2', secret: 'demo-secret' }],
        ["own id, another kiosk's secret", { kiosk: 'demo-kiosk', secret: 'secret-2' }],
        ['unknown kiosk id', { kiosk: 'nobody', secret: 'x' }],
        ['sql in kiosk id', { kiosk: "demo-kiosk' OR 1=1 --", secret: 'demo-secret' }],
      ];
      if (bodyText) variants.push(['signature over another body', { signedBody: Buffer.from('{}') }]);
      for (const [what, o] of variants) await attempt(what, ctx, method, target, bodyText, good(o));
    } else if (auth === 'staff') {
      const variants = [['no cookie', { cookie: undefined, csrf: undefined }],
        ['forged cookie', { cookie: 'kc_staff=' + 'A'.repeat(43) }],
        ["sql in cookie", { cookie: "kc_staff=' OR 1=1 --" }],
        ['kiosk signature instead of a session', { cookie: undefined, csrf: undefined, auth: 'kiosk' }]];
      if (method !== 'GET') variants.push(['no CSRF token', { csrf: undefined }], ['wrong CSRF token', { csrf: 'x'.repeat(43) }]);
      if (isAdmin) variants.push(['desk role on an admin route', { cookie: staffDesk.cookie, csrf: staffDesk.csrf }]);
      for (const [what, o] of variants) {
        const oo = good(o);
        if ('csrf' in o && o.csrf === undefined) delete oo.csrf;
        await attempt(what, ctx, method, target, bodyText, oo);
      }
    }

    // Path parameters.
    for (const p of params) {
      for (const [label, raw] of VALUES) {
        if (!raw.startsWith('"')) continue;
        const v = encodeURIComponent(JSON.parse(raw));
        if (!v) continue;
        await attempt(`path ${p} = ${label}`, ctx, method, fill(tmpl, { [p]: v }), bodyText, good());
      }
    }

    // Whole bodies and every field.
    if (!schema) continue;
    const whole = [['body is an array', '[]'], ['body is a string', '"x"'], ['body is a number', '1'],
      ['body is null', 'null'], ['body is not JSON', '{"a":'], ['body is invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ['body of 1 MB', JSON.stringify({ ...b, pad: BIG })]];
    for (const [what, raw] of whole) await attempt(what, ctx, method, target, raw, good());
    for (const [field, fs0] of Object.entries(schema.properties || {})) {
      fields++;
      const fsch = deref(fs0);
      const plain = fsch.type === 'string' && !fsch.pattern && !fsch.enum && !fsch.format && !/^(plate|code|item_id|charity_id|user|password)$/.test(field);
      for (const [label, raw] of VALUES) {
        const v = parseOr(raw, INVALID);
        const ok = v !== INVALID && validFor(v, fsch);
        const textField = ok && plain && typeof v === 'string' && v.length && !v.includes('\u0000') ? v : null;
        await attempt(`${field} = ${label}`, ctx, method, target, bodyWith(b, field, raw), good(), textField, ok);
      }
      const badUtf8 = Buffer.concat([Buffer.from(bodyWith(b, field, '"').slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
      await attempt(`${field} = invalid UTF-8`, ctx, method, target, badUtf8, good());
      await attempt(`${field} = 1 MB string`, ctx, method, target, bodyWith(b, field, JSON.stringify(BIG)), good());
      if (field in b) {
        const dup = `${bodyWith(b, field, JSON.stringify(b[field]))}`.replace(/}$/, `,${JSON.stringify(field)}:${JSON.stringify(b[field])}}`);
        await attempt(`${field} twice`, ctx, method, target, dup, good());
      }
    }
  }

  // One member code, one kiosk: the kiosk that resolved it may again (a
  // retry), another kiosk within the code's validity may not.
  const code = memberCode('M100002', 'silver', 100);
  const resolve = (kiosk) => request('POST', '/v1/members/resolve', { code }, { auth: 'kiosk', kiosk });
  const r1 = await resolve('demo-kiosk'), r2 = await resolve('kiosk-2'), r3 = await resolve('demo-kiosk');
  if (r1.status !== 200 || r2.status !== 409 || r2.json?.error !== 'code_used' || r3.status !== 200)
    fail(`code replayed at a second kiosk: ${r1.status}, ${r2.status} ${r2.json?.error}, ${r3.status}`);

  // Still up, still whole.
  const h = await request('GET', '/v1/health');
  if (h.status !== 200) fail(`health after the sweep: ${h.status}`);
  const ic = (await sql('PRAGMA integrity_check;')).trim();
  if (ic !== 'ok') fail(`integrity_check: ${ic}`);
  const after = (await sql("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name;")).split('\n').filter(Boolean);
  if (after.join() !== tables.join()) fail(`tables changed: ${tables.join()} -> ${after.join()}`);
  const log = fs.readFileSync(logPath, 'utf8');
  if (/AddressSanitizer|runtime error|LeakSanitizer/.test(log)) fail('sanitizer report in the central log');
  server.removeAllListeners('exit');
  const stopped = new Promise((r) => server.on('exit', (c, s) => r(c ?? s)));
  server.kill('SIGTERM');
  const exit = await stopped;
  if (exit !== 0) fail(`kiosk-central stopped with ${exit}`);
  sh.stdin.end();
  console.log(`${requests} requests over ${ops.length} operations and ${fields} body fields; ` +
    `${acceptedValid} values the contract allows accepted (${acceptedText} of them plain text, stored as given); ` +
    `${tooLargeCut} over-limit bodies cut off by the server; error codes seen: ${[...codesSeen].sort().join(' ')}`);
  const reportRow = path.join(here, 'report-row');
  spawnSync('sh', [reportRow, 'reliability_injection_sweep',
    'SQL/JSON injection, type confusion and bad signatures in every field of every operation of the contract',
    String(requests), String(failures.length),
    `${ops.length} operations, ${fields} fields, ${failures.length} answers not a documented refusal or that changed the db, ${acceptedText} free-text values stored verbatim`], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (failures.length) {
    console.log(`${failures.length} failures`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  if (server) server.kill('SIGKILL');
  if (fs.existsSync(logPath)) console.log(fs.readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n'));
  process.exit(1);
});
