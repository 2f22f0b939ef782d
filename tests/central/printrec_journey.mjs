// Print records (issue 4) for central_responses_match_spec: a voucher the
// journey redeems is reported printed, replayed under the same key (the same
// record), reported failed with the printer's reason, and refused when the
// code is unknown or a field is wrong; every answer goes through the same
// spec check as the rest of the journey. (voucher_other_kiosk needs a second
// kiosk: central_e2e_printrec covers it.)
export const PRINTREC_CODES = ['voucher_not_found'];

export async function printrecJourney({ change, expect, fail }) {
  const now = Math.floor(Date.now() / 1000);
  const v = expect(await change('/v1/redemptions', { member_id: 'M100003', item_id: 'G002', quantity: 1 }), 201).json;
  const code = v?.voucher?.code;
  if (!code) return fail(`no voucher to report: ${JSON.stringify(v)}`);
  const post = (body, o) => change('/v1/kiosk/print-records', body, o);
  const key = `printrec-${now}`;
  const first = expect(await post({ voucher_code: code, outcome: 'printed', reprint: false, printed_at: now }, { idem: key }), 201);
  const again = expect(await post({ voucher_code: code, outcome: 'printed', reprint: false, printed_at: now }, { idem: key }), 201);
  if (first.raw.toString() !== again.raw.toString()) fail('replayed print record differs');
  const f = expect(await post({ voucher_code: code, outcome: 'failed', reprint: true, reason: 'paper_out', printed_at: now }), 201).json;
  if (f?.reason !== 'paper_out' || f?.reprint !== true) fail(`failed print record: ${JSON.stringify(f)}`);
  expect(await post({ voucher_code: code, outcome: 'printed', printed_at: now }, { idem: key }), 422, 'idempotency_mismatch');
  expect(await post({ voucher_code: 'KV1.V000000000000.G002.M100003.1.x', outcome: 'printed', printed_at: now }),
    404, 'voucher_not_found');
  expect(await post({ voucher_code: code, outcome: 'smudged', printed_at: now }), 400, 'invalid_request');
}
