// The home worklist answered offline from IndexedDB (issue 26, docs/web.md "Offline"): a commune
// worker's first sync at loopback speed, then the network cut (CDP) and the home page opened RUNS times,
// from navigation to the worklist's counts on screen, and to the open alerts' count. The offline
// worklist reads every due entry and, through the card's rule (card.ts dueWithCard), every vaccination
// and newborn record of the commune; the alerts are the last online answer less those whose dose the
// card shows given.
// Started by offline_worklist.sh; prints one JSON line.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { signIn } from './sign_in.mjs';

const BASE = process.env.BASE_URL;
const RUNS = Number(process.env.RUNS ?? 7);
const require = createRequire(join(process.env.WEB_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
const page = await ctx.newPage();
page.setDefaultTimeout(600000);
const cdp = await ctx.newCDPSession(page);
await cdp.send('Network.enable');

const who = await signIn(page, BASE);
await page.goto(BASE + '/');
await page.waitForSelector('[data-testid=sync-status][data-syncing=false]:has-text("Đồng bộ lúc")');
await page.waitForSelector('[data-testid=alerts-count]');
const online = await page.textContent('[data-testid=worklist-count]') + ' · ' + await page.textContent('[data-testid=alerts-count]');

await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
await ctx.setOffline(true);
const times = [];
const alertTimes = [];
let offline = '';
for (let i = 0; i < RUNS; i++) {
  const t0 = Date.now();
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-testid=worklist-count]');
  times.push((Date.now() - t0) / 1000);
  await page.waitForSelector('[data-testid=alerts-count]');
  alertTimes.push((Date.now() - t0) / 1000);
  offline = await page.textContent('[data-testid=worklist-count]') + ' · ' + await page.textContent('[data-testid=alerts-count]');
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ orgunits: who.orgunits, online_count: online, offline_count: offline, runs: times, median_s: median(times), alerts_runs: alertTimes, alerts_median_s: median(alertTimes) }));
await browser.close();
