// English mode must read as English: no en.json value may carry Vietnamese letters with diacritics
// (ă â đ ê ô ơ ư or a tone mark) unless it is listed below with the reason, and no source file may
// hold a Vietnamese literal outside the translation files. A string left untranslated fails here.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = process.argv[2];
const load = (l) => JSON.parse(readFileSync(join(web, 'src/i18n', l + '.json'), 'utf8'));
const flat = (o, p = '', out = new Map()) => {
  for (const [k, v] of Object.entries(o)) typeof v === 'object' ? flat(v, p + k + '.', out) : out.set(p + k, v);
  return out;
};
// Lower- and upper-case Vietnamese letters that English never uses.
const VIET = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
// Keys whose English text rightly contains Vietnamese: the switch back to Vietnamese is written in
// Vietnamese, and proper names (a decision's number, example names of people) keep their spelling.
const PROPER = new Map([
  ['nav.switch_language', 'the switch to Vietnamese is labelled in Vietnamese'],
  ['nav.other_language', 'the name of the other language, in that language'],
  ['app.footer', 'Decision 1493/QĐ-TTg is a document number'],
  ['search.hint', 'the example shows a name with and without diacritics'],
  ['hint.full_name', 'an example of a Vietnamese name'],
]);
// Words that are the same in both languages.
const SAME = new Set(['app.name', 'audit.type.vitamin_a']);
const en = flat(load('en'));
const vi = flat(load('vi'));
const problems = [];
for (const [k, v] of en) {
  if (VIET.test(v) && !PROPER.has(k)) problems.push(`en.json ${k} is still Vietnamese: "${v}"`);
  // Same text in both bundles is fine only for codes and units (no letter a-z of a word of 4 or more).
  if (vi.get(k) === v && /[a-zà-ỹ]{4,}/i.test(v) && !PROPER.has(k) && !SAME.has(k)) problems.push(`en.json ${k} equals the Vietnamese "${v}"`);
}
for (const k of PROPER.keys()) if (!en.has(k)) problems.push(`allow-list names a key en.json lacks: ${k}`);

const files = [];
const walk = (d) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.tsx?$/.test(f) && files.push(join(d, f))));
walk(join(web, 'src'));
for (const f of files) {
  readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may quote Vietnamese
    if (VIET.test(line)) problems.push(`${f}:${i + 1}: Vietnamese text in code (put it in i18n/vi.json): ${line.trim().slice(0, 80)}`);
  });
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`ok: ${en.size} English strings without Vietnamese (${PROPER.size} proper names allowed), ${files.length} source files without Vietnamese literals`);
