// The service worker of the app (docs/web.md "Offline"), written into dist/sw.js by
// service-worker.ts with the build's file list. It keeps the app's shell so that a reload without
// signal opens the app; data is not its business (IndexedDB, src/lib/offline). A new build is a new
// worker: it installs beside the old one and waits until the page tells it to take over.
const VERSION = __VERSION__;
const SHELL = __SHELL__;
const CACHE = 'u5-shell-' + VERSION;
const RUNTIME = 'u5-runtime';

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)));
});

self.addEventListener('message', (e) => {
  if (e.data === 'skip-waiting') self.skipWaiting();
});

// No clients.claim(): a page keeps the worker it started with; the next load gets the new one.
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('u5-shell-') && k !== CACHE).map((k) => caches.delete(k)))));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  // The API (the app decides about data itself) and the public pages (a page of their own) go to the network.
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/public')) return;
  if (req.mode === 'navigate') {
    // Every address of the app is the same page: this version's index.html.
    e.respondWith(caches.open(CACHE).then((c) => c.match('/')).then((hit) => hit || fetch(req)));
    return;
  }
  e.respondWith(caches.match(req, { ignoreSearch: url.pathname.startsWith('/geo/') }).then((hit) => hit || fetch(req).then((res) => {
    // Map data, fetched when a map is first drawn: kept for the next time offline.
    if (res.ok && url.pathname.startsWith('/geo/')) {
      const copy = res.clone();
      caches.open(RUNTIME).then((c) => c.put(req, copy));
    }
    return res;
  })));
});
