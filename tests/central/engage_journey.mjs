// The member-engagement part of central_responses_match_spec (issue 10):
// every engagement operation once with success and each of its refusals,
// each answer checked against the spec by the caller's request() (ajv).
// Demo shop S signs receipts with the Ed25519 seed SHA-256("kiosk-demo-shop:"
// S), so forged and unknown receipts are signed here, independently of C.
import crypto from 'node:crypto';

export const ENGAGE_CODES = ['invalid_receipt', 'receipt_other_mall', 'receipt_too_old',
  'receipt_claimed', 'not_birthday_month', 'birthday_claimed'];

function shopKey(shop) {
  const seed = crypto.createHash('sha256').update(`kiosk-demo-shop:${shop}`).digest();
  return crypto.createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der', type: 'pkcs8',
  });
}

export function receiptCode(shop, no, cents, unix, key = shopKey(shop)) {
  const head = `KR1.${shop}.${no}.${cents}.${unix}`;
  return `${head}.${crypto.sign(null, Buffer.from(head), key).toString('base64url')}`;
}

export async function engageJourney({ request, change, expect, fail, big }) {
  // Receipts: the demo feed, one claim of each outcome.
  const feed = expect(await request('GET', '/v1/demo/receipts'), 200).json.receipts;
  const find = (shop, no) => feed.find((r) => r.shop_id === shop && r.receipt_no === no);
  const claim = (member, code, o) => change('/v1/receipts/claims', { member_id: member, code }, o);
  const dining = find('S01', '000101');
  const cinema = find('S03', '000301');
  if (!dining || !cinema || !find('S01', '000099') || !find('S90', '900001'))
    return fail(`demo receipts incomplete: ${JSON.stringify(feed).slice(0, 300)}`);
  const first = expect(await claim('M100001', dining.code, { idem: 'spec-receipt' }), 201).json;
  if (first.points_awarded !== 128) fail(`¥128.50 at a restaurant, standard tier: ${first.points_awarded} points, not 128`);
  const again = expect(await claim('M100001', dining.code, { idem: 'spec-receipt' }), 201).json;
  if (JSON.stringify(again) !== JSON.stringify(first)) fail('receipt replay differs');
  expect(await claim('M100002', dining.code), 409, 'receipt_claimed');
  const dbl = expect(await claim('M100002', cinema.code), 201).json;
  if (dbl.points_awarded !== 540 || dbl.campaign_id !== 'CP01')
    fail(`¥90 at the cinema, silver, double points: ${dbl.points_awarded} (${dbl.campaign_id}), not 540`);
  expect(await claim('M100002', find('S01', '000099').code), 422, 'receipt_too_old');
  expect(await claim('M100002', find('S90', '900001').code), 422, 'receipt_other_mall');
  const other = find('S02', '000201');
  expect(await claim('M100002', other.code.slice(0, -2) + (other.code.endsWith('AA') ? 'BA' : 'AA')), 422, 'invalid_receipt');
  expect(await claim('M100002', receiptCode('S02', '777777', other.amount_cents, other.sold_at)), 422, 'invalid_receipt');
  expect(await claim('M100002', receiptCode('S99', '1', 100, other.sold_at)), 422, 'invalid_receipt');
  expect(await claim('M100002', 'KR1.nonsense'), 422, 'invalid_receipt');
  expect(await claim('M999999', other.code), 404, 'not_found');
  expect(await claim('M100002', 12), 400, 'invalid_request');
  expect(await claim('M100002', other.code, { idem: 'spec-receipt' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/receipts/claims', big), 413, 'payload_too_large');

  // Check-in streak bonus and the profile's calendar.
  const ci = expect(await change('/v1/checkins', { member_id: 'M100003' }), 201).json;
  if (ci.streak !== 3 || ci.bonus_awarded !== 30 || ci.points_awarded !== 40)
    fail(`third day in a row: ${JSON.stringify(ci)}`);
  const prof = expect(await request('GET', '/v1/members/M100003'), 200).json;
  if (!prof.checkin.calendar?.[6]?.checked_in || prof.checkin.bonus?.next_in_days !== 3)
    fail(`calendar after the check-in: ${JSON.stringify(prof.checkin)}`);

  // Birthday gift: M100003's birthday is this month, M100001's is not.
  if (prof.birthday_gift_claimed !== false) fail('birthday gift claimed before any claim');
  const bday = (member, o) => change('/v1/birthday/claims', { member_id: member }, o);
  expect(await bday('M100003'), 201);
  expect(await bday('M100003'), 409, 'birthday_claimed');
  expect(await bday('M100001'), 409, 'not_birthday_month');
  expect(await bday('M000000'), 404, 'not_found');
  expect(await bday(7), 400, 'invalid_request');
  expect(await bday('M100003', { idem: 'spec-receipt' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/birthday/claims', big), 413, 'payload_too_large');
  if (expect(await request('GET', '/v1/members/M100003'), 200).json.birthday_gift_claimed !== true)
    fail('profile does not show the birthday gift claimed');

  // Lottery.
  const lot = expect(await request('GET', '/v1/lottery'), 200).json;
  const draw = (member, o) => change('/v1/lottery/draws', { member_id: member }, o);
  const d1 = expect(await draw('M100004', { idem: 'spec-draw' }), 201).json;
  const d2 = expect(await draw('M100004', { idem: 'spec-draw' }), 201).json;
  if (d1.draw_id !== d2.draw_id || d1.prize.id !== d2.prize.id) fail('lottery replay drew again');
  if (d1.points_charged !== lot.cost) fail(`draw charged ${d1.points_charged}, cost is ${lot.cost}`);
  for (let i = 1; i < lot.per_day; i++) expect(await draw('M100004'), 201);
  expect(await draw('M100004'), 409, 'limit_reached');
  expect(await draw('M100001', {}), 201); // 1700 + 128 points: affords 3 draws
  expect(await draw('M000000'), 404, 'not_found');
  expect(await draw('M100004', { idem: 'spec-receipt' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/lottery/draws', big), 413, 'payload_too_large');
  expect(await change('/v1/lottery/draws', {}), 400, 'invalid_request');

  // Donations.
  const donate = (body, o) => change('/v1/donations', body, o);
  const ch = expect(await request('GET', '/v1/charities'), 200).json;
  const gift = expect(await donate({ member_id: 'M100002', charity_id: ch.charities[0].id, points: 300 }), 201).json;
  if (gift.mall_total_points !== ch.mall_total_points + 300) fail('mall total did not grow by the donation');
  expect(await donate({ member_id: 'M100002', charity_id: 'NOPE', points: 300 }), 404, 'not_found');
  expect(await donate({ member_id: 'M100002', charity_id: 'CH1', points: 5 }), 400, 'invalid_request');
  expect(await donate({ member_id: 'M100001', charity_id: 'CH1', points: 99999 }), 409, 'insufficient_points');
  expect(await donate({ member_id: 'M100001', charity_id: 'CH1', points: 10 }, { idem: 'spec-receipt' }), 422, 'idempotency_mismatch');
  expect(await change('/v1/donations', big), 413, 'payload_too_large');

  // Offers: the catalog carries them; the flash sale has not started.
  const cat = expect(await request('GET', '/v1/catalog'), 200).json;
  const flash = cat.items.find((it) => it.id === 'F001');
  if (flash?.offer_kind !== 'flash' || flash.flash_stock !== 5) fail(`flash item: ${JSON.stringify(flash)}`);
  expect(await change('/v1/redemptions', { member_id: 'M100004', item_id: 'F001' }), 409, 'item_unavailable');
  const cheap = expect(await change('/v1/redemptions', { member_id: 'M100004', item_id: 'P001' }), 201).json;
  if (cheap.points_charged !== 200) fail(`P001 on offer charged ${cheap.points_charged}, not 200`);

  // Recommendations, leaderboard, campaigns.
  expect(await request('GET', '/v1/members/M100003/recommendations'), 200);
  expect(await request('GET', '/v1/members/M100003/recommendations?limit=2'), 200);
  expect(await request('GET', '/v1/members/M100003/recommendations?limit=99'), 400, 'invalid_request');
  expect(await request('GET', '/v1/members/M000000/recommendations'), 404, 'not_found');
  const board = expect(await request('GET', '/v1/leaderboard'), 200).json;
  if (board.entries.some((e) => e.name_masked === '李*')) fail('leaderboard shows a member who did not opt in');
  expect(await request('GET', '/v1/leaderboard?limit=0'), 400, 'invalid_request');
  const camp = expect(await request('GET', '/v1/campaigns'), 200).json;
  if (!camp.campaigns.some((c) => c.active && c.kind === 'double_points')) fail('no running double-points campaign');
}
