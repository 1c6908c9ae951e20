// Names of org units for display: ids such as '03390' mean nothing to a reader. Names are fetched
// once per id (GET /orgunits?ids=) and kept for the page's life; until then the id shows.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from './api';
import { pick } from './i18n';

export interface OrgUnit { id: string; name: string; name_vi?: string; name_en?: string; kind: string; parent: string }

// Each id's answer, so the name follows the reader's language ("Xã Bình Lư" / "Bình Lư commune").
const names = new Map<string, OrgUnit | string>();
const pending = new Map<string, Promise<void>>();

async function fetchNames(ids: string[]): Promise<void> {
  const missing = ids.filter((id) => id && !names.has(id) && !pending.has(id));
  if (missing.length) {
    const p = api
      .get<{ items: OrgUnit[] }>('/orgunits' + qs({ ids: missing.join(',') }))
      .then((r) => {
        for (const u of r.items) names.set(u.id, u);
        for (const id of missing) if (!names.has(id)) names.set(id, id);
      })
      .catch(() => {
        for (const id of missing) names.set(id, id);
      })
      .finally(() => missing.forEach((id) => pending.delete(id)));
    missing.forEach((id) => pending.set(id, p));
  }
  await Promise.all(ids.map((id) => pending.get(id)).filter(Boolean));
}

export function orgUnitName(id: string): string {
  const u = names.get(id);
  return u === undefined ? id : typeof u === 'string' ? u : pick(u, 'name');
}

/** Re-renders the caller once the names of `ids` are known. */
export function useOrgUnitNames(ids: string[]): (id: string) => string {
  const key = ids.join(',');
  const [, bump] = useState(0);
  useEffect(() => {
    let live = true;
    fetchNames(ids).then(() => live && bump((n) => n + 1));
    return () => {
      live = false;
    };
  }, [key]);
  return orgUnitName;
}

/** The name of one org unit, with its id for those who need the code. */
export function OrgUnitName({ id }: { id: string }) {
  const name = useOrgUnitNames(id ? [id] : [])(id);
  return <span class="ou" title={id} data-orgunit={id}>{name}</span>;
}

export async function childrenOf(parent: string): Promise<OrgUnit[]> {
  const r = await api.get<{ items: OrgUnit[] }>('/orgunits' + qs({ parent }));
  for (const u of r.items) names.set(u.id, u);
  return r.items;
}

/** One org unit (its name, kind and parent), or null when the server does not know it. */
export async function orgUnitOf(id: string): Promise<OrgUnit | null> {
  await fetchNames([id]);
  const u = names.get(id);
  return typeof u === 'object' ? u : null;
}

/** The unit and every unit above it, nearest first (a unit's parent chain is a few levels deep). */
export async function selfAndAncestors(id: string): Promise<string[]> {
  const chain: string[] = [];
  for (let cur: string | undefined = id; cur && !chain.includes(cur) && chain.length < 8;) {
    chain.push(cur);
    cur = (await orgUnitOf(cur))?.parent || undefined;
  }
  return chain;
}

/** The health facilities (org units of kind "facility") that stand in a unit: a commune's station, its hospitals. */
export async function facilitiesIn(id: string): Promise<OrgUnit[]> {
  return (await childrenOf(id).catch(() => [] as OrgUnit[])).filter((u) => u.kind === 'facility');
}

/** The current (2025) communes of a province, by name: codes of the former scheme carry a prefix. */
export async function communesOf(province: string): Promise<OrgUnit[]> {
  const list = (await childrenOf(province).catch(() => [] as OrgUnit[])).filter((u) => u.kind === 'commune' && !u.id.includes(':'));
  return list.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** The nearest unit of a kind at or above `id` ('commune', 'province'), or ''. */
export async function enclosing(id: string, kind: string): Promise<string> {
  for (const u of await selfAndAncestors(id)) if ((await orgUnitOf(u))?.kind === kind) return u;
  return '';
}
