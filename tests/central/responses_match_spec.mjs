// central_responses_match_spec: drives the real kiosk-central over HTTP
// through a scripted journey that reaches every operation of
// net/api/openapi.yaml and every error code the contract names, and checks
// each answer with an independent validator (ajv, JSON Schema 2020-12):
//   - the path, method and status are documented in the spec;
//   - the Content-Type is one the spec lists for that answer;
//   - the body validates against that answer's schema, with no undocumented
//     field (the test adds unevaluatedProperties: false to every object
//     schema, so a field the server adds without the spec fails here).
// Requests are signed in node (HMAC-SHA256, node:crypto) and member codes
// are signed with the test seed the server is started with, so this is a
// second implementation of the wire rules, not a reuse of the C ones.
// Exit 77 when node_modules (npm install in tests/central) is missing.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ENGAGE_CODES, engageJourney } from './engage_journey.mjs';
import { OFFLINE_CODES, offlineJourney } from './offline_journey.mjs';
import { PRINTREC_CODES, printrecJourney } from './printrec_journey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
let Ajv2020, addFormats, YAML;
try {
  Ajv2020 = require('ajv/dist/2020').default;
  addFormats = require('ajv-formats').default;
  YAML = require('yaml');
} catch (e) {
  console.log(`SKIP: npm packages missing (run npm install in ${here}): ${e.code || e.message}`);
  process.exit(77);
}

const SEED = '01'.repeat(32);
const KIOSK = 'demo-kiosk';
const SECRET = 'demo-secret';
const SOURCE = process.env.KIOSK_SOURCE_DIR || path.resolve(here, '../..');
const BUILD = process.env.KIOSK_BUILD_DIR || '.';
const SPEC_ID = 'https://kiosk.invalid/openapi.json';

// ---- the spec, made strict for the test ---------------------------------
const spec = YAML.parse(fs.readFileSync(path.join(SOURCE, 'net/api/openapi.yaml'), 'utf8'));

// Schemas used as allOf parts must stay open: their siblings add the rest.
const allOfParts = new Set();
(function findAllOf(node) {
  if (Array.isArray(node)) return node.forEach(findAllOf);
  if (!node || typeof node !== 'object') return;
  for (const part of node.allOf || []) if (part.$ref) allOfParts.add(part.$ref);
  Object.values(node).forEach(findAllOf);
})(spec);
// An object schema, or an allOf of parts, gets unevaluatedProperties: false;
// the parts themselves stay open (their siblings add the other fields).
(function closeObjects(node, where, part) {
  if (Array.isArray(node)) return node.forEach((n) => closeObjects(n, where, part));
  if (!node || typeof node !== 'object') return;
  if ((node.allOf || (node.properties && typeof node.properties === 'object')) &&
      !('unevaluatedProperties' in node) && !('additionalProperties' in node) &&
      !part && !allOfParts.has(where))
    node.unevaluatedProperties = false;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties') {
      for (const [pk, pv] of Object.entries(v)) closeObjects(pv, `${where}/properties/${pk}`, false);
    } else {
      closeObjects(v, `${where}/${k}`, k === 'allOf');
    }
  }
})(spec, '#', false);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, SPEC_ID);

const ptr = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const failures = [];
const seen = { ops: new Set(), codes: new Set(), answers: new Set() };
let checked = 0;

function fail(what) {
  failures.push(what);
  console.log(`FAIL ${what}`);
}

