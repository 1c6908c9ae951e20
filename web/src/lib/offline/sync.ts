// The sync client of docs/sync.md: pushes the outbox in order, then pulls the changes feed of the
// user's scope into the offline copy. It runs by itself when the browser comes online, after each
// offline write, every few minutes, and again with back-off after a failure; "Đồng bộ ngay" runs it
// by hand. Only a commune worker's scope is kept offline (a phone holds one commune).
import { api, ApiError, dataChanged, setLocalLayer } from '../api';
import { isWorker, User } from '../session';
import { loadSchema } from '../schema';
import { uuidv7 } from './text';
import { hasPending, localGet, localWrite } from './local';
import {
  applyPage, DueEntry, dropOutbox, getMeta, getRecord, LocalRecord, outbox, OutboxEntry, putOutbox, putRecord, remember, setMeta, wipe,
} from './store';

export interface SyncState {
  enabled: boolean;
  online: boolean;
  syncing: boolean;
  waiting: number;
  conflicts: number;
  rejected: number;
  lastSync: string | null;
  needsLogin: boolean;
  failed: boolean;
}

let state: SyncState = { enabled: false, online: navigator.onLine, syncing: false, waiting: 0, conflicts: 0, rejected: 0, lastSync: null, needsLogin: false, failed: false };
const listeners = new Set<(s: SyncState) => void>();
export const syncState = () => state;
export function onSyncState(f: (s: SyncState) => void) {
  listeners.add(f);
  return () => void listeners.delete(f);
}
function update(p: Partial<SyncState>) {
  state = { ...state, ...p };
  listeners.forEach((f) => f(state));
}

// A first sync pages by 5000 (docs/sync.md: each page a round trip, and the feed counts against the bulk rate); later ones are small.
const FIRST_PAGE = 5000;
const PAGE = 500;
const AHEAD = 2;
const PUSH_BATCH = 200;
const PERIOD_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
let backoff = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let periodTimer: ReturnType<typeof setInterval> | undefined;
let running: Promise<void> | null = null;

/** The installation's id for the push (docs/sync.md): kept across logins, unlike the data. */
function clientId() {
  let id = localStorage.getItem('u5.client_id');
  if (!id) localStorage.setItem('u5.client_id', (id = uuidv7()));
  return id;
}

export async function refreshCounts() {
  const all = await outbox();
  update({
    waiting: all.filter((e) => e.status === 'waiting').length,
    conflicts: all.filter((e) => e.status === 'conflict').length,
    rejected: all.filter((e) => e.status === 'rejected').length,
  });
}

interface PushResult { id: string; status: 'stored' | 'conflict' | 'rejected'; version?: number; record?: LocalRecord; error?: string; field?: string; message?: string; errors?: { field: string; reason: string }[] }

/** Pushes the waiting writes; whether any result came back (stored, conflict or refused). */
async function push(): Promise<boolean> {
  let answered = false;
  for (;;) {
    const batch = (await outbox()).filter((e) => e.status === 'waiting').slice(0, PUSH_BATCH);
    if (!batch.length) return answered;
    answered = true;
    const writes = batch.map((e) => ({
      op: e.op, collection: e.collection, id: e.id,
      ...(e.op === 'insert' ? {} : { base_version: e.base_version }),
      ...(e.op === 'delete' ? { reason: e.reason } : { body: e.body }),
    }));
    const answer = await api.post<{ results: PushResult[] }>('/sync/push', { client_id: clientId(), writes });
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      const r = answer.results[i];
      if (!r || r.id !== e.id) throw new Error(`push answer ${i} does not match write ${e.id}`);
      if (r.status === 'stored') {
        await dropOutbox(e.seq!);
        // A retry's answer may carry a version another client has replaced since (docs/sync.md).
        if (r.record && !r.record.deleted_at && ((await getRecord(r.id))?.version ?? 0) <= r.record.version) await putRecord(r.record);
      } else if (r.status === 'conflict') {
        await putOutbox({ ...e, status: 'conflict', server: r.record });
      } else {
        await putOutbox({ ...e, status: 'rejected', error: r.error, field: r.field, message: r.message, errors: r.errors ?? [] });
      }
    }
    await refreshCounts();
  }
}

/** A page's records of one type (docs/sync.md "Records of a page"): a column list, each column's
 *  values (null: the record has no such field), and the columns whose numbers are ordinals of
 *  records of the same page (0 the page's first record, counting through the groups in order). */
interface FeedGroup { type: string; columns: string[]; values: unknown[][]; refs?: string[] }
interface FeedPage { cursor: string; more: boolean; reset: boolean; server_time: string; records: FeedGroup[]; out_of_scope?: string[]; due: DueEntry[] }

