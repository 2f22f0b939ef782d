// Offline vouchers (issue 4) for central_responses_match_spec: a kiosk's
// provisional voucher, signed in node with demo-kiosk's public demo key (the
// Ed25519 key of the 32 ASCII bytes below, as net/kvkey.h documents), sent
// with a redemption as offline_voucher. Accepted, refused (recorded void with
// the reason), replayed, registered twice, forged, and looked up at the desk;
// every answer goes through the same spec check as the rest of the journey.
import crypto from 'node:crypto';

export const OFFLINE_CODES = ['voucher_exists'];

const DEMO_SEED = Buffer.from('demo-kiosk voucher key, public!!', 'ascii');
const pkcs8 = (seed) => crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der', type: 'pkcs8',
});
const demoKey = pkcs8(DEMO_SEED);
const otherKey = pkcs8(Buffer.alloc(32, 7));

function offlineCode(item, member, key = demoKey, expiresIn = 30 * 86400) {
  const id = 'O' + crypto.randomBytes(6).toString('hex').toUpperCase();
  const head = `KV1.${id}.${item}.${member}.${Math.floor(Date.now() / 1000) + expiresIn}`;
  return `${head}.${crypto.sign(null, Buffer.from(head), key).toString('base64url')}`;
}

export async function offlineJourney({ request, change, expect, fail }) {
  const now = Math.floor(Date.now() / 1000);
  const redeem = (member, item, code, o = {}) =>
    change('/v1/redemptions', { member_id: member, item_id: item, offline_voucher: { code, issued_at: now } }, o);

  // Accepted: registered under the kiosk's own code.
  const ok = offlineCode('P001', 'M100004');
  const r = expect(await redeem('M100004', 'P001', ok), 201).json;
  if (r?.voucher?.code !== ok || r?.voucher?.offline !== true) fail(`offline voucher not adopted: ${JSON.stringify(r)}`);
  const g = expect(await request('GET', `/v1/vouchers/${ok}`), 200).json;
  if (g?.status !== 'issued' || g?.issued_by !== 'demo-kiosk' || g?.void_reason !== null)
    fail(`offline voucher at the desk: ${JSON.stringify(g)}`);
  expect(await request('POST', `/v1/vouchers/${ok}/use`), 200);

  // Refused: void with the reason, in the answer and at the desk; a replay
  // answers the same.
  const poor = offlineCode('G004', 'M100002');
  const key = `offline-refused-${now}`;
  const no = expect(await redeem('M100002', 'G004', poor, { idem: key }), 409, 'insufficient_points');
  if (no.json?.voucher?.status !== 'void' || no.json?.voucher?.void_reason !== 'insufficient_points')
    fail(`refusal does not name the void voucher: ${no.raw}`);
  const again = expect(await redeem('M100002', 'G004', poor, { idem: key }), 409, 'insufficient_points');
  if (again.raw.toString() !== no.raw.toString()) fail('replayed refusal differs');
  const gv = expect(await request('GET', `/v1/vouchers/${poor}`), 200).json;
  if (gv?.status !== 'void' || gv?.void_reason !== 'insufficient_points') fail(`refused voucher: ${JSON.stringify(gv)}`);
  expect(await request('POST', `/v1/vouchers/${poor}/void`), 409, 'voucher_void');

  // A code is registered once, whatever the key.
  expect(await redeem('M100004', 'P001', ok), 409, 'voucher_exists');
  // Refused before anything is recorded: another kiosk key, another
  // member, an expiry out of range.
  expect(await redeem('M100004', 'P001', offlineCode('P001', 'M100004', otherKey)), 422, 'invalid_code');
  expect(await redeem('M100004', 'P001', offlineCode('P001', 'M100003')), 422, 'invalid_code');
  expect(await redeem('M100004', 'P001', offlineCode('P001', 'M100004', demoKey, -60)), 422, 'invalid_code');
  expect(await change('/v1/redemptions', { member_id: 'M100004', item_id: 'P001', offline_voucher: 'x' }),
    400, 'invalid_request');
  // At the desk: an offline code not arrived yet, and a tampered one.
  expect(await request('GET', `/v1/vouchers/${offlineCode('P001', 'M100004')}`), 404, 'not_found');
  const tampered = ok.slice(0, -2) + (ok.endsWith('AA') ? 'BA' : 'AA');
  expect(await request('GET', `/v1/vouchers/${tampered}`), 422, 'invalid_code');
}