function findOperation(method, rawPath) {
  const p = rawPath.split('?')[0];
  for (const [tmpl, item] of Object.entries(spec.paths)) {
    const re = new RegExp('^' + tmpl.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    const op = item[method.toLowerCase()];
    if (op && re.test(p)) return { tmpl, op };
  }
  return null;
}

// Follows a $ref to components/responses; returns [response, JSON pointer].
function documentedResponse(tmpl, method, op, status) {
  const key = String(status);
  let resp = op.responses[key] || op.responses[`${key[0]}XX`] || op.responses.default;
  if (!resp) return [null, null];
  const rkey = op.responses[key] ? key : op.responses[`${key[0]}XX`] ? `${key[0]}XX` : 'default';
  let pointer = `/paths/${ptr(tmpl)}/${method.toLowerCase()}/responses/${rkey}`;
  if (resp.$ref) {
    pointer = resp.$ref.slice(1);
    resp = resp.$ref.slice(2).split('/').reduce((n, k) => n[k], spec);
  }
  return [resp, pointer];
}

function validateWith(pointer, body, what) {
  const validate = ajv.getSchema(`${SPEC_ID}#${pointer}`);
  if (!validate) return fail(`${what}: no schema at ${pointer}`);
  checked++;
  if (!validate(body))
    fail(`${what}: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n  body: ${JSON.stringify(body)}`);
}

// Checks one answer against the spec and records what it covered.
function check(method, rawPath, res) {
  const what = `${method} ${rawPath.slice(0, 90)} -> ${res.status}`;
  const found = findOperation(method, rawPath);
  const ctype = (res.headers['content-type'] || '').split(';')[0].trim();
  if (res.json && typeof res.json.error === 'string') seen.codes.add(res.json.error);
  if (!found) {
    // Not a route of the contract: it must still be a documented error.
    if (res.status !== 404 && res.status !== 413) return fail(`${what}: undocumented route answered`);
    return validateWith('/components/schemas/Error', res.json, what);
  }
  const { tmpl, op } = found;
  seen.answers.add(`${op.operationId} ${res.status}`);
  if (res.status < 300) seen.ops.add(op.operationId);
  const [resp, pointer] = documentedResponse(tmpl, method, op, res.status);
  if (!resp) return fail(`${what}: status not documented for ${op.operationId}`);
  if (!resp.content) {
    checked++;
    if (res.raw.length !== 0) fail(`${what}: documented without a body, got ${res.raw.length} bytes`);
    return;
  }
  if (!resp.content[ctype]) return fail(`${what}: Content-Type ${ctype} not documented`);
  if (ctype === 'application/json') {
    if (res.json === undefined) return fail(`${what}: body is not JSON`);
    return validateWith(`${pointer}/content/${ptr(ctype)}/schema`, res.json, what);
  }
  checked++;
  if (ctype === 'image/png' && !res.raw.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')))
    fail(`${what}: not a PNG`);
}

// ---- the server ----------------------------------------------------------
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'central-spec-'));
let server = null;
let port = 0;
let clockOffset = 0; // the server's clock minus ours

function start(extra = []) {
  return new Promise((resolve, reject) => {
    const args = ['--listen', '127.0.0.1:0', '--db', path.join(stateDir, 'central.db'),
      '--demo', '--signing-seed', SEED, ...extra];
    server = spawn(path.join(BUILD, 'kiosk-central'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { port = Number(m[1]); resolve(); }
    });
    server.on('exit', (code) => reject(new Error(`kiosk-central exited ${code} before listening`)));
  });
}

function stop() {
  return new Promise((resolve) => {
    server.removeAllListeners('exit');
    server.on('exit', (code, sig) => resolve(code === 0 ? 0 : code ?? sig));
    server.kill('SIGTERM');
  });
}

// ---- signed requests ------------------------------------------------------
const sha256hex = (b) => crypto.createHash('sha256').update(b).digest('hex');

function sign(method, target, ts, body, secret = SECRET) {
  return crypto.createHmac('sha256', secret)
    .update(`${method}\n${target}\n${ts}\n${sha256hex(body)}`).digest('hex');
}

