// The validators themselves (validators.mjs), without a server: a valid resource passes all three
// checks and each deliberately broken one is caught, so that validate.mjs's "zero errors" means
// something. Each row: what is broken, the resource, which checks must catch it.
import { allErrors, fhirjsErrors, jsonRuleErrors, medplumErrors } from './validators.mjs';
import { check } from './lib.mjs';

const patient = {
  resourceType: 'Patient',
  id: '0b6c43a4-8a54-4b59-9a3e-0d4e3b1e2c11',
  meta: { versionId: '1', lastUpdated: '2021-01-04T03:01:00+07:00' },
  identifier: [{ system: 'https://under5.vn/fhir/sid/cccd', value: '012345678901' }],
  name: [{ family: 'Lò', given: ['Thị', 'Lan'] }],
  gender: 'female',
  birthDate: '2021-01-04',
  managingOrganization: { identifier: { system: 'https://under5.vn/fhir/sid/orgunit', value: '03390' }, display: 'Xã Bình Lư' },
};
const weight = {
  resourceType: 'Observation',
  id: '0b6c43a4-8a54-4b59-9a3e-0d4e3b1e2c12-weight',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
  subject: { reference: `Patient/${patient.id}` },
  encounter: { reference: 'Encounter/0b6c43a4-8a54-4b59-9a3e-0d4e3b1e2c12' },
  effectiveDateTime: '2021-01-04T03:01:00+07:00',
  valueQuantity: { value: 3.2, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
};
const immunization = {
  resourceType: 'Immunization',
  status: 'completed',
  vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '19' }] },
  patient: { reference: `Patient/${patient.id}` },
  occurrenceDateTime: '2021-01-05',
  protocolApplied: [{ doseNumberPositiveInt: 1 }],
};

for (const r of [patient, weight, immunization]) check(allErrors(r).length === 0, `valid ${r.resourceType} refused: ${allErrors(r).join('; ')}`);

const M = medplumErrors, F = fhirjsErrors, J = (r) => jsonRuleErrors(r, r.resourceType);
const broken = [
  ['unknown element', { ...patient, photograph: 'x' }, [M, F]],
  ['birthDate not a date', { ...patient, birthDate: '2021-13-45' }, [M]],
  ['dateTime without seconds', { ...weight, effectiveDateTime: '2021-01-04T03:01+07:00' }, [M]],
  ['gender not in its required value set', { ...patient, gender: 'x' }, [F]],
  ['Observation without status', { ...weight, status: undefined }, [M, F]],
  ['decimal as a string', { ...weight, valueQuantity: { ...weight.valueQuantity, value: '3.2' } }, [M, F]],
  ['dose number 0', { ...immunization, protocolApplied: [{ doseNumberPositiveInt: 0 }] }, [M, F]],
  ['Immunization without patient', { ...immunization, patient: undefined }, [M, F]],
  ['id longer than 64 characters', { ...patient, id: 'x'.repeat(65) }, [J]],
  ['empty array', { ...patient, name: [] }, [J]],
  ['empty string', { ...patient, name: [{ family: '' }] }, [J]],
  ['body weight without the vital-signs category', { ...weight, category: undefined }, [M]],
  ['body weight without a value or a reason for none', { ...weight, valueQuantity: undefined }, [M]],
  ['extension with neither value nor extensions', { ...patient, extension: [{ url: 'https://under5.vn/fhir/StructureDefinition/ethnicity' }] }, [M]],
];
for (const [what, resource, checkers] of broken) {
  const r = JSON.parse(JSON.stringify(resource)); // drops the undefined elements
  for (const c of checkers) check(c(r).length > 0, `${c === M ? 'medplum' : c === F ? 'fhir.js' : 'json rules'} let through: ${what}`);
  console.log(`caught: ${what}: ${allErrors(r)[0]}`);
}
console.log(`validators: ${broken.length} broken resources caught, 3 valid ones passed`);
