// Sync pages compressed again at several brotli qualities (docs/performance.md "Sync pages"): the
// bytes and the CPU time a page of each. Usage: node bench/sync/brotli_quality.mjs DIR 4,6,9 [EVERY]
// DIR: pages as bench/sync/client.py --save DIR writes them; EVERY: every n-th page only.
import fs from 'node:fs';
import zlib from 'node:zlib';
const dir = process.argv[2]; const Q = process.argv[3].split(',').map(Number); const every = Number(process.argv[4] ?? 1);
const files = fs.readdirSync(dir).filter((_, i) => i % every === 0);
const tot = {};
let raw = 0;
for (const f of files) {
  const s = fs.readFileSync(dir + f); raw += s.length;
  for (const q of Q) {
    const c0 = process.cpuUsage();
    const b = zlib.brotliCompressSync(s, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_LGWIN]: 22 } });
    const c = process.cpuUsage(c0);
    const t = (tot[q] ??= { bytes: 0, cpu: 0 }); t.bytes += b.length; t.cpu += (c.user + c.system) / 1000;
  }
}
console.log(`${files.length} pages of ${dir}, ${(raw / 1e6).toFixed(1)} MB JSON`);
for (const q of Q) console.log(`q${q}: ${(tot[q].bytes / 1e6).toFixed(2)} MB (${(100 * tot[q].bytes / raw).toFixed(2)} %), CPU ${(tot[q].cpu / files.length).toFixed(0)} ms a page`);