// o: {unsigned, skew, tamper, secret, kiosk, idem, inm, headers, chunked}
function request(method, target, body, o = {}) {
  const payload = body === undefined ? Buffer.alloc(0)
    : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers = { ...(o.headers || {}) };
  if (payload.length) headers['Content-Type'] = 'application/json';
  if (payload.length && !o.chunked) headers['Content-Length'] = payload.length;
  if (!o.unsigned) {
    const ts = Math.floor(Date.now() / 1000) + clockOffset + (o.skew || 0);
    let sig = sign(method, target, ts, payload, o.secret);
    if (o.tamper) sig = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    headers['X-Kiosk-Id'] = o.kiosk || KIOSK;
    headers['X-Kiosk-Timestamp'] = String(ts);
    headers['X-Kiosk-Signature'] = sig;
  }
  if (o.idem) headers['Idempotency-Key'] = o.idem;
  if (o.inm) headers['If-None-Match'] = o.inm;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let json;
        try { json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined; } catch { json = undefined; }
        const r = { status: res.statusCode, headers: res.headers, raw, json };
        check(method, target, r);
        resolve(r);
      });
    });
    req.on('error', reject);
    if (payload.length) req.write(payload);
    req.end();
  });
}

let keyN = 0;
const change = (target, body, o = {}) => request('POST', target, body, { idem: `spec-${++keyN}`, ...o });

function expect(r, status, code) {
  if (r.status !== status || (code && r.json?.error !== code))
    fail(`expected ${status} ${code || ''}, got ${r.status} ${r.raw.toString('utf8').slice(0, 200)}`);
  return r;
}

// Member codes: KM1.<id>.<tier>.<points>.<issued>.<sig>, Ed25519 over all
// before the last dot.
const signKey = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(SEED, 'hex')]),
  format: 'der', type: 'pkcs8',
});
function memberCode(id, tier, points, issuedDelta = 0) {
  const issued = Math.floor(Date.now() / 1000) + clockOffset + issuedDelta;
  const head = `KM1.${id}.${tier}.${points}.${issued}`;
  return `${head}.${crypto.sign(null, Buffer.from(head), signKey).toString('base64url')}`;
}

