// Answers from the offline copy: what the pages ask the API, answered in the API's shapes from
// IndexedDB when the API cannot be reached (docs/web.md "Offline"). Pages do not know which answered.
import { loadSchema } from '../schema';
import { addDays, todayIso } from '../person';
import type { GrowthData } from '../../components/GrowthChart';
import { CARD_TYPES, dueWithCard, growthChart, localDueEntry, ScheduleSeries } from './card';
import { fold, uuidv7 } from './text';
import { writes } from './idb';
import {
  allDue, cached, DueEntry, dropOutbox, dropRecord, dueOf, getMeta, getRecord, LocalRecord, outbox, OutboxEntry, persons, queueWrite, recordsOf, recordsOfType,
} from './store';

/** Fields the server keeps on a record that a client never sends back. */
export const ENVELOPE = ['id', 'type', 'version', 'created_at', 'updated_at', 'deleted_at', 'delete_reason', 'pid', '_outbox'];

const relative = (p: LocalRecord) => ({ id: p.id, full_name: p.full_name, birth_date: p.birth_date, sex: p.sex });

/** The outbox state of each record with a write not yet on the server, to mark it in the pages. */
async function pendingById(): Promise<Map<string, OutboxEntry>> {
  return new Map((await outbox()).map((e) => [e.id, e]));
}

const mark = (r: LocalRecord, pending: Map<string, OutboxEntry>) => (pending.has(r.id) ? { ...r, _outbox: pending.get(r.id)!.status } : r);

// Name matching of docs/api.md "Search": the words start the full name in order, or one word starts
// the given name (the last) and the others start the names before it, in order.
function nameRank(name: string, words: string[]): number {
  const fw = fold(name).split(' ');
  if (words.length <= fw.length && words.every((w, i) => fw[i].startsWith(w))) return 1;
  const given = fw[fw.length - 1];
  for (let j = 0; j < words.length; j++) {
    if (!given.startsWith(words[j])) continue;
    const rest = words.filter((_, k) => k !== j);
    if (rest.length < fw.length && rest.every((w, i) => fw[i].startsWith(w))) return 2;
  }
  return 0;
}

async function search(q: URLSearchParams) {
  const limit = Number(q.get('limit') ?? 20);
  const offset = Number(q.get('offset') ?? 0);
  const all = await persons();
  let hits: LocalRecord[];
  if (q.get('citizen_id')) hits = all.filter((p) => p.citizen_id === q.get('citizen_id'));
  else if (q.get('phone')) {
    const digits = (s: string) => s.replace(/^\+84/, '0');
    hits = all.filter((p) => p.phone && digits(p.phone) === digits(q.get('phone')!));
  } else {
    const words = fold(q.get('q') ?? '').split(' ').filter(Boolean);
    const ranked = words.length ? all.map((p) => [nameRank(p.full_name ?? '', words), p] as const).filter(([r]) => r > 0) : [];
    hits = [...ranked.filter(([r]) => r === 1), ...ranked.filter(([r]) => r === 2)].map(([, p]) => p);
  }
  const byId = new Map(all.map((p) => [p.id, p]));
  const page = hits.slice(offset, offset + limit).sort((a, b) => a.full_name.localeCompare(b.full_name, 'vi'));
  const items = page.map((p) => {
    const mother = p.mother_id ? byId.get(p.mother_id) : undefined;
    const children = all.filter((c) => c.mother_id === p.id).map(relative);
    return { ...p, ...(mother ? { mother: relative(mother) } : {}), ...(children.length ? { children } : {}) };
  });
  return { items, offset, limit, has_more: hits.length > offset + limit };
}

async function handbook(id: string) {
  const person = await getRecord(id);
  if (!person) return undefined;
  const pending = await pendingById();
  const mother = person.mother_id ? await getRecord(person.mother_id) : undefined;
  const events = (await recordsOf(id)).filter((r) => r.type !== 'person').map((r) => mark(r, pending))
    .sort((a, b) => String(a.date ?? '').localeCompare(String(b.date ?? '')));
  const children = (await persons()).filter((c) => c.mother_id === id).map(relative);
  return { person: mark(person, pending), ...(mother ? { mother: { id: mother.id, full_name: mother.full_name } } : {}), children, events };
}