/** The page's records as the objects GET /<collection>/{id} answers (less created_at and updated_at). */
function decodeRecords(groups: FeedGroup[]): LocalRecord[] {
  const ids: unknown[] = groups.flatMap((g) => g.values[g.columns.indexOf('id')]);
  const out: LocalRecord[] = [];
  for (const g of groups) {
    const rows = g.values[0]?.length ?? 0;
    const at = out.length;
    for (let i = 0; i < rows; i++) out.push({ type: g.type } as LocalRecord);
    g.columns.forEach((c, k) => {
      const ref = g.refs?.includes(c) ?? false;
      const col = g.values[k];
      for (let i = 0; i < rows; i++) {
        const v = col[i];
        if (v !== null) out[at + i][c] = ref && typeof v === 'number' ? ids[v] : v;
      }
    });
  }
  return out;
}

/** Pulls the feed into the copy; whether it brought any record. */

async function pull(): Promise<boolean> {
  let cursor = (await getMeta<string>('cursor')) ?? '';
  let brought = false;
  const limit = cursor === '' ? FIRST_PAGE : PAGE;
  const fetchPage = (c: string) => api.open(`/sync/changes?cursor=${encodeURIComponent(c)}&limit=${limit}`);
  // Each page is asked for at its predecessor's headers (docs/sync.md), so the server makes it while
  // that one downloads, and pages download while earlier ones are written; AHEAD pages at most
  // beyond the one being written (null: the feed said no more).
  const after = (prev: Promise<Response | null>) =>
    prev.then((res) => (res?.headers.get('Sync-More') === 'true' ? fetchPage(res.headers.get('Sync-Cursor') ?? '') : null));
  const asked: Promise<Response | null>[] = [fetchPage(cursor)];
  for (;;) {
    while (asked.length <= AHEAD) {
      const p = after(asked[asked.length - 1]);
      p.catch(() => undefined); // awaited in its turn; a failure is handled there
      asked.push(p);
    }
    const res = await asked.shift();
    if (!res) throw new Error('the feed ended without a last page');
    const page = (await res.json()) as FeedPage;
    const records = decodeRecords(page.records);
    const left = page.out_of_scope ?? [];
    await applyPage(records, page.due ?? [], page.reset || cursor === '', left);
    brought ||= records.length > 0 || left.length > 0;
    cursor = page.cursor;
    await setMeta('cursor', cursor);
    if (!page.more) {
      await setMeta('last_sync', page.server_time);
      update({ lastSync: page.server_time });
      return brought;
    }
  }
}

/** One sync: the outbox first (so the feed brings back what was just stored), then the feed. */
export function syncNow(): Promise<void> {
  if (!state.enabled) return Promise.resolve();
  if (running) return running;
  clearTimeout(retryTimer);
  if (!navigator.onLine) {
    // The online event starts the next one.
    update({ online: false });
    return Promise.resolve();
  }
  running = (async () => {
    update({ syncing: true, online: navigator.onLine });
    try {
      const pushed = await push();
      const pulled = await pull();
      if (pushed || pulled) dataChanged();
      backoff = 0;
      update({ failed: false, needsLogin: false });
    } catch (e) {
      const status = (e as ApiError).status;
      if (status === 401) update({ needsLogin: true });
      else {
        // Signal gone or server away: try again later, waiting longer each time.
        backoff = Math.min(MAX_BACKOFF_MS, backoff ? backoff * 2 : 5000);
        retryTimer = setTimeout(() => void syncNow(), backoff);
        update({ failed: true });
      }
    } finally {
      running = null;
      update({ syncing: false });
      await refreshCounts();
    }
  })();
  return running;
}

const onOnline = () => {
  update({ online: true });
  backoff = 0;
  void syncNow();
};
const onOffline = () => update({ online: false });

// Read-only answers kept from the last time online, for the pages that show them offline.
const REMEMBERED = [/^\/schema$/, /^\/alerts\?/, /^\/death-followups/, /^\/persons\/[^/]+\/(growth|due)$/, /^\/codes\/icd10\?/];
// What a handbook needs offline for every child, kept at login: the vaccine series and the WHO curves.
const REFERENCE = ['/care/schedule', '/growth/reference?sex=male', '/growth/reference?sex=female'];

/** The data layer api.ts consults: local answers when the API is out of reach, or when the person
 *  holds writes the server has not got yet. */
