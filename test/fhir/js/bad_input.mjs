// Bad input through HTTP: each case must be refused with a 4xx OperationOutcome whose first issue
// names the element at fault (exactly), and nothing may be stored: at the end, searches and reads
// show only what the good writes of the setup made. Resources start from what the server itself
// serves, each broken in one place.
import { check, fhir, login } from './lib.mjs';

const token = await login('demo');
const tinh = await login('tinh');
const COMMUNE = '03390';
const tag = Array.from({ length: 8 }, () => 'bcdfghklmnpqrstvx'[Math.floor(Math.random() * 17)]).join('');
const marker = tag[0].toUpperCase() + tag.slice(1);
const strip = (r) => {
  const { id, meta, ...rest } = r;
  return rest;
};
async function get(path, who = token) {
  const r = await fhir(who, 'GET', path);
  check(r.status === 200, `GET ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}
// The first resource a search finds that `pred` accepts, following `next` links (a page of a
// part type such as Procedure holds the parts of _count records, which may be none).
async function one(path, pred = () => true) {
  for (let url = path; url; ) {
    const b = await get(url);
    const hit = (b.entry || []).map((e) => e.resource).find(pred);
    if (hit) return hit;
    url = (b.link || []).find((l) => l.relation === 'next')?.url;
  }
  throw new Error(`nothing found by ${path}`);
}

// Setup, through good writes: a child of our own, at version 2 (so that version 1 is stale).
const child = await one('/Patient?birthdate=ge2020-01-01&_count=1');
const patient = strip(child);
patient.identifier = (patient.identifier || []).filter((i) => !i.system?.endsWith('/sid/cccd') && !i.system?.endsWith('/sid/record-id'));
if (!patient.identifier.length) delete patient.identifier;
patient.name = [{ family: 'Lò', given: ['Thị', marker] }];
const made = await fhir(token, 'POST', '/Patient', { body: patient });
check(made.status === 201, `creating the test's Patient: HTTP ${made.status} ${made.text.slice(0, 500)}`);
const pid = made.body.id;
const v2 = await fhir(token, 'PUT', `/Patient/${pid}`, { body: { ...patient, id: pid, name: [{ family: 'Lò', given: ['Văn', marker] }] }, headers: { 'If-Match': 'W/"1"' } });
check(v2.status === 200 && v2.body.meta.versionId === '2', `updating the test's Patient: HTTP ${v2.status} ${v2.text.slice(0, 300)}`);

const immunization = strip(await one('/Immunization?_count=1'));
immunization.patient = { reference: `Patient/${pid}` };
immunization.occurrenceDateTime = new Date().toISOString().slice(0, 10);
// A body weight (LOINC 29463-7) measured at a visit; Observation is not searched by code.
const weight = await one('/Observation?_count=100', (o) => o.encounter && o.code?.coding?.some((c) => c.system === 'http://loinc.org' && c.code === '29463-7'));
const encounter = await get(`/${weight.encounter.reference}`);
const procedure = await one('/Procedure?_count=100');
// A Patient of another commune of the province, seen by the province officer.
const others = await get('/Patient?_count=50', tinh);
const foreign = others.entry.map((e) => e.resource).find((p) => p.managingOrganization?.identifier?.value !== COMMUNE);
check(foreign, 'no Patient outside the demo commune in the province');
const orgRef = (code) => ({ identifier: { system: 'https://under5.vn/fhir/sid/orgunit', value: code } });

const without = (r, k) => {
  const c = structuredClone(r);
  delete c[k];
  return c;
};
const withValue = (obs, q) => ({ ...weight, valueQuantity: { ...weight.valueQuantity, ...q } });
const P = (over) => ({ ...structuredClone(patient), ...over });
const I = (over) => ({ ...structuredClone(immunization), ...over });
const goodEntry = { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: P({ name: [{ family: 'Lò', given: ['Văn', `${marker}t`] }] }), request: { method: 'POST', url: 'Patient' } };

// [name, method, path, body, expected status (a list: any of), expected expression (an element, or
// the request's part at fault: body, header; null: no route serves the URL), headers]
// 422: the body parses, but is not a resource under5 accepts (FHIR http.html#2.21.0.9 "Unprocessable").
const BAD = [422];
const cases = [
  ['wrong resourceType in the body', 'POST', '/Patient', P({ resourceType: 'Observation' }), BAD, 'Patient.resourceType'],
  ['unknown element', 'POST', '/Patient', P({ photo: [{ contentType: 'image/png', data: 'AAAA' }] }), BAD, 'Patient.photo'],
  ['element of no FHIR resource', 'POST', '/Patient', P({ foo: 1 }), BAD, 'Patient.foo'],
  ['bad date', 'POST', '/Patient', P({ birthDate: '2020-13-45' }), BAD, 'Patient.birthDate'],
  ['birth date in the future', 'POST', '/Patient', P({ birthDate: '2999-01-01' }), BAD, 'Patient.birthDate'],
  ['birth date before 1940', 'POST', '/Patient', P({ birthDate: '1900-01-01' }), BAD, 'Patient.birthDate'],
  ['missing birth date', 'POST', '/Patient', without(patient, 'birthDate'), BAD, 'Patient.birthDate'],
  ['missing name', 'POST', '/Patient', without(patient, 'name'), BAD, 'Patient.name'],
  ['gender not in its value set', 'POST', '/Patient', P({ gender: 'x' }), BAD, 'Patient.gender'],
  ['missing gender', 'POST', '/Patient', without(patient, 'gender'), BAD, 'Patient.gender'],
  ['missing org unit', 'POST', '/Patient', without(patient, 'managingOrganization'), BAD, 'Patient.managingOrganization'],
  ['org unit that does not exist', 'POST', '/Patient', P({ managingOrganization: orgRef('99999') }), BAD, 'Patient.managingOrganization'],
  ['a Patient of another commune (scope)', 'POST', '/Patient', P({ managingOrganization: orgRef(foreign.managingOrganization.identifier.value) }), [403], 'Patient.managingOrganization'],
  ['citizen id not 12 digits', 'POST', '/Patient', P({ identifier: [{ system: 'https://under5.vn/fhir/sid/cccd', value: '12ab' }] }), BAD, 'Patient.identifier'],
  ['ethnicity extension of the wrong type', 'POST', '/Patient', P({ extension: [{ url: 'https://under5.vn/fhir/StructureDefinition/ethnicity', valueBoolean: true }] }), BAD, 'Patient.extension:ethnicity'],
  ['reference to a Patient that does not exist', 'POST', '/Immunization', I({ patient: { reference: `Patient/${crypto.randomUUID()}` } }), BAD, 'Immunization.patient'],
  ['reference of the wrong type', 'POST', '/Immunization', I({ patient: { reference: `Encounter/${encounter.id}` } }), BAD, 'Immunization.patient'],
  ['malformed reference', 'POST', '/Immunization', I({ patient: { reference: 'Patient' } }), BAD, 'Immunization.patient'],
  ['reference to a Patient of another commune', 'POST', '/Immunization', I({ patient: { reference: `Patient/${foreign.id}` } }), [422], 'Immunization.patient'],
  ['wrong code system', 'POST', '/Immunization', I({ vaccineCode: { coding: [{ system: 'http://example.org/vaccines', code: 'BCG' }] } }), BAD, 'Immunization.vaccineCode.coding'],
  ['vaccination before birth', 'POST', '/Immunization', I({ occurrenceDateTime: '1990-01-01' }), BAD, 'Immunization.occurrenceDateTime'],
  ['missing occurrence', 'POST', '/Immunization', without(immunization, 'occurrenceDateTime'), BAD, 'Immunization.occurrenceDateTime'],
  ['status not in its value set', 'POST', '/Immunization', I({ status: 'done' }), BAD, 'Immunization.status'],
  ['weight out of range', 'PUT', `/Observation/${weight.id}`, withValue(weight, { value: 500 }), BAD, 'Observation.valueQuantity.value'],
  ['weight as a string', 'PUT', `/Observation/${weight.id}`, withValue(weight, { value: '12' }), BAD, 'Observation.valueQuantity.value'],
  ['weight in another unit', 'PUT', `/Observation/${weight.id}`, withValue(weight, { unit: 'lb', code: '[lb_av]' }), BAD, 'Observation.valueQuantity.code'],
  // Without `encounter` an Observation is read as a primary one (a death or a stillbirth), and a weight is neither.
  ['a weight without its visit', 'POST', '/Observation', without(strip(weight), 'encounter'), BAD, 'Observation.code'],
  ['newborn care without its visit', 'POST', '/Procedure', without(strip(procedure), 'encounter'), BAD, 'Procedure.encounter'],
  ['Encounter class not in its value set', 'PUT', `/Encounter/${encounter.id}`, { ...encounter, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'XYZ' } }, BAD, 'Encounter.class'],
  ['missing Encounter status', 'PUT', `/Encounter/${encounter.id}`, without(encounter, 'status'), BAD, 'Encounter.status'],
  ['id in the body not the URL\'s', 'PUT', `/Patient/${pid}`, P({ id: crypto.randomUUID() }), BAD, 'Patient.id'],
  ['stale If-Match on update', 'PUT', `/Patient/${pid}`, P({ id: pid, gender: patient.gender === 'male' ? 'female' : 'male' }), [412], 'If-Match', { 'If-Match': 'W/"1"' }],
  ['stale If-Match on delete', 'DELETE', `/Patient/${pid}?reason=test`, undefined, [412], 'If-Match', { 'If-Match': 'W/"1"' }],
  ['update of a Patient of another commune', 'PUT', `/Patient/${foreign.id}`, { ...foreign, meta: undefined }, [404], 'Patient.id'],
  ['invalid JSON', 'POST', '/Patient', '{"resourceType": "Patient",', [400], 'body'],
  ['a JSON array, not a resource', 'POST', '/Patient', '[]', [400], 'body'],
  ['wrong content type', 'POST', '/Patient', JSON.stringify(patient), [415], 'Content-Type', { 'Content-Type': 'text/plain' }],
  ['resource type under5 does not serve', 'POST', '/Medication', { resourceType: 'Medication', status: 'active' }, [404], null],
  ['Bundle of a type not processed', 'POST', '', { resourceType: 'Bundle', type: 'collection', entry: [goodEntry] }, BAD, 'Bundle.type'],
  // In a Bundle the entry's path goes before the resource's own (docs/fhir.md, Bundles).
  ['transaction with one bad entry', 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: [goodEntry, { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: P({ birthDate: '2020-02-30' }), request: { method: 'POST', url: 'Patient' } }] }, BAD, 'Bundle.entry[1].resource.birthDate'],
  ['transaction with a Patient of another commune', 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: [goodEntry, { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: P({ managingOrganization: orgRef(foreign.managingOrganization.identifier.value) }), request: { method: 'POST', url: 'Patient' } }] }, [403], 'Bundle.entry[1].resource.managingOrganization'],
  ['search by a parameter not supported', 'GET', '/Observation?code=http://loinc.org|29463-7', undefined, BAD, 'code'],
  ['search by a date that is none', 'GET', '/Patient?birthdate=ge2020-02-30', undefined, BAD, 'birthdate'],
];

