// Resources compared "ids and meta aside": each resource is written without id and meta, and every
// reference to a resource of the same set by a label of what that resource says (its content, its
// references' labels in turn), so two exports whose records got other ids compare equal.
import { createHash } from 'node:crypto';

const ID_SYSTEM = 'https://under5.vn/fhir/sid/record-id';

function stable(v) {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

// `r` without id and meta, the record-id identifier's value (the record's id again) blanked and each
// reference `Type/id` replaced by label(`Type/id`).
function rewrite(v, label, top = true) {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, label, false));
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (top && (k === 'id' || k === 'meta')) continue;
    if (k === 'reference' && typeof x === 'string') out[k] = label(x);
    else if (k === 'value' && v.system === ID_SYSTEM) out[k] = '(record id)';
    else out[k] = rewrite(x, label, false);
  }
  return out;
}

// The resources as sorted canonical strings.
export function canonical(resources) {
  const byRef = new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  let labels = new Map([...byRef.keys()].map((k) => [k, 'x']));
  const hash = (s) => createHash('sha1').update(s).digest('hex').slice(0, 16);
  // References chain at most Observation → Encounter → Patient → mother; four rounds reach far enough.
  for (let round = 0; round < 4; round++) {
    const next = new Map();
    for (const [k, r] of byRef) next.set(k, hash(stable(rewrite(r, (ref) => (labels.has(ref) ? `${ref.split('/')[0]}#${labels.get(ref)}` : ref)))));
    labels = next;
  }
  return resources.map((r) => stable(rewrite(r, (ref) => (labels.has(ref) ? `${ref.split('/')[0]}#${labels.get(ref)}` : ref)))).sort();
}

// The differences of two canonical lists: what only `a` has and what only `b` has (as multisets).
export function difference(a, b) {
  const count = new Map();
  for (const s of a) count.set(s, (count.get(s) || 0) + 1);
  const onlyB = [];
  for (const s of b) {
    const n = count.get(s) || 0;
    if (n) count.set(s, n - 1);
    else onlyB.push(s);
  }
  const onlyA = [];
  for (const [s, n] of count) for (let i = 0; i < n; i++) onlyA.push(s);
  return { onlyA, onlyB };
}