// The feed's due entry of a person is the server's GET /persons/{id}/due answer of the sync's day,
// with its open items only; a child's immunization card is laid out whole from the records
// (card.ts dueWithCard), the items that are not vaccines kept as the server gave them.
async function due(id: string) {
  const entry: any = (await dueOf(id)) ?? (await cached(`/persons/${id}/due`)) ?? localDueEntry(id);
  const schedule = await cached<{ series: ScheduleSeries[] }>('/care/schedule');
  return dueWithCard(entry, await getRecord(id), await recordsOf(id), schedule?.series);
}

// A child's growth chart from their records and the WHO curves of their sex kept at login; the last
// online answer when the curves are not kept.
async function growth(id: string) {
  const person = await getRecord(id);
  const reference = person && (await cached<Pick<GrowthData, 'charts' | 'source'>>(`/growth/reference?sex=${person.sex}`));
  if (!person || !reference) return cached(`/persons/${id}/growth`);
  return growthChart(person, await recordsOf(id), reference);
}

interface CardEntries { byId: Map<string, LocalRecord>; entries: DueEntry[]; closedAlerts: Set<string> }
let reading: { at: number; result: Promise<CardEntries> } | null = null;

/** The persons of the copy, every due entry read through the card (dueWithCard) and the alerts it
 *  closed (their dose recorded). Every child's doses, not only those of writes still waiting: the
 *  feed's due entry can lag a dose already synced (the care engine learns of it shortly after the
 *  push), and the card must not reopen it then. One read per record type, not one per person; the
 *  home page's worklist and alerts, asking at once, share one read unless a write committed since it
 *  began (bench/web/offline_worklist.sh). */
function cardEntries(): Promise<CardEntries> {
  if (reading?.at === writes()) return reading.result;
  const result = (async () => {
    const byId = new Map((await persons()).map((p) => [p.id, p]));
    const schedule = await cached<{ series: ScheduleSeries[] }>('/care/schedule');
    const doses = new Map<string, LocalRecord[]>();
    if (schedule) {
      for (const r of (await Promise.all(CARD_TYPES.map(recordsOfType))).flat()) {
        if (!doses.has(r.pid)) doses.set(r.pid, []);
        doses.get(r.pid)!.push(r);
      }
    }
    const closedAlerts = new Set<string>();
    // Persons registered offline have no due list from the server yet: the card lays out theirs by date.
    const stored = await allDue();
    const judged = new Set(stored.map((e) => e.person_id));
    for (const p of byId.values()) if (!judged.has(p.id) && !p.deleted_at) stored.push(localDueEntry(p.id));
    const entries = stored.map((e) => {
      const d = dueWithCard(e, byId.get(e.person_id), doses.get(e.person_id) ?? [], schedule?.series);
      if (d !== e) for (const a of e.alerts ?? []) if (!d.alerts?.includes(a)) closedAlerts.add(a.id);
      return d;
    });
    return { byId, entries, closedAlerts };
  })();
  const mine = { at: writes(), result };
  reading = mine;
  // Kept while it runs only: a later page asks the copy afresh.
  void result.finally(() => { if (reading === mine) reading = null; }).catch(() => undefined);
  return result;
}

/** The worklist from the due lists of the feed, by the server's rules (src/care/worklist.cpp): items
 *  due or overdue, or upcoming by the week's end, and persons with an active alert; a person whose
 *  every item is overdue by more than the long-lost limit, with no alert but overdue doses, is on the
 *  long-lost list instead; one the commune no longer follows (moved away, not found) is set aside.
 *  Sorted as the server sorts: alerts, overdue, due; then days overdue; then the first due date.
 *  Each due entry is first read as the card reads it (dueWithCard): a dose recorded offline leaves
 *  the list, and its counts, at once. */
