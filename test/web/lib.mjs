// Shared by the browser tests (test/web/*.test.mjs, each started by run.sh against its own server):
// launching Chromium, logging in, watching for console errors and failed requests, axe, screenshots.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.BASE_URL;
export const OUT = process.env.ARTIFACTS;
export const WEB = process.env.WEB_DIR;
const require = createRequire(join(WEB, 'package.json'));
const { chromium } = require('playwright-core');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const problems = []; // console errors and failed requests outside the steps that expect them
export const report = [];
let expected = null; // [{status, path}] a step expects to fail, e.g. the wrong password
const state = { step: 'start' };

export function step(name) {
  state.step = name;
}

export function check(cond, msg) {
  if (!cond) throw new Error(`[${state.step}] ${msg}`);
}

export const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
export const daysAgo = (n) => iso(new Date(Date.now() - n * 86400000));

export function watch(page, label) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs each non-2xx fetch as a console error; those are judged by status below.
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(m.text())) return;
    problems.push(`${label} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A step that navigates on while a lazy chunk (ECharts) or a data request is still loading aborts
    // it: that is the browser leaving the page, not a failure of the app (a page that needed the answer
    // fails its own step by not showing it).
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`${label} request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const path = new URL(r.url()).pathname;
    if (expected && expected.some((e) => e.status === r.status() && path.startsWith(e.path))) return;
    problems.push(`${label} ${r.status()} ${r.request().method()} ${path} during ${state.step}`);
  });
}

export async function expecting(list, f) {
  expected = list;
  try {
    return await f();
  } finally {
    expected = null;
  }
}

// WCAG 2.1 AA rules. `strict` fails on any violation; otherwise only on serious and critical ones.
export async function axe(page, name, { strict = false } = {}) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
  });
  const bad = strict ? r : r.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  report.push(`axe ${name}: ${r.length ? r.map((v) => `${v.id}(${v.impact}, ${v.nodes}: ${v.target})`).join('; ') : 'no violations'}`);
  check(bad.length === 0, `accessibility violations on ${name}: ${JSON.stringify(bad)}`);
}

export async function shot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(150); // let canvases paint after the last response
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

export async function unlabelledInputs(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')].filter((el) => {
      if (el.type === 'hidden') return false;
      const id = el.id && document.querySelector(`label[for="${el.id}"]`);
      return !id && !el.closest('label') && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
    }).map((el) => el.name || el.id || el.outerHTML.slice(0, 60)));
}

export async function login(page, user, viaKeyboard = false) {
  await page.goto(BASE + '/login');
  await page.waitForSelector('#username');
  if (viaKeyboard) {
    // Keyboard only: focus moves username → password → submit with Tab, Enter submits.
    await page.focus('#username');
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement?.id === 'password'), 'Tab from the user name reaches the password');
    await page.keyboard.type('demo-u5-2030');
    await page.keyboard.press('Enter');
  } else {
    await page.fill('#username', user);
    await page.fill('#password', 'demo-u5-2030');
    await page.click('button[type=submit]');
  }
  await page.waitForSelector('nav.nav');
  // The page landed on after login fetches its data (the home worklist, the dashboard); a step that
  // navigates on at once aborts those fetches, which is the test leaving early, not the app failing.
  await page.waitForLoadState('networkidle');
}

// A logged-in page in a new context. `phone` is 360 × 740 with touch, as a health worker's phone.
export const ctxOpts = { bypassCSP: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

export async function session(browser, user, size = DESKTOP, extra = {}) {
  const ctx = await browser.newContext({ ...ctxOpts, ...size, ...extra });
  const page = await ctx.newPage();
  watch(page, `${user}@${size.viewport.width}`);
  page.setDefaultTimeout(15000);
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(page, user, false));
  return { ctx, page };
}

// How far the page reaches beyond the viewport width it was given. Under mobile emulation
// `innerWidth` grows with the page, so compare with the width set, not with innerWidth.
// The offline tests' start: the demo commune worker logged in on a phone, with a DevTools session
// whose Network domain can cut the page's connection (Network.emulateNetworkConditions).
export async function demoOnPhoneWithCdp(browser, setLast) {
  const ctx = await browser.newContext({ ...ctxOpts, ...PHONE });
  const page = await ctx.newPage();
  watch(page, 'demo@phone');
  page.setDefaultTimeout(20000);
  setLast(page);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(page, 'demo'));
  return { ctx, page, cdp };
}

export async function overflowBeyond(page, width) {
  return page.evaluate((w) => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - w, width);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// Runs `body(browser)` and ends the process non-zero on a failed check, a console error or a failed
// request; the report goes to stdout and to $ARTIFACTS/<name>.txt.
export async function run(name, body) {
  const browser = await launch();
  let lastPage = null;
  try {
    await body(browser, (p) => { lastPage = p; });
    check(problems.length === 0, `console errors or failed requests:\n${problems.join('\n')}`);
    report.push('all steps passed');
    console.log(report.join('\n'));
  } catch (e) {
    console.error(report.join('\n'));
    console.error(String(e.stack || e));
    if (problems.length) console.error('also:\n' + problems.join('\n'));
    try {
      if (lastPage) await lastPage.screenshot({ path: join(OUT, `${name}-failure.png`), fullPage: true });
    } catch {}
    process.exitCode = 1;
  } finally {
    writeFileSync(join(OUT, `${name}.txt`), report.join('\n') + '\n');
    await browser.close();
  }
}
