// The offline copy of the user's scope in IndexedDB (docs/web.md "Offline"): records as the sync
// feed gives them, each person's due list, the outbox of writes not yet on the server, the last
// answers of a few read-only routes, and a little state (cursor, last sync, the user).
import { del, get, getAll, getAllKeys, put, tx, wipe } from './idb';

export interface LocalRecord {
  id: string;
  type: string;
  version: number;
  person_id?: string;
  deleted_at?: string;
  [k: string]: any;
}

export type OutboxStatus = 'waiting' | 'conflict' | 'rejected';
export interface OutboxEntry {
  seq?: number;
  op: 'insert' | 'update' | 'delete';
  collection: string;
  type: string;
  id: string;
  person_id: string;
  base_version?: number;
  body?: Record<string, unknown>;
  reason?: string;
  status: OutboxStatus;
  created_at: string;
  /** For a conflict: the server's current record, as the push answered it. */
  server?: LocalRecord;
  /** For a rejection: the server's error code, its first field and every field it refused. */
  error?: string;
  field?: string;
  message?: string;
  errors?: { field: string; reason: string }[];
}

/** A person's due list as GET /persons/{id}/due answers it, as the feed carries it. */
export interface DueEntry { person_id: string; dead?: boolean; items: any[]; alerts?: any[]; follow_up?: { status: string } | null; next_visit?: string | null;
  /** Made in the browser for a person registered offline (card.ts localDueEntry), not the server's. */
  local?: boolean }

const pidOf = (r: LocalRecord) => (r.type === 'person' ? r.id : r.person_id ?? r.id);

/** Applies one page of the feed: deleted records and persons that left the scope leave the copy;
 *  a record with a write still in the outbox keeps its local state until that write is settled (the
 *  push decides, not the pull). The writes are issued without waiting for each: the transaction
 *  runs them in order and fails as a whole if one fails (a page of 5000 records waited on one by
 *  one took a second of the browser's time). */
export async function applyPage(records: LocalRecord[], due: DueEntry[], reset: boolean, left: string[] = []) {
  await tx(['records', 'due', 'outbox'], 'readwrite', async (s) => {
    const pending = new Set((await getAll<OutboxEntry>(s.outbox)).map((e) => e.id));
    if (reset) {
      // A new copy of the scope; records with a write still to settle stay (the user has not decided).
      for (const k of await getAllKeys(s.records)) if (!pending.has(k as string)) s.records.delete(k);
      s.due.clear();
    }
    // A deleted person, or one moved out of the scope: their events and due list go with them.
    const drop = async (id: string) => {
      for (const k of await getAllKeys(s.records.index('pid'), id)) s.records.delete(k);
      s.due.delete(id);
    };
    for (const r of records) {
      if (pending.has(r.id)) continue;
      if (!r.deleted_at) s.records.put({ ...r, pid: pidOf(r) });
      else if (r.type !== 'person') s.records.delete(r.id);
      else await drop(r.id);
    }
    for (const id of left) if (!pending.has(id)) await drop(id);
    for (const d of due) s.due.put(d);
  });
}

export const putRecord = (r: LocalRecord) => tx(['records'], 'readwrite', (s) => put(s.records, { ...r, pid: pidOf(r) }));
export const dropRecord = (id: string) => tx(['records'], 'readwrite', (s) => del(s.records, id));
export const getRecord = (id: string) => tx(['records'], 'readonly', (s) => get<LocalRecord>(s.records, id));
export const recordsOf = (pid: string) => tx(['records'], 'readonly', (s) => getAll<LocalRecord>(s.records.index('pid'), pid));
export const persons = () => tx(['records'], 'readonly', (s) => getAll<LocalRecord>(s.records.index('type'), 'person'));
export const recordsOfType = (type: string) => tx(['records'], 'readonly', (s) => getAll<LocalRecord>(s.records.index('type'), type));
export const dueOf = (pid: string) => tx(['due'], 'readonly', (s) => get<DueEntry>(s.due, pid));
export const allDue = () => tx(['due'], 'readonly', (s) => getAll<DueEntry>(s.due));

export const getMeta = <T>(key: string) => tx(['meta'], 'readonly', (s) => get<T>(s.meta, key));
export const setMeta = (key: string, value: unknown) => tx(['meta'], 'readwrite', (s) => put(s.meta, value, key));

export const cached = <T>(path: string) => tx(['cache'], 'readonly', (s) => get<T>(s.cache, path));
export const remember = (path: string, value: unknown) => tx(['cache'], 'readwrite', (s) => put(s.cache, value, path));

export const outbox = () => tx(['outbox'], 'readonly', (s) => getAll<OutboxEntry>(s.outbox));
export const outboxEntry = (seq: number) => tx(['outbox'], 'readonly', (s) => get<OutboxEntry>(s.outbox, seq));
export const putOutbox = (e: OutboxEntry) => tx(['outbox'], 'readwrite', (s) => put(s.outbox, e)) as Promise<IDBValidKey>;
export const dropOutbox = (seq: number) => tx(['outbox'], 'readwrite', (s) => del(s.outbox, seq));

/** A write made offline: queued, and its effect shown in the local copy at once (one transaction). */
export async function queueWrite(e: OutboxEntry, local: LocalRecord | null) {
  await tx(['outbox', 'records'], 'readwrite', async (s) => {
    await put(s.outbox, e);
    if (e.op === 'delete') await del(s.records, e.id);
    else if (local) await put(s.records, { ...local, pid: pidOf(local) });
  });
}

export { wipe };
