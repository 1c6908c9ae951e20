// Every literal translation key used in web/src exists in both vi.json and en.json, and both
// dictionaries have the same keys (English may leave proper names such as ethnic groups to Vietnamese).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = process.argv[2];
const load = (l) => JSON.parse(readFileSync(join(web, 'src/i18n', l + '.json'), 'utf8'));
const flat = (o, p = '', out = new Set()) => {
  for (const [k, v] of Object.entries(o)) typeof v === 'object' ? flat(v, p + k + '.', out) : out.add(p + k);
  return out;
};
const vi = flat(load('vi'));
const en = flat(load('en'));
const files = [];
const walk = (d) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.tsx?$/.test(f) && files.push(join(d, f))));
walk(join(web, 'src'));
const problems = [];
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(/\bt\('([a-z_0-9.]+)'/g)) {
    const key = m[1];
    if (key.endsWith('.')) {
      if (![...vi].some((k) => k.startsWith(key))) problems.push(`${f}: no key under ${key}`);
      continue;
    }
    if (!vi.has(key)) problems.push(`${f}: ${key} missing in vi.json`);
    if (!en.has(key)) problems.push(`${f}: ${key} missing in en.json`);
  }
}
const englishMayBorrow = (k) => k.startsWith('enum.ethnicity.');
for (const k of vi) if (!en.has(k) && !englishMayBorrow(k)) problems.push(`en.json lacks ${k}`);
for (const k of en) if (!vi.has(k)) problems.push(`vi.json lacks ${k}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`ok: ${vi.size} Vietnamese and ${en.size} English strings, ${files.length} source files`);