// ---- the journey ------------------------------------------------------------
async function journey() {
  const big = Buffer.alloc(64 * 1024 + 1, 0x20);
  big[0] = 0x7b; // '{', the rest spaces: too large before it is malformed

  // Kiosk: health, config, heartbeat, and every way auth fails.
  expect(await request('GET', '/v1/health', undefined, { unsigned: true }), 200);
  expect(await request('GET', '/v1/health', big, { unsigned: true }), 413, 'payload_too_large');
  const cfg = expect(await request('GET', '/v1/kiosk/config'), 200).json;
  if (cfg.member_code_public_key !== crypto.createPublicKey(signKey).export({ format: 'jwk' }).x)
    fail('config: member_code_public_key is not the key of the signing seed');
  expect(await request('GET', '/v1/kiosk/config', undefined, { unsigned: true }), 401, 'unauthorized');
  expect(await request('GET', '/v1/kiosk/config', undefined, { kiosk: 'nobody' }), 401, 'unauthorized');
  expect(await request('GET', '/v1/kiosk/config', undefined, { tamper: true }), 401, 'bad_signature');
  expect(await request('GET', '/v1/kiosk/config', undefined, { secret: 'guess' }), 401, 'bad_signature');
  expect(await request('GET', '/v1/kiosk/config', undefined, { skew: -400 }), 401, 'clock_skew');
  expect(await request('POST', '/v1/kiosk/heartbeat',
    { printer: 'ok', paper: 'low', queue_depth: 2, oldest_pending_age_s: 40, version: '0.1.0' }), 200);
  expect(await request('POST', '/v1/kiosk/heartbeat', { printer: 'ok' }), 400, 'invalid_request');
  expect(await request('POST', '/v1/kiosk/heartbeat', big), 413, 'payload_too_large');
  expect(await request('GET', '/v1/no/such/route'), 404, 'not_found');

  // Demo helpers.
  const demo = expect(await request('GET', '/v1/demo/members'), 200).json;
  if (demo.members?.map((m) => m.tier).join() !== 'standard,silver,gold,diamond')
    fail(`demo members out of tier order: ${JSON.stringify(demo)}`);
  const code = expect(await request('GET', '/v1/demo/member-code/M100003'), 200).json.code;
  expect(await request('GET', '/v1/demo/member-code/M999999'), 404, 'not_found');

  // Members.
  expect(await request('POST', '/v1/members/resolve', { code }), 200);
  expect(await request('POST', '/v1/members/resolve', { code: memberCode('M100004', 'diamond', 1) }), 200);
  expect(await request('POST', '/v1/members/resolve', { code: memberCode('M100003', 'gold', 1, -500) }), 422, 'expired_code');
  expect(await request('POST', '/v1/members/resolve', { code: code.replace('.gold.', '.silver.') }), 422, 'invalid_code');
  expect(await request('POST', '/v1/members/resolve', { code: memberCode('M999999', 'gold', 1) }), 404, 'not_found');
  expect(await request('POST', '/v1/members/resolve', {}), 400, 'invalid_request');
  const badUtf8 = Buffer.concat([Buffer.from('{"code":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  expect(await request('POST', '/v1/members/resolve', badUtf8), 400, 'invalid_request');
  expect(await request('POST', '/v1/members/resolve', big), 413, 'payload_too_large');
  expect(await request('POST', '/v1/members/resolve', big, { chunked: true }), 413, 'payload_too_large');
  for (const id of ['M100001', 'M100002', 'M100003', 'M100004'])
    expect(await request('GET', `/v1/members/${id}`), 200);
  expect(await request('GET', '/v1/members/M000000'), 404, 'not_found');

  // Catalog and images.
  const cat = expect(await request('GET', '/v1/catalog'), 200);
  expect(await request('GET', '/v1/catalog', undefined, { inm: cat.headers.etag }), 304);
  for (const item of cat.json.items.slice(0, 3))
    expect(await request('GET', `/v1/assets/${item.image.split('/').pop()}`), 200);
  expect(await request('GET', '/v1/assets/none.png'), 404, 'not_found');

  // Redemptions: one of each refusal, then success and replay.
  const redeem = (member, item, extra = {}, o = {}) =>
    change('/v1/redemptions', { member_id: member, item_id: item, ...extra }, o);
  expect(await redeem('M100001', 'G005'), 409, 'out_of_stock');
  expect(await redeem('M100001', 'G006'), 403, 'tier_required');
  expect(await redeem('M100002', 'G004'), 409, 'insufficient_points');
  expect(await redeem('M100001', 'C004'), 409, 'item_unavailable');
  expect(await redeem('M100009', 'G001'), 404, 'not_found');
  expect(await redeem('M100001', 'G001', { quantity: '2' }), 400, 'invalid_request');
  expect(await redeem('M100001', 'G001', {}, { idem: undefined }), 400, 'invalid_request');
  expect(await change('/v1/redemptions', big), 413, 'payload_too_large');
  const first = expect(await redeem('M100004', 'C001', { note: 'unknown fields are ignored' }, { idem: 'spec-replay' }), 201);
  const again = expect(await redeem('M100004', 'C001', { note: 'unknown fields are ignored' }, { idem: 'spec-replay' }), 201);
  if (first.raw.toString() !== again.raw.toString()) fail('idempotent replay differs from the first answer');
  expect(await redeem('M100004', 'C002', {}, { idem: 'spec-replay' }), 422, 'idempotency_mismatch');
  expect(await redeem('M100004', 'C001'), 409, 'limit_reached');

  // Vouchers: issued, used once, voided once, forged.
  const vUse = expect(await redeem('M100004', 'E001'), 201).json.voucher.code;
  const vVoid = expect(await redeem('M100003', 'G001'), 201).json.voucher.code;
  const vLate = expect(await redeem('M100004', 'G002'), 201).json.voucher.code;
  const vLateVoid = expect(await redeem('M100004', 'C003'), 201).json.voucher.code;
  expect(await request('GET', `/v1/vouchers/${vUse}`), 200);
  expect(await request('POST', `/v1/vouchers/${vUse}/use`), 200);
  expect(await request('POST', `/v1/vouchers/${vUse}/use`), 409, 'voucher_used');
  expect(await request('POST', `/v1/vouchers/${vVoid}/void`), 200);
  expect(await request('POST', `/v1/vouchers/${vVoid}/void`), 409, 'voucher_void');
  expect(await request('POST', `/v1/vouchers/${vVoid}/use`), 409, 'voucher_void');
  const forged = vUse.replace(/^KV1\.V/, 'KV1.W');
  expect(await request('GET', `/v1/vouchers/${forged}`), 422, 'invalid_code');
  expect(await request('POST', `/v1/vouchers/${forged}/use`), 422, 'invalid_code');
  expect(await request('POST', `/v1/vouchers/${forged}/void`), 422, 'invalid_code');

  // Check-ins.
  expect(await change('/v1/checkins', { member_id: 'M100001' }), 201);
  expect(await change('/v1/checkins', { member_id: 'M100001' }), 200);
  expect(await change('/v1/checkins', { member_id: 'M000000' }), 404, 'not_found');
  expect(await change('/v1/checkins', { member_id: 7 }), 400, 'invalid_request');
  expect(await change('/v1/checkins', { member_id: 'M100001' }, { idem: 'spec-replay' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/checkins', big), 413, 'payload_too_large');

  // Parking.
  const plate = encodeURIComponent('沪C5D678');
  expect(await request('GET', `/v1/parking/sessions/${plate}`), 200);
  expect(await request('GET', `/v1/parking/sessions/${encodeURIComponent('粤B99999')}`), 404, 'not_found');
  expect(await request('GET', '/v1/parking/sessions/ABC123'), 422, 'invalid_plate');
  const park = (member, p, hours, o) => change('/v1/parking/coupons', { member_id: member, plate: p, hours }, o);
  expect(await park('M100002', '沪C5D678', 2), 201);
  expect(await park('M100002', '沪C5D678', 20), 409, 'limit_reached');
  expect(await park('M100001', '沪C5D678', 8), 409, 'insufficient_points');
  expect(await park('M100002', '粤Z1234', 1), 422, 'invalid_plate');
  expect(await park('M100002', '粤B00000', 1), 404, 'not_found');
  expect(await park('M100002', '沪C5D678', 0), 400, 'invalid_request');
  expect(await park('M100002', '沪C5D678', 1, { idem: 'spec-replay' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/parking/coupons', big), 413, 'payload_too_large');

  await engageJourney({ request, change, expect, fail, big });
  await offlineJourney({ request, change, expect, fail });
  await printrecJourney({ change, expect, fail });
  await staffJourney(big);

  // Forty days later (the server's clock, moved with --clock-offset): the
  // unused vouchers have expired; one cannot be used any more, the other
  // can still be voided, which gives its points back.
  let rc = await stop();
  if (rc !== 0) fail(`kiosk-central stopped with ${rc}`);
  await start(['--clock-offset', String(40 * 86400)]);
  const h = expect(await request('GET', '/v1/health', undefined, { unsigned: true }), 200).json;
  clockOffset = h.time - Math.floor(Date.now() / 1000);
  const late = expect(await request('GET', `/v1/vouchers/${vLate}`), 200).json;
  if (late.status !== 'expired') fail(`voucher 40 days later is ${late.status}, not expired`);
  expect(await request('POST', `/v1/vouchers/${vLate}/use`), 409, 'voucher_expired');
  const refunded = expect(await request('POST', `/v1/vouchers/${vLateVoid}/void`), 200).json;
  if (!(refunded.points_refunded > 0)) fail('voiding an expired voucher refunded nothing');
  expect(await request('POST', '/v1/members/resolve', { code: memberCode('M100002', 'silver', 1) }), 200);
  expect(await redeem('M100004', 'C001', { note: 'unknown fields are ignored' }, { idem: 'spec-replay' }), 201);
  rc = await stop();
  if (rc !== 0) fail(`kiosk-central stopped with ${rc}`);
}

// The staff console's API: cookie session plus X-CSRF-Token, not kiosk
// signatures. Every staff operation once with success, and each refusal.
async function staffJourney(big) {
  const jars = {};
  const staff = (who, method, target, body, o = {}) => {
    const headers = {};
    if (jars[who]) headers.Cookie = jars[who].cookie;
    if (o.csrf !== undefined) headers['X-CSRF-Token'] = o.csrf;
    else if (jars[who] && method !== 'GET') headers['X-CSRF-Token'] = jars[who].csrf;
    return request(method, target, body, { unsigned: true, headers });
  };
  const login = async (who, user, password) => {
    const r = await staff(who, 'POST', '/v1/staff/login', { user, password });
    const set = (r.headers['set-cookie'] || []).join(';');
    const m = /kc_staff=([A-Za-z0-9_-]{43})/.exec(set);
    if (r.status === 200) {
      if (!m || !/HttpOnly/i.test(set) || !/SameSite=Strict/i.test(set)) fail(`login cookie: ${set}`);
      jars[who] = { cookie: `kc_staff=${m && m[1]}`, csrf: r.json.csrf_token };
    }
    return r;
  };
  const redeem = (member, item) => change('/v1/redemptions', { member_id: member, item_id: item });

  expect(await staff('none', 'GET', '/v1/staff/fleet'), 401, 'unauthorized');
  expect(await staff('none', 'POST', '/v1/staff/vouchers/V000000000000/use'), 401, 'unauthorized');
  expect(await login('desk', 'desk', 'wrong'), 401, 'bad_credentials');
  expect(await login('desk', 'desk', 'desk-demo'), 200);
  expect(await login('admin', 'admin', 'admin-demo'), 200);
  expect(await staff('desk', 'GET', '/v1/staff/session'), 200);
  expect(await staff('desk', 'POST', '/v1/staff/login', big), 413, 'payload_too_large');
  expect(await staff('desk', 'POST', '/v1/staff/login', { user: 'desk' }), 400, 'invalid_request');

  const vUse = expect(await redeem('M100004', 'E002'), 201).json.voucher.code;
  const vVoid = expect(await redeem('M100004', 'G006'), 201).json.voucher;
  const vVoidId = vVoid.code.split('.')[1];
  expect(await staff('desk', 'GET', `/v1/staff/vouchers/${vUse}`), 200);
  expect(await staff('desk', 'GET', `/v1/staff/vouchers/${vVoidId.toLowerCase()}`), 200);
  expect(await staff('desk', 'GET', '/v1/staff/vouchers/V000000000000'), 404, 'not_found');
  expect(await staff('desk', 'GET', '/v1/staff/vouchers/nonsense'), 422, 'invalid_code');
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vUse}/use`, undefined, { csrf: '' }), 403, 'csrf_failed');
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vUse}/use`), 200);
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vUse}/use`), 409, 'voucher_used');
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vUse}/void`, { reason: 'late' }), 409, 'voucher_used');
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vVoidId}/void`, {}), 400, 'invalid_request');
  expect(await staff('desk', 'POST', `/v1/staff/vouchers/${vVoidId}/void`, { reason: 'gift not collected' }), 200);
  expect(await staff('desk', 'POST', '/v1/staff/vouchers/nonsense/use'), 422, 'invalid_code');
  expect(await staff('desk', 'POST', '/v1/staff/vouchers/V000000000000/void', { reason: 'x' }), 404, 'not_found');

  expect(await staff('desk', 'GET', '/v1/staff/fleet'), 200);
  expect(await staff('desk', 'GET', '/v1/staff/items'), 403, 'forbidden');
  expect(await staff('desk', 'PATCH', '/v1/staff/items/G001', { stock: 1 }), 403, 'forbidden');
  expect(await staff('desk', 'GET', '/v1/staff/reports'), 403, 'forbidden');
  expect(await staff('desk', 'GET', '/v1/staff/audit'), 403, 'forbidden');
  expect(await staff('admin', 'GET', '/v1/staff/items'), 200);
  expect(await staff('admin', 'PATCH', '/v1/staff/items/G001',
    { stock: 9, tier_prices: { gold: 500 }, valid_to: 4000000000, offline_redeemable: true }), 200);
  expect(await staff('admin', 'PATCH', '/v1/staff/items/G001', {}), 400, 'invalid_request');
  expect(await staff('admin', 'PATCH', '/v1/staff/items/NOPE', { stock: 1 }), 404, 'not_found');
  expect(await staff('admin', 'GET', '/v1/staff/reports?days=30'), 200);
  expect(await staff('admin', 'GET', '/v1/staff/reports?days=0'), 400, 'invalid_request');
  expect(await staff('admin', 'GET', '/v1/staff/audit?limit=50'), 200);
  expect(await staff('admin', 'GET', '/v1/staff/audit?limit=x'), 400, 'invalid_request');
  // Accounts (admin): disabling ends the account's sessions and refuses its logins.
  expect(await staff('desk', 'GET', '/v1/staff/accounts'), 403, 'forbidden');
  expect(await staff('admin', 'GET', '/v1/staff/accounts'), 200);
  expect(await staff('admin', 'POST', '/v1/staff/accounts/admin/disable'), 409, 'cannot_disable_self');
  expect(await staff('admin', 'POST', '/v1/staff/accounts/nosuch/enable'), 404, 'not_found');
  expect(await staff('admin', 'POST', '/v1/staff/accounts/desk/disable'), 200);
  expect(await staff('desk', 'GET', '/v1/staff/session'), 401, 'unauthorized');
  expect(await login('x', 'desk', 'desk-demo'), 403, 'account_disabled');
  expect(await staff('admin', 'POST', '/v1/staff/accounts/desk/enable'), 200);
  expect(await login('desk', 'desk', 'desk-demo'), 200);
  for (let i = 1; i <= 4; i++) expect(await login('x', 'desk', `wrong-${i}`), 401, 'bad_credentials');
  expect(await login('x', 'desk', 'wrong-5'), 429, 'account_locked');
  expect(await login('x', 'desk', 'desk-demo'), 429, 'account_locked');
  expect(await staff('desk', 'POST', '/v1/staff/logout'), 204);
  expect(await staff('desk', 'GET', '/v1/staff/session'), 401, 'unauthorized');
}

// ---- coverage, and the verdict ----------------------------------------------
const ISSUE_CODES = ['invalid_request', 'unauthorized', 'clock_skew', 'bad_signature',
  'invalid_code', 'expired_code', 'not_found', 'insufficient_points', 'out_of_stock',
  'limit_reached', 'tier_required', 'item_unavailable', 'invalid_plate',
  'idempotency_mismatch', 'payload_too_large', 'voucher_used', 'voucher_void', 'voucher_expired',
  'bad_credentials', 'account_locked', 'csrf_failed', 'forbidden', 'account_disabled',
  'cannot_disable_self'];

try {
  await start();
  await journey();
} catch (e) {
  fail(`journey aborted: ${e.stack || e}`);
  if (server && server.exitCode === null) server.kill('SIGTERM');
} finally {
  fs.rmSync(stateDir, { recursive: true, force: true });
}

const ops = Object.values(spec.paths).flatMap((item) =>
  Object.values(item).filter((op) => op && op.operationId).map((op) => op.operationId));
for (const op of ops) if (!seen.ops.has(op)) fail(`operation ${op} never answered with success`);
for (const c of [...ISSUE_CODES, ...ENGAGE_CODES, ...OFFLINE_CODES, ...PRINTREC_CODES]) if (!seen.codes.has(c)) fail(`error code ${c} never reached`);
console.log(`${checked} answers checked against the spec; ${seen.answers.size} operation/status pairs; ` +
  `${seen.codes.size} error codes reached`);
process.exit(failures.length ? 1 : 0);
