// A commune worker's first sync in the browser (issue 26): Chromium at 360 px on the throttled 3G
// profile of the issue (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, CDP
// Network.emulateNetworkConditions), signed in, from the home page's first request to the status line
// saying "Đồng bộ lúc …": every page of GET /sync/changes fetched and written into IndexedDB. Then a
// second sync by "Đồng bộ ngay" with nothing changed, and the size of the offline copy
// (navigator.storage.estimate's IndexedDB share; the shell's Cache Storage apart). Started by
// offline_sync.sh; prints one JSON line.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { signIn } from './sign_in.mjs';

const BASE = process.env.BASE_URL;
const require = createRequire(join(process.env.WEB_DIR, 'package.json'));
const { chromium } = require('playwright-core');
const NET = { offline: false, latency: 150, downloadThroughput: (1600 * 1000) / 8, uploadThroughput: (750 * 1000) / 8 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
const page = await ctx.newPage();
page.setDefaultTimeout(600000);
const cdp = await ctx.newCDPSession(page);
await cdp.send('Network.enable');
const urls = new Map();
let feedBytes = 0;
let feedPages = 0;
cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
cdp.on('Network.loadingFinished', (e) => {
  if ((urls.get(e.requestId) ?? '').includes('/api/v1/sync/changes')) {
    feedBytes += e.encodedDataLength;
    feedPages += 1;
  }
});

// Signed in before the clock starts (the login is not the sync); an initial password is replaced.
const who = await signIn(page, BASE);
// NO_THROTTLE=1: the same sync at loopback speed, the browser's and the server's own share of the time.
if (!process.env.NO_THROTTLE) await cdp.send('Network.emulateNetworkConditions', NET);
const t0 = Date.now();
await page.goto(BASE + '/');
await page.waitForSelector('[data-testid=sync-status][data-syncing=false]:has-text("Đồng bộ lúc")');
const first = (Date.now() - t0) / 1000;

const copy = await page.evaluate(() => new Promise((resolve) => {
  indexedDB.open('u5-offline').onsuccess = (e) => {
    const db = e.target.result;
    const t = db.transaction(['records', 'due'], 'readonly');
    const out = {};
    t.objectStore('records').count().onsuccess = (x) => { out.records = x.target.result; };
    t.objectStore('records').index('type').count('person').onsuccess = (x) => { out.persons = x.target.result; };
    t.objectStore('due').count().onsuccess = (x) => { out.due = x.target.result; };
    t.oncomplete = () => resolve(out);
  };
}));
const estimate = await page.evaluate(async () => {
  const e = await navigator.storage.estimate();
  return { usage: e.usage, details: e.usageDetails ?? null };
});

const t1 = Date.now();
await page.click('[data-testid=sync-now]');
await page.waitForSelector('[data-testid=sync-status][data-syncing=true]', { timeout: 5000 }).catch(() => undefined);
await page.waitForSelector('[data-testid=sync-status][data-syncing=false]');
const again = (Date.now() - t1) / 1000;

console.log(JSON.stringify({
  orgunits: who.orgunits, first_sync_s: first, feed_pages: feedPages, feed_bytes: feedBytes, ...copy,
  indexeddb_bytes: estimate.details?.indexedDB ?? null, storage_usage_bytes: estimate.usage, cache_bytes: estimate.details?.caches ?? null,
  second_sync_nothing_changed_s: again, net: process.env.NO_THROTTLE ? 'loopback' : NET,
}));
await browser.close();
