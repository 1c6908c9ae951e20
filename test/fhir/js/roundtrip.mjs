// Registry → FHIR → a fresh database → FHIR again gives the same resources, for a whole demo commune:
// `under5 fhir-export --bundle` of commune COMMUNE (03390) as a transaction Bundle, `under5 fhir-import`
// of it into a new database (its org units are loaded by the CLI as for every database it opens),
// the export again, and the two compared with ids and meta aside (canonical.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonical, difference } from './canonical.mjs';
import { check, countByType } from './lib.mjs';

const U5 = process.env.U5;
const TMP = process.env.U5_TMP;
const COMMUNE = process.env.COMMUNE || '03390';

function run(args) {
  const t0 = Date.now();
  execFileSync(U5, args, { stdio: ['ignore', 'inherit', 'pipe'], maxBuffer: 1 << 30 });
  return Date.now() - t0;
}
function exportBundle(db, out) {
  const ms = run(['fhir-export', '--db', db, '--orgunit', COMMUNE, '--bundle', out]);
  const bundle = JSON.parse(readFileSync(out, 'utf8'));
  check(bundle.resourceType === 'Bundle' && bundle.type === 'transaction', `${out}: not a transaction Bundle`);
  return { bundle, ms, resources: bundle.entry.map((e) => e.resource) };
}

const first = exportBundle(process.env.U5_DB, join(TMP, 'first.json'));
check(first.resources.length > 0, `commune ${COMMUNE} exported no resources`);
console.log(`export of ${COMMUNE}: ${first.resources.length} resources in ${first.ms} ms`, countByType(first.resources));

const fresh = join(TMP, 'fresh.db');
run(['migrate', '--db', fresh]);
const importMs = run(['fhir-import', '--db', fresh, join(TMP, 'first.json')]);
console.log(`import into a fresh database: ${importMs} ms`);

const second = exportBundle(fresh, join(TMP, 'second.json'));
console.log(`export again: ${second.resources.length} resources`, countByType(second.resources));

const { onlyA, onlyB } = difference(canonical(first.resources), canonical(second.resources));
for (const s of onlyA.slice(0, 5)) console.error(`only in the first export: ${s.slice(0, 1500)}`);
for (const s of onlyB.slice(0, 5)) console.error(`only in the second export: ${s.slice(0, 1500)}`);
check(onlyA.length === 0 && onlyB.length === 0, `${onlyA.length} resources only in the first export, ${onlyB.length} only in the second`);
console.log(`roundtrip: ${first.resources.length} resources equal after registry → FHIR → fresh database → FHIR`);