async function worklist(q: URLSearchParams) {
  const from = q.get('from') ?? todayIso();
  const to = q.get('to') ?? addDays(from, 6);
  const village = q.get('village') ?? '';
  const kind = q.get('kind') ?? '';
  const list = (q.get('list') ?? 'current') as 'current' | 'long_lost' | 'set_aside';
  const limit = (await getMeta<number>('long_lost_overdue_days')) ?? 183;
  const { byId, entries } = await cardEntries();
  const counts = { current: 0, long_lost: 0, set_aside: 0 };
  const groups = new Map<string, any[]>();
  const villageCounts = new Map<string, number>();
  const NO_VILLAGE = '—';
  for (const d of entries) {
    const p = byId.get(d.person_id);
    if (!p || d.dead) continue;
    const v = p.village || NO_VILLAGE;
    let items: any[] = [];
    let alerts: any[] = [];
    let lost = false;
    if (d.follow_up && d.follow_up.status !== 'active') {
      if (list === 'set_aside') villageCounts.set(v, (villageCounts.get(v) ?? 0) + 1);
      if (village && v !== village) continue;
      counts.set_aside++;
      if (list !== 'set_aside') continue;
    } else {
      items = d.items.filter((i: any) => (i.status === 'due' || i.status === 'overdue' || (i.status === 'upcoming' && i.due <= to))
        && (!kind || i.group === kind));
      if (kind && !items.length) continue;
      alerts = d.alerts ?? [];
      if (!items.length && !alerts.length) continue;
      lost = items.length > 0 && items.every((i: any) => i.status === 'overdue' && (i.days_overdue ?? 0) > limit)
        && alerts.every((a: any) => a.rule === 'vaccine_overdue');
      const asked = lost === (list === 'long_lost') && list !== 'set_aside';
      if (asked) villageCounts.set(v, (villageCounts.get(v) ?? 0) + 1);
      if (village && v !== village) continue;
      counts[lost ? 'long_lost' : 'current']++;
      if (!asked) continue;
    }
    const mother = p.mother_id ? byId.get(p.mother_id) : undefined;
    const rank = alerts.length ? 3 : Math.max(0, ...items.map((i: any) => (i.status === 'overdue' ? 2 : i.status === 'due' ? 1 : 0)));
    const overdue = Math.max(0, ...items.map((i: any) => i.days_overdue ?? 0));
    const recent = Math.max(0, ...items.map((i: any) => i.days_overdue ?? 0).filter((n: number) => n <= limit));
    const firstDue = items.reduce((m: string, i: any) => (i.due < m ? i.due : m), to);
    if (!groups.has(v)) groups.set(v, []);
    groups.get(v)!.push({
      person_id: p.id, full_name: p.full_name, birth_date: p.birth_date, sex: p.sex, phone: p.phone || mother?.phone || '', age: '',
      mother_name: mother?.full_name ?? '', orgunit: p.orgunit, urgency: rank, days_overdue: overdue, items, alerts,
      ...(d.follow_up ? { follow_up: d.follow_up } : {}), _order: [rank, list === 'long_lost' ? overdue : recent, firstDue],
    });
  }
  const byOrder = (a: any, b: any) => b._order[0] - a._order[0] || b._order[1] - a._order[1]
    || a._order[2].localeCompare(b._order[2]) || a.person_id.localeCompare(b.person_id);
  const villageOrder = ([a]: [string, unknown], [b]: [string, unknown]) =>
    (a === NO_VILLAGE ? 1 : 0) - (b === NO_VILLAGE ? 1 : 0) || a.localeCompare(b, 'vi');
  const villages = [...groups.entries()].sort(villageOrder)
    .map(([v, ps]) => ({ village: v, persons: ps.sort(byOrder).map(({ _order, ...x }) => x) }));
  return {
    from, to, list, long_lost_overdue_days: limit, counts,
    persons: villages.reduce((n, g) => n + g.persons.length, 0),
    items: villages.reduce((n, g) => n + g.persons.reduce((m: number, p: any) => m + p.items.length, 0), 0),
    village_counts: [...villageCounts.entries()].sort(villageOrder).map(([v, n]) => ({ village: v, persons: n })),
    villages,
  };
}

// The last online answer of GET /alerts, less the overdue-dose alerts that dueWithCard closes (the
// dose recorded offline): the alert leaves with its worklist item, not at the next sync.
async function alerts(path: string) {
  const last = await cached<{ items: any[] }>(path);
  if (!last || !last.items.some((a) => String(a.item_id ?? '').startsWith('epi.'))) return last;
  const { closedAlerts } = await cardEntries();
  return { ...last, items: last.items.filter((a) => !closedAlerts.has(a.id)) };
}

