// Parses an ESC/POS stream with npos (not our code) and writes the raster it
// decodes as a PGM image. usage: node npos_raster.js STREAM.bin OUT.pgm
'use strict';
const fs = require('fs');
const npos = require('npos');
npos.parser().parse(fs.readFileSync(process.argv[2])).then((ast) => {
  if (ast.error) throw ast.error;
  const r = ast.entries.filter((e) => e.type === 'raster');
  if (r.length !== 1) throw new Error(`expected one raster entry, got ${r.length}`);
  const b = r[0].data;
  if (b._bytesPerPixel !== 1) throw new Error(`unexpected ${b._bytesPerPixel} bytes per pixel`);
  const head = Buffer.from(`P5\n${b._width} ${b._height}\n255\n`);
  fs.writeFileSync(process.argv[3], Buffer.concat([head, Buffer.from(b._data)]));
  console.log(`npos: ${ast.tree.length} commands, raster ${b._width}x${b._height}`);
}).catch((e) => { console.error(`npos: ${e.message}`); process.exit(1); });
