// Shared by the FHIR checks (test/fhir/js/*.mjs, each started by run.sh against its own server and
// demo database): failing loudly, logging in, FHIR requests, $export of an org unit.
export const BASE = process.env.BASE_URL;
export const FHIR = `${BASE}/fhir`;
export const FHIR_JSON = 'application/fhir+json';

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// A session token of a demo account (the password every demo account has).
export async function login(username) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo-u5-2030' }),
  });
  const text = await r.text();
  check(r.status === 200, `login ${username}: HTTP ${r.status} ${text}`);
  return JSON.parse(text).token;
}

// One FHIR request with a bearer session: {status, headers, body (parsed when JSON), text}.
export async function fhir(token, method, path, { body, headers = {} } = {}) {
  const h = { Accept: FHIR_JSON, ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = FHIR_JSON;
  const url = path.startsWith('http') ? path : `${FHIR}${path}`;
  const r = await fetch(url, { method, headers: h, body: payload });
  const text = await r.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

// Every resource of a search, following the Bundle's `next` links.
export async function searchAll(token, path) {
  const out = [];
  let url = path;
  for (let pages = 0; url; pages++) {
    check(pages < 10000, `search ${path}: more than 10000 pages`);
    const r = await fhir(token, 'GET', url);
    check(r.status === 200, `GET ${url}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
    for (const e of r.body.entry || []) out.push(e.resource);
    url = (r.body.link || []).find((l) => l.relation === 'next')?.url;
  }
  return out;
}

// FHIR Bulk Data export of one org unit (Group/<orgunit>/$export): kick-off with Prefer:
// respond-async, poll the status URL until the manifest, then every NDJSON file of its output.
export async function bulkExport(token, orgunit) {
  const kick = await fhir(token, 'GET', `/Group/${encodeURIComponent(orgunit)}/$export`, { headers: { Prefer: 'respond-async' } });
  let manifest;
  if (kick.status === 200) {
    manifest = kick.body;
  } else {
    check(kick.status === 202, `$export kick-off: HTTP ${kick.status} ${kick.text.slice(0, 500)}`);
    const status = kick.headers.get('content-location');
    check(status, '$export kick-off: 202 without Content-Location');
    for (let i = 0; ; i++) {
      check(i < 600, '$export: no manifest after 5 minutes');
      const r = await fhir(token, 'GET', status, { headers: { Accept: 'application/json' } });
      if (r.status === 200) {
        manifest = r.body;
        break;
      }
      check(r.status === 202, `$export status: HTTP ${r.status} ${r.text.slice(0, 500)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
  }
  check(Array.isArray(manifest?.output), `$export manifest without output: ${JSON.stringify(manifest).slice(0, 500)}`);
  check(!(manifest.error || []).length, `$export manifest lists errors: ${JSON.stringify(manifest.error)}`);
  const resources = [];
  for (const o of manifest.output) {
    const r = await fhir(manifest.requiresAccessToken === false ? null : token, 'GET', o.url, { headers: { Accept: 'application/fhir+ndjson' } });
    check(r.status === 200, `$export file ${o.url}: HTTP ${r.status}`);
    const lines = r.text.split('\n').filter((l) => l.trim());
    for (const l of lines) {
      const res = JSON.parse(l);
      check(res.resourceType === o.type, `${o.url}: a ${res.resourceType} in the file of ${o.type}`);
      resources.push(res);
    }
    if (o.count !== undefined) check(o.count === lines.length, `${o.url}: manifest count ${o.count}, file has ${lines.length}`);
  }
  return resources;
}

export function countByType(resources) {
  const n = {};
  for (const r of resources) n[r.resourceType] = (n[r.resourceType] || 0) + 1;
  return Object.fromEntries(Object.entries(n).sort());
}
