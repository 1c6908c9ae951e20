// fhir-kit-client (npm) drives under5's FHIR API end to end as the commune worker `demo`: the
// CapabilityStatement, create, read, search with paging, update with a version conflict (412), a
// transaction Bundle and Patient/$everything; then the JSON API's audit trail must show them. The
// session goes as a bearer token.
import Client from 'fhir-kit-client';
import { BASE, check, FHIR, login } from './lib.mjs';

const token = await login('demo');
const client = new Client({ baseUrl: FHIR, customHeaders: { Authorization: `Bearer ${token}` } });
const results = [];
async function step(name, f) {
  const t0 = Date.now();
  await f();
  results.push(`${name}: ok (${Date.now() - t0} ms)`);
}
// The HTTP status of a call fhir-kit-client rejects, with its OperationOutcome.
async function failing(promise) {
  try {
    await promise;
  } catch (e) {
    if (e.response) return e.response;
    throw e;
  }
  throw new Error('the call succeeded');
}
// A name the demo data cannot hold, letters only (the registry's name rule), for searching back.
const tag = Array.from({ length: 8 }, () => 'bcdfghklmnpqrstvx'[Math.floor(Math.random() * 17)]).join('');
const marker = tag[0].toUpperCase() + tag.slice(1);
const strip = (r) => {
  const { id, meta, ...rest } = r;
  return rest;
};

await step('capability statement', async () => {
  const cs = await client.capabilityStatement();
  check(cs.resourceType === 'CapabilityStatement' && cs.fhirVersion === '4.0.1', `metadata: ${JSON.stringify(cs).slice(0, 300)}`);
  const types = cs.rest[0].resource.map((r) => r.type);
  for (const t of ['Patient', 'Encounter', 'Observation', 'Immunization']) check(types.includes(t), `CapabilityStatement lacks ${t}`);
});

// A child of the commune as the template of new resources: what the server writes, it reads back.
const first = await client.search({ resourceType: 'Patient', searchParams: { _count: 1, birthdate: 'ge2020-01-01' } });
check(first.entry?.length === 1, `no child Patient to start from: ${JSON.stringify(first).slice(0, 300)}`);
const template = strip(first.entry[0].resource);
template.identifier = (template.identifier || []).filter((i) => !i.system?.endsWith('/sid/cccd') && !i.system?.endsWith('/sid/record-id'));
if (!template.identifier.length) delete template.identifier;
template.name = [{ family: 'Lò', given: ['Thị', marker] }];

let created;
await step('create', async () => {
  created = await client.create({ resourceType: 'Patient', body: template });
  check(created.resourceType === 'Patient' && created.id, `create answered ${JSON.stringify(created).slice(0, 300)}`);
  check(created.meta?.versionId === '1', `a new Patient has versionId ${created.meta?.versionId}`);
});

await step('read', async () => {
  const r = await client.read({ resourceType: 'Patient', id: created.id });
  check(r.id === created.id && r.name[0].given.includes(marker), `read back ${JSON.stringify(r.name)}`);
  check(r.birthDate === template.birthDate && r.gender === template.gender, 'read back another birthDate or gender');
});

await step('search by name, accent-insensitive', async () => {
  const b = await client.search({ resourceType: 'Patient', searchParams: { name: `lo thi ${tag}` } });
  const ids = (b.entry || []).map((e) => e.resource.id);
  check(ids.length === 1 && ids[0] === created.id, `name=lo thi ${tag} found ${JSON.stringify(ids)}`);
});

await step('search with paging', async () => {
  const seen = new Set();
  let page = await client.search({ resourceType: 'Patient', searchParams: { _count: 7 } });
  const total = page.total;
  check(Number.isInteger(total) && total > 14, `Patient search total ${total}: too few to page`);
  let pages = 0;
  while (page) {
    pages++;
    check(page.type === 'searchset', `a page of type ${page.type}`);
    check((page.entry || []).length <= 7, `a page of ${page.entry.length} entries with _count=7`);
    for (const e of page.entry || []) {
      check(!seen.has(e.resource.id), `Patient/${e.resource.id} on two pages`);
      check(e.search?.mode === 'match' && e.fullUrl?.endsWith(`/Patient/${e.resource.id}`), `entry ${e.fullUrl} mode ${e.search?.mode}`);
      seen.add(e.resource.id);
    }
    page = await client.nextPage({ bundle: page });
  }
  check(seen.size === total, `paging gave ${seen.size} Patients, total says ${total}`);
  check(seen.has(created.id), 'the new Patient is not on any page');
  check(pages === Math.ceil(total / 7), `${pages} pages for ${total} at 7 a page`);
});

