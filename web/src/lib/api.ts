// The only way the app reaches data: the JSON API under /api/v1.
export interface FieldError { field: string; reason: string }

export class ApiError extends Error {
  // `errors`: every faulty field of a 422 (docs/api.md), the first being `field` and the message.
  constructor(public status: number, public code: string, message: string, public field?: string, public errors: FieldError[] = []) {
    super(message);
  }
}

/** The offline data layer (lib/offline/sync.ts) when installed: it answers reads and keeps record
 *  writes when the API is out of reach, so pages ask the API alone and never decide themselves. */
export interface LocalLayer {
  active(): boolean;
  /** Whether a request concerns a person with writes still in the outbox: it is then read from the
   *  copy, and a write joins the queue behind them, so a person's writes reach the server in order. */
  preferLocal(method: string, path: string, body: unknown): Promise<boolean>;
  read(path: string): Promise<unknown>;
  write(method: string, path: string, body: unknown, version?: number): Promise<unknown>;
  remember(path: string, data: unknown): Promise<unknown>;
  /** Who was signed in last, to open the app offline before the API can say. */
  bootUser(): Promise<unknown>;
}
let local: LocalLayer | null = null;
export function setLocalLayer(l: LocalLayer) {
  local = l;
}

// Told when a sync changed what the server or the copy holds, so that pages on screen read again.
const changeListeners = new Set<() => void>();
export function onDataChanged(f: () => void) {
  changeListeners.add(f);
  return () => void changeListeners.delete(f);
}
export function dataChanged() {
  changeListeners.forEach((f) => f());
}

let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(f: () => void) {
  onUnauthenticated = f;
}

async function request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>, version?: number): Promise<T> {
  const layer = local;
  // Boot: the API says who is signed in; offline, the last user of this browser does (their cookie
  // is checked again by the server at the next sync).
  if (layer && path === '/auth/me' && !navigator.onLine) {
    const u = await layer.bootUser();
    if (u) return u as T;
  }
  if (layer?.active()) {
    const offline = !navigator.onLine;
    if (method === 'GET' && (offline || (await layer.preferLocal(method, path, body)))) {
      const r = await layer.read(path);
      if (r !== undefined) return r as T;
    } else if (method !== 'GET' && (offline || (await layer.preferLocal(method, path, body)))) {
      const r = await layer.write(method, path, body, version);
      if (r !== undefined) return r as T;
    }
  }
  // Offline, what the copy cannot answer is not tried on the network either: it cannot succeed.
  // (Nor when there is no copy: a page still on screen after a logout asks no server it cannot reach.)
  if (!navigator.onLine) throw new ApiError(0, 'network', 'network error');
  const res = await send(method, path, body, headers);
  if (res === null) {
    // The API is out of reach although the browser thinks it is online (a captive portal, a server away).
    const r = !layer?.active() ? undefined : method === 'GET' ? await layer.read(path) : await layer.write(method, path, body, version);
    if (r !== undefined) return r as T;
    if (layer && method === 'GET' && path === '/auth/me') {
      const u = await layer.bootUser();
      if (u) return u as T;
    }
    throw new ApiError(0, 'network', 'network error');
  }
  return answer<T>(res, method, path, layer);
}

async function send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response | null> {
  try {
    return await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    return null;
  }
}

async function answer<T>(res: Response, method: string, path: string, layer: LocalLayer | null): Promise<T> {
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data?.error ?? 'http_' + res.status, data?.message ?? res.statusText, data?.field,
      Array.isArray(data?.errors) ? data.errors : []);
    if (res.status === 401 && path !== '/auth/login' && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  if (method === 'GET' && layer?.active()) await layer.remember(path, data).catch(() => undefined);
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  /** A GET read by the caller, headers before body (the sync feed starts its next page at this
   *  one's headers); never answered by the offline copy; an error answer throws as any call's does. */
  open: async (path: string): Promise<Response> => {
    const res = navigator.onLine ? await send('GET', path) : null;
    if (res === null) throw new ApiError(0, 'network', 'network error');
    if (!res.ok) await answer(res, 'GET', path, null);
    return res;
  },
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown, version: number) => request<T>('PUT', path, body, { 'If-Match': `"${version}"` }, version),
  del: <T>(path: string, body: unknown, version?: number) =>
    request<T>('DELETE', path, body, version !== undefined ? { 'If-Match': `"${version}"` } : undefined, version),
};

export function qs(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? '?' + parts.join('&') : '';
}
