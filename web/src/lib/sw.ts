// The service worker's registration (web/sw-template.js) and the app's update: a new version's
// worker installs and waits; the app says so and switches over when the user asks, or at the next
// move to a page that holds no typing (not a form), so nothing typed is lost to a reload.
import { useEffect, useState } from 'preact/hooks';

let waiting: ServiceWorker | null = null;
const listeners = new Set<() => void>();

export function updateWaiting() {
  return waiting !== null;
}
export function onUpdate(f: () => void) {
  listeners.add(f);
  return () => void listeners.delete(f);
}

function found(w: ServiceWorker) {
  waiting = w;
  listeners.forEach((f) => f());
}

/** Tells the waiting worker to take over; the page reloads once it controls it. */
export function applyUpdate() {
  if (!waiting) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  waiting.postMessage('skip-waiting');
}

/** A safe moment: not on a form (its draft is in sessionStorage, but a half-typed field is not). */
export function applyUpdateIfSafe(path: string) {
  if (waiting && !path.startsWith('/new/') && !path.startsWith('/sync')) applyUpdate();
}

export function registerServiceWorker() {
  // Also asked under the dev server, which has no sw.js: the registration fails quietly there.
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').then((reg) => {
    // A worker already waiting from an earlier visit, or one installed while the page is open.
    if (reg.waiting && navigator.serviceWorker.controller) found(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => {
        if (w.state === 'installed' && navigator.serviceWorker.controller) found(w);
      });
    });
    // A phone keeps the app open for days: look for a new version now and then.
    setInterval(() => void reg.update().catch(() => undefined), 60 * 60_000);
  }).catch(() => undefined);
}

export function useUpdateWaiting() {
  const [w, set] = useState(updateWaiting());
  useEffect(() => {
    set(updateWaiting());
    return onUpdate(() => set(true));
  }, []);
  return w;
}
