// A health worker's first session on a slow phone: bytes over the wire and the handbook's time.
// Chromium (Playwright over CDP) at 360 px with an empty cache, on emulated 3G (750 kbit/s down,
// 250 kbit/s up, 100 ms round trip) and a CPU slowed 4×: the login page, signing in as `demo`
// (the home worklist), the first child of the worklist (the handbook), then the dashboard, each by
// a click in the app as a person would. Bytes are CDP's Network.loadingFinished.encodedDataLength
// (headers and body as received). Started by bench/web/first_session.sh, which serves the app.
// Env: BASE_URL, WEB_DIR (for playwright-core), CHROMIUM; prints one JSON line and a table.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const require = createRequire(join(process.env.WEB_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const NET = { offline: false, latency: 100, downloadThroughput: (750 * 1000) / 8, uploadThroughput: (250 * 1000) / 8 };
const CPU_SLOWDOWN = 4;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const ctx = await browser.newContext({
  viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh',
});
const page = await ctx.newPage();
page.setDefaultTimeout(120000);
const cdp = await ctx.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
await cdp.send('Network.emulateNetworkConditions', NET);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });

// Every finished request is charged to the phase under way when it finished.
const phases = [];
let current = null;
const urls = new Map();
cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '' }));
cdp.on('Network.loadingFinished', (e) => {
  if (!current) return;
  current.bytes += e.encodedDataLength;
  const u = urls.get(e.requestId);
  current.requests.push({ path: u ? new URL(u.url).pathname : '?', bytes: e.encodedDataLength, encoding: u?.encoding || '' });
});

async function phase(name, body) {
  current = { name, bytes: 0, requests: [], ms: 0 };
  phases.push(current);
  const t0 = performance.now();
  await body();
  current.ms = Math.round(performance.now() - t0);
  await page.waitForLoadState('networkidle');
  current = null;
}

// Follows an in-app link as a tap would, whether or not the phone layout shows it.
const follow = (selector) => page.evaluate((s) => document.querySelector(s).click(), selector);

await phase('login page', async () => {
  await page.goto(BASE + '/login');
  await page.waitForSelector('#username');
});
await phase('worklist', async () => {
  await page.fill('#username', 'demo');
  await page.fill('#password', 'demo-u5-2030');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=worklist-count]');
  await page.waitForFunction(() => !document.querySelector('main .loading'));
});
let handbookName = 0;
await phase('handbook', async () => {
  const t0 = performance.now();
  // The first child of the week's worklist (a child's entry names the mother).
  await page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid=worklist] .work-person')];
    const child = rows.find((li) => li.querySelector('.meta')?.textContent.includes('mẹ:')) ?? rows[0];
    child.querySelector('a[href^="/persons/"]').click();
  });
  await page.waitForSelector('[data-testid=person-name]');
  handbookName = Math.round(performance.now() - t0);
  // Content ready: nothing still loading, and the child's growth chart drawn.
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=growth-chart]');
    return !document.querySelector('main .loading') && (!c || c.dataset.ready === '1');
  });
});
await phase('dashboard', async () => {
  await follow('a[href="/dashboard"]');
  await page.waitForSelector('[data-testid=kpi]');
  // Content ready: nothing still loading, and every chart (the trend, the commune map) drawn.
  await page.waitForFunction(() => {
    const charts = [...document.querySelectorAll('main .chart')];
    return !document.querySelector('main .loading') && charts.length > 0 && charts.every((c) => c.dataset.ready === '1');
  });
});
await browser.close();

const total = phases.reduce((s, p) => s + p.bytes, 0);
const kb = (n) => (n / 1000).toFixed(1);
for (const p of phases) {
  console.log(`${p.name.padEnd(11)} ${kb(p.bytes).padStart(8)} kB  ${String(p.ms).padStart(6)} ms`);
  for (const r of p.requests) console.log(`    ${kb(r.bytes).padStart(8)} kB  ${(r.encoding || '-').padEnd(4)} ${r.path}`);
}
console.log(`total       ${kb(total).padStart(8)} kB; handbook: name after ${handbookName} ms, content ready after ${phases[2].ms} ms`);
console.log(JSON.stringify({ total_bytes: total, phases: phases.map(({ name, bytes, ms }) => ({ name, bytes, ms })), handbook_name_ms: handbookName, handbook_ready_ms: phases[2].ms, network: NET, cpu_slowdown: CPU_SLOWDOWN }));