await step('update, then a stale version → 412', async () => {
  const body = { ...template, id: created.id, name: [{ family: 'Lò', given: ['Văn', marker] }] };
  const updated = await client.update({ resourceType: 'Patient', id: created.id, body, options: { headers: { 'If-Match': 'W/"1"' } } });
  check(updated.meta?.versionId === '2' && updated.name[0].given[0] === 'Văn', `update answered ${JSON.stringify(updated).slice(0, 300)}`);
  const stale = await failing(client.update({ resourceType: 'Patient', id: created.id, body: { ...body, gender: body.gender === 'male' ? 'female' : 'male' }, options: { headers: { 'If-Match': 'W/"1"' } } }));
  check(stale.status === 412, `a stale If-Match answered HTTP ${stale.status}`);
  check(stale.data?.resourceType === 'OperationOutcome', `412 without OperationOutcome: ${JSON.stringify(stale.data)}`);
  const now = await client.read({ resourceType: 'Patient', id: created.id });
  check(now.meta.versionId === '2' && now.gender === body.gender, 'the refused update changed the Patient');
  const v1 = await client.vread({ resourceType: 'Patient', id: created.id, version: '1' });
  check(v1.name[0].given[0] === 'Thị', `vread of version 1 gives ${JSON.stringify(v1.name)}`);
});

let bundleIds;
await step('transaction Bundle', async () => {
  // A mother and her child's vaccination written together; the vaccination refers to the child by
  // the new Patient's urn:uuid, which the server resolves.
  const imm = await client.search({ resourceType: 'Immunization', searchParams: { _count: 1 } });
  check(imm.entry?.length === 1, 'no Immunization to start from');
  const immunization = strip(imm.entry[0].resource);
  const childUrn = `urn:uuid:${crypto.randomUUID()}`;
  immunization.patient = { reference: childUrn };
  immunization.occurrenceDateTime = new Date().toISOString().slice(0, 10);
  delete immunization.occurrenceString;
  const child = { ...template, name: [{ family: 'Lò', given: ['Văn', `${marker}b`] }] };
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: childUrn, resource: child, request: { method: 'POST', url: 'Patient' } },
      { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: immunization, request: { method: 'POST', url: 'Immunization' } },
    ],
  };
  const resp = await client.transaction({ body: bundle });
  check(resp.resourceType === 'Bundle' && resp.type === 'transaction-response', `transaction answered ${JSON.stringify(resp).slice(0, 300)}`);
  check(resp.entry.length === 2 && resp.entry.every((e) => e.response?.status?.startsWith('201')), `entries: ${JSON.stringify(resp.entry.map((e) => e.response))}`);
  // location: "Patient/<id>/_history/1" (possibly absolute)
  bundleIds = resp.entry.map((e) => (e.response.location.match(/(\w+)\/([^/]+)\/_history\/\d+$/) || []).slice(1, 3));
  const [[pt, pid], [it, iid]] = bundleIds;
  check(pt === 'Patient' && it === 'Immunization', `locations ${JSON.stringify(resp.entry.map((e) => e.response.location))}`);
  const readImm = await client.read({ resourceType: 'Immunization', id: iid });
  check(readImm.patient.reference === `Patient/${pid}`, `the new Immunization refers to ${readImm.patient.reference}, not Patient/${pid}`);
});

await step('Patient/$everything', async () => {
  const [[, pid], [, iid]] = bundleIds;
  const b = await client.operation({ name: '$everything', resourceType: 'Patient', id: pid, method: 'GET' });
  check(b.resourceType === 'Bundle' && b.type === 'searchset', `$everything answered ${JSON.stringify(b).slice(0, 300)}`);
  const refs = new Set((b.entry || []).map((e) => `${e.resource.resourceType}/${e.resource.id}`));
  check(refs.has(`Patient/${pid}`) && refs.has(`Immunization/${iid}`), `$everything of the new child: ${[...refs].join(' ')}`);
  // An older child of the demo: everything the searches find of it, $everything has too.
  const older = first.entry[0].resource.id;
  const all = await client.operation({ name: '$everything', resourceType: 'Patient', id: older, method: 'GET' });
  const got = new Set((all.entry || []).map((e) => `${e.resource.resourceType}/${e.resource.id}`));
  for (const type of ['Immunization', 'Encounter']) {
    const s = await client.search({ resourceType: type, searchParams: { patient: older, _count: 1000 } });
    for (const e of s.entry || []) check(got.has(`${type}/${e.resource.id}`), `$everything of Patient/${older} lacks ${type}/${e.resource.id}`);
  }
  check(got.size > 1, `$everything of Patient/${older} has only ${[...got].join(' ')}`);
});

await step('the same audit trail as the JSON API', async () => {
  // As the province officer (audit.read): who wrote and read the Patient created above, through
  // GET /api/v1/audit, the JSON API's own trail.
  const tinh = await login('tinh');
  const r = await fetch(`${BASE}/api/v1/audit?record=${created.id}&limit=1000`, { headers: { Authorization: `Bearer ${tinh}` } });
  const text = await r.text();
  check(r.status === 200, `GET /api/v1/audit: HTTP ${r.status} ${text.slice(0, 300)}`);
  const mine = JSON.parse(text).items.filter((e) => e.username === 'demo' && e.record_id === created.id);
  const count = (a) => mine.filter((e) => e.action === a).length;
  check(count('create') === 1, `create entries of Patient/${created.id}: ${count('create')}`);
  // One update: the refused one (stale If-Match) changed nothing, so it leaves no update entry.
  check(count('update') === 1, `update entries of Patient/${created.id}: ${count('update')}`);
  check(count('read') >= 2, `read entries of Patient/${created.id} (read, vread): ${count('read')}`);
});

for (const r of results) console.log(r);
console.log('client: fhir-kit-client create, read, search, paging, 412, transaction and $everything all passed');
