// Every resource of a Bulk Data $export, and the Measures and MeasureReports, validated by two
// offline validators from npm (validators.mjs): zero errors required. Exports ORGUNITS, user:orgunit
// pairs (default "demo:03390,tinh:12": the demo commune as its commune worker, then the whole demo
// province as its officer). First proves the validators are awake: a broken copy of the first
// exported resource must fail both.
import { allErrors, fhirjsErrors, medplumErrors } from './validators.mjs';
import { bulkExport, check, countByType, login, searchAll } from './lib.mjs';

const targets = (process.env.ORGUNITS || 'demo:03390,tinh:12').split(',').map((t) => t.split(':'));
const failures = [];
for (const [user, orgunit] of targets) {
  const t0 = Date.now();
  const token = await login(user);
  const resources = await bulkExport(token, orgunit);
  // Not in a $export (no person in them), but produced by the server all the same: the indicator
  // catalogue as Measures, and last year's values of the org unit as MeasureReports.
  const year = new Date().getFullYear() - 1;
  resources.push(...(await searchAll(token, '/Measure')), ...(await searchAll(token, `/MeasureReport?period=${year}&subject=${orgunit}`)));
  const t1 = Date.now();
  check(resources.length > 0, `$export of ${orgunit}: no resources`);
  console.log(`${orgunit} (${user}): ${resources.length} resources in ${t1 - t0} ms`, countByType(resources));

  const broken = structuredClone(resources[0]);
  broken.notAnElement = true;
  broken.meta = { ...broken.meta, lastUpdated: '2021-01-04T03:01+07:00' };
  check(medplumErrors(broken).length > 0, `medplum found nothing wrong in a broken ${broken.resourceType}`);
  check(fhirjsErrors(broken).length > 0, `fhir.js found nothing wrong in a broken ${broken.resourceType}`);

  // Distinct errors by type and message (ids differ), with a count and one example.
  const distinct = new Map();
  const ids = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  for (const r of resources) {
    const errs = allErrors(r);
    check(!ids.has(undefined), 'a resource without id');
    // A part names its primary resource; both come from the same record, so both are exported.
    const owner = r.resourceType === 'RelatedPerson' ? r.patient?.reference : ['Observation', 'Procedure', 'Condition'].includes(r.resourceType) ? r.encounter?.reference : undefined;
    if (owner && !ids.has(owner)) errs.push(`export ${r.resourceType}: its owner ${owner} is not in the export`);
    for (const e of errs) {
      const key = `${r.resourceType} ${e}`;
      const d = distinct.get(key) || { n: 0, example: `${r.resourceType}/${r.id}` };
      d.n++;
      distinct.set(key, d);
    }
  }
  console.log(`${orgunit}: validated in ${Date.now() - t1} ms, ${distinct.size} distinct errors`);
  for (const [key, d] of distinct) failures.push(`${orgunit}: ${key} (×${d.n}, e.g. ${d.example})`);
}
for (const f of failures.slice(0, 200)) console.error(f);
check(failures.length === 0, `${failures.length} distinct validation errors`);
console.log('validate: every resource valid under @medplum/core and fhir (FHIR.js)');
