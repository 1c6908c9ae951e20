// A few promise helpers over IndexedDB: the browser's API is callbacks, and the offline copy needs
// only get/put/delete/getAll/clear inside one transaction at a time. No library for forty lines.
export type Stores = 'records' | 'due' | 'meta' | 'outbox' | 'cache';

const DB_NAME = 'u5-offline';
const DB_VERSION = 1;
let opened: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  return (opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    // One step a version, each from the version before it: a build that raises the version must
    // open an existing copy (its outbox holds writes the server has not seen), never recreate it.
    req.onupgradeneeded = (ev) => {
      const db = req.result;
      if (ev.oldVersion < 1) {
        // Persons and events of the user's scope; `pid` is the person a record belongs to (a person's own id).
        const rec = db.createObjectStore('records', { keyPath: 'id' });
        rec.createIndex('pid', 'pid');
        rec.createIndex('type', 'type');
        db.createObjectStore('due', { keyPath: 'person_id' });
        db.createObjectStore('meta');
        const out = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        out.createIndex('id', 'id');
        db.createObjectStore('cache');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opened = null;
      reject(req.error);
    };
  }));
}

const done = <T>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

let committed = 0;
/** How many write transactions have committed in this page: a read made since the same count saw them all. */
export const writes = () => committed;

/** Runs `f` in one transaction over `stores`; resolves with f's value once the transaction committed. */
export async function tx<T>(stores: Stores[], mode: IDBTransactionMode, f: (s: Record<string, IDBObjectStore>) => Promise<T> | T): Promise<T> {
  const db = await openDb();
  const t = db.transaction(stores, mode);
  const s: Record<string, IDBObjectStore> = {};
  for (const n of stores) s[n] = t.objectStore(n);
  const finished = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('transaction aborted'));
  });
  const value = await f(s);
  await finished;
  if (mode === 'readwrite') committed++;
  return value;
}

export const get = <T>(store: IDBObjectStore | IDBIndex, key: IDBValidKey) => done<T | undefined>(store.get(key));
export const getAll = <T>(store: IDBObjectStore | IDBIndex, key?: IDBValidKey | IDBKeyRange) => done<T[]>(store.getAll(key));
export const getAllKeys = (store: IDBObjectStore | IDBIndex, key?: IDBValidKey | IDBKeyRange) => done<IDBValidKey[]>(store.getAllKeys(key));
export const put = (store: IDBObjectStore, value: unknown, key?: IDBValidKey) => done(store.put(value, key));
export const del = (store: IDBObjectStore, key: IDBValidKey | IDBKeyRange) => done(store.delete(key));
export const clear = (store: IDBObjectStore) => done(store.clear());

/** Every store emptied: logout, or another user signing in on this browser. */
export const wipe = () => tx(['records', 'due', 'meta', 'outbox', 'cache'], 'readwrite', async (s) => {
  for (const st of Object.values(s)) await clear(st);
});