setLocalLayer({
  active: () => state.enabled,
  async preferLocal(method, path, body) {
    let m = path.match(/^\/persons\/([^/?]+)\/(handbook|due|growth)$/);
    if (m) return hasPending({ person: decodeURIComponent(m[1]) });
    m = path.match(/^\/([^/?]+)\/([^/?]+)$/);
    if (m && m[1] !== 'auth' && m[1] !== 'sync') return hasPending({ id: decodeURIComponent(m[2]) });
    const person = (body as { person_id?: unknown } | null)?.person_id;
    return method === 'POST' && typeof person === 'string' && hasPending({ person });
  },
  read: localGet,
  async write(method, path, body, version) {
    const r = await localWrite(method, path, body, version);
    if (r !== undefined) {
      await refreshCounts();
      if (navigator.onLine) void syncNow();
    }
    return r;
  },
  async remember(path, data) {
    if (path.startsWith('/worklist') && typeof (data as any)?.long_lost_overdue_days === 'number')
      return setMeta('long_lost_overdue_days', (data as any).long_lost_overdue_days);
    // Org unit names one by one: pages ask for different sets of ids (local.ts answers any set).
    if (path.startsWith('/orgunits?ids=')) return Promise.all(((data as any)?.items ?? []).map((u: { id: string }) => remember('ou:' + u.id, u)));
    if (REFERENCE.includes(path) || REMEMBERED.some((r) => r.test(path))) return remember(path, data);
  },
  bootUser: () => getMeta<User>('user'),
});

/** Called once the user is known: keeps a worker's scope offline; anyone else stores nothing. A
 *  different user than the copy's owner on this browser starts from an empty copy. */
export async function startSync(user: User) {
  if (!isWorker(user)) return;
  if (state.enabled && (await getMeta<User>('user'))?.id === user.id) return void syncNow();
  // At once, before any await: the pages rendered next read through the layer (offline, the copy).
  update({ enabled: true, needsLogin: false });
  const owner = await getMeta<User>('user');
  if (owner && owner.id !== user.id) await wipe();
  await setMeta('user', user);
  update({ lastSync: (await getMeta<string>('last_sync')) ?? null });
  await refreshCounts();
  // What every offline page needs besides the records: the forms' rules and the user's org unit names.
  if (navigator.onLine) {
    void loadSchema().catch(() => undefined);
    void api.get('/orgunits?ids=' + user.orgunits.map(encodeURIComponent).join(',')).catch(() => undefined);
    for (const p of REFERENCE) void api.get(p).catch(() => undefined);
  }
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  clearInterval(periodTimer);
  periodTimer = setInterval(() => navigator.onLine && void syncNow(), PERIOD_MS);
  void syncNow();
}

/** Logout: the offline copy and the outbox go with the session (the caller warned about waiting writes). */
export async function stopSync() {
  window.removeEventListener('online', onOnline);
  window.removeEventListener('offline', onOffline);
  clearInterval(periodTimer);
  clearTimeout(retryTimer);
  update({ enabled: false, waiting: 0, conflicts: 0, rejected: 0, lastSync: null, syncing: false, failed: false });
  await wipe();
}

/** Writes not on the server yet, in any state: what logging out would lose. */
export async function unsentCount() {
  return (await outbox()).length;
}

/** A conflict settled by the user: `body` (theirs, the server's, or a mix) goes out as an update on
 *  the server's version (null: their delete, on that version). A rejected write fixed by the user
 *  goes out again with its new body. */
export async function resolve(entry: OutboxEntry, body: Record<string, unknown> | null) {
  const next: OutboxEntry = entry.status === 'conflict'
    ? { ...entry, op: body ? 'update' : 'delete', base_version: entry.server?.version, body: body ?? undefined, status: 'waiting', server: undefined }
    : { ...entry, body: body ?? undefined, status: 'waiting', error: undefined, field: undefined, message: undefined, errors: undefined };
  await putOutbox(next);
  if (entry.status === 'rejected') {
    // Writes refused only because this one was go out again behind it (they keep their places).
    for (const d of await outbox())
      if (d.person_id === entry.person_id && d.error === 'depends_on_rejected') await putOutbox({ ...d, status: 'waiting', error: undefined, field: undefined, message: undefined, errors: undefined });
  }
  if (body) await putRecord({ ...(entry.server ?? {}), ...body, id: entry.id, type: entry.type, version: next.base_version ?? 0, _outbox: 'waiting' } as LocalRecord);
  await refreshCounts();
  if (navigator.onLine) void syncNow();
}

/** A conflict settled in the server's favour: the local write is dropped by the user's choice. */
export async function acceptServer(entry: OutboxEntry) {
  await dropOutbox(entry.seq!);
  if (entry.server && !entry.server.deleted_at) await putRecord(entry.server);
  await refreshCounts();
}