async function collections(): Promise<Map<string, string>> {
  const s = await loadSchema();
  return new Map(s.types.map((x) => [x.collection, x.type]));
}

/** Whether the person's reads should come from the local copy even online: it holds writes the
 *  server has not got yet, which the user must see. */
export async function hasPending(of: { person?: string; id?: string }) {
  return (await outbox()).some((e) => (of.person !== undefined && e.person_id === of.person) || (of.id !== undefined && e.id === of.id));
}

/** The local answer to GET `path`, or undefined when the copy cannot answer it. */
export async function localGet(path: string): Promise<unknown> {
  const u = new URL(path, location.origin);
  const p = u.pathname;
  let m: RegExpMatchArray | null;
  if (p === '/auth/me') return getMeta('user');
  if (p === '/persons/search') return search(u.searchParams);
  if ((m = p.match(/^\/persons\/([^/]+)\/handbook$/))) return handbook(decodeURIComponent(m[1]));
  if ((m = p.match(/^\/persons\/([^/]+)\/due$/))) return due(decodeURIComponent(m[1]));
  if ((m = p.match(/^\/persons\/([^/]+)\/growth$/))) return growth(decodeURIComponent(m[1]));
  if (p === '/worklist') return worklist(u.searchParams);
  if (p === '/alerts') return alerts(path);
  if (p === '/orgunits' && u.searchParams.get('ids')) {
    // Names known from earlier answers; an unknown one is left out and its code shows instead.
    const items = await Promise.all(u.searchParams.get('ids')!.split(',').map((id) => cached('ou:' + id)));
    return { items: items.filter(Boolean) };
  }
  const last = await cached(path);
  if (last !== undefined) return last;
  if ((m = p.match(/^\/([^/]+)\/([^/]+)$/)) && (await collections()).has(m[1])) return getRecord(decodeURIComponent(m[2]));
  return undefined;
}

const now = () => new Date().toISOString();

/** A record write kept in the outbox, or undefined when `path` is not a record route (those need the server). */
export async function localWrite(method: string, path: string, body: any, version?: number): Promise<unknown> {
  const types = await collections();
  const u = new URL(path, location.origin);
  const [, collection, id] = u.pathname.split('/');
  const type = types.get(collection);
  if (!type) return undefined;
  const waiting = id ? (await outbox()).find((e) => e.id === id && e.status === 'waiting') : undefined;
  if (method === 'POST' && !id) {
    // The form's own id when it made one (forms/records.ts createId), so that a create whose online
    // answer was lost and is queued here is recognised by the server as the same record.
    const newId = typeof body?.id === 'string' ? body.id : uuidv7();
    const person_id = type === 'person' ? newId : body.person_id;
    const rec: LocalRecord = { ...body, id: newId, type, version: 0, ...(type === 'person' ? {} : { person_id }), _outbox: 'waiting' };
    await queueWrite({ op: 'insert', collection, type, id: newId, person_id, body, status: 'waiting', created_at: now() }, rec);
    return rec;
  }
  if (!id) return undefined;
  const old = await getRecord(id);
  const person_id = type === 'person' ? id : (body?.person_id ?? old?.person_id ?? '');
  if (method === 'PUT') {
    const rec: LocalRecord = { ...body, id, type, version: version ?? old?.version ?? 0, ...(type === 'person' ? {} : { person_id }), _outbox: 'waiting' };
    // A record changed twice before a push: one write, the newest body, on the version it started from.
    const entry: OutboxEntry = waiting
      ? { ...waiting, body }
      : { op: 'update', collection, type, id, person_id, base_version: version, body, status: 'waiting', created_at: now() };
    await queueWrite(entry, rec);
    return rec;
  }
  if (method === 'DELETE') {
    if (waiting?.op === 'insert') {
      // Deleted before the server ever had it: the user's decision settles the insert itself.
      await dropOutbox(waiting.seq!);
      await dropRecord(id);
    } else {
      const entry: OutboxEntry = { op: 'delete', collection, type, id, person_id, base_version: version, reason: body?.reason, status: 'waiting', created_at: now() };
      await queueWrite(waiting ? { ...entry, seq: waiting.seq, base_version: waiting.base_version } : entry, null);
    }
    return { id, deleted: true };
  }
  return undefined;
}