const failures = [];
for (const [name, method, path, body, statuses, expr, headers] of cases) {
  const r = await fhir(token, method, path, { body, headers });
  const issue = r.body?.issue?.[0];
  const got = `HTTP ${r.status} ${issue?.code ?? ''} ${JSON.stringify(issue?.expression ?? null)}`;
  const problems = [];
  if (!statuses.includes(r.status)) problems.push(`status ${r.status}, expected ${statuses.join(' or ')}`);
  if (r.body?.resourceType !== 'OperationOutcome') problems.push(`no OperationOutcome: ${r.text.slice(0, 200)}`);
  else if (issue?.severity !== 'error' || !issue?.code || !issue?.diagnostics) problems.push(`issue ${JSON.stringify(issue)}`);
  else if (expr && !(issue.expression?.length === 1 && issue.expression[0] === expr)) problems.push(`expression ${JSON.stringify(issue.expression)}, expected ["${expr}"] (${issue.diagnostics})`);
  if (!(r.headers.get('content-type') || '').startsWith('application/fhir+json')) problems.push(`content type ${r.headers.get('content-type')}`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}: ${got}${problems.length ? ` — ${problems.join('; ')}` : ''}`);
  if (problems.length) failures.push(name);
}

// Nothing stored: only the setup's Patient bears the marker, it is still at version 2 and has no
// Immunization; the measure and the visit are as they were.
const named = await get(`/Patient?name=${tag}`);
const namedIds = (named.entry || []).map((e) => e.resource.id);
if (!(namedIds.length === 1 && namedIds[0] === pid)) failures.push(`stored: Patients named ${tag}: ${namedIds.join(' ')}`);
const now = await get(`/Patient/${pid}`);
if (now.meta.versionId !== '2' || now.gender !== patient.gender) failures.push(`stored: Patient/${pid} is at version ${now.meta.versionId}`);
const imms = await get(`/Immunization?patient=${pid}`);
if ((imms.entry || []).length) failures.push(`stored: ${imms.entry.length} Immunizations of Patient/${pid}`);
for (const r of [weight, encounter]) {
  const again = await get(`/${r.resourceType}/${r.id}`);
  if (again.meta.versionId !== r.meta.versionId) failures.push(`stored: ${r.resourceType}/${r.id} went from version ${r.meta.versionId} to ${again.meta.versionId}`);
}
check(failures.length === 0, `bad input: ${failures.length} failures: ${failures.join('; ')}`);
console.log(`bad_input: ${cases.length} bad requests refused with the element named; nothing stored`);
