// The printer benchmark's side-by-side: times N conversions of one
// ReceiptLine document (written by bench_print from the same slip blocks
// our text and raster modes print) to GB18030 ESC/POS, in this process
// after a warm-up, and prints one line bench_print relays:
//   receiptline <ms per voucher> <bytes>
// usage: node bench_print_receiptline.js DOC.txt CPL N
'use strict';
const fs = require('fs');
let receiptline;
try {
  receiptline = require('receiptline');
} catch (e) {
  console.log('receiptline not installed: run npm install in tests/bench');
  process.exit(0);
}
const [doc, cpl, n] = [fs.readFileSync(process.argv[2], 'utf8'), +process.argv[3], +process.argv[4] || 200];
const printer = { cpl, encoding: 'gb18030', command: 'escpos', cutting: true };
let out = '';
for (let i = 0; i < 20; i++) out = receiptline.transform(doc, printer);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) out = receiptline.transform(doc, printer);
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
// escpos output is a binary string: one char per byte
for (let i = 0; i < out.length; i++) {
  if (out.charCodeAt(i) > 255) {
    console.log('receiptline output is not a byte string');
    process.exit(0);
  }
}
if (process.argv[5]) fs.writeFileSync(process.argv[5], Buffer.from(out, 'latin1'));
console.log(`receiptline ${ms.toFixed(3)} ${out.length}`);
