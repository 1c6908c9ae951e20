// Issue 21, "Red alert: emergency referral", as the two sides meet it. The province hospital's
// account `benhvien` has the live board open on a desktop; the commune worker `demo` raises a red
// alert on a 360 px phone through the form. The card must reach the hospital's board within 2 s,
// without a reload (server-sent events); the hospital acknowledges, first with a time before the
// alert (the server's 422 is shown on the time field), then with the current time; the commune's
// board shows the step. Form and board pass axe (strict) and fit the phone.
import { join } from 'node:path';
import { BASE, OUT, PHONE, DESKTOP, axe, check, ctxOpts, expecting, overflowBeyond, report, run, shot, step, watch } from './lib.mjs';

const getJson = (page, path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
const dmy = (d) => `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
const card = (id) => `[data-testid=em-card][data-id="${id}"]`;

// A board keeps its event stream open, so the network is never idle there: lib's session() and shot()
// wait for that; these wait for what the page shows instead.
async function openSession(browser, user, size) {
  const ctx = await browser.newContext({ ...ctxOpts, ...size });
  const page = await ctx.newPage();
  watch(page, `${user}@${size.viewport.width}`);
  page.setDefaultTimeout(15000);
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], async () => {
    await page.goto(BASE + '/login?next=/emergencies');
    await page.fill('#username', user);
    await page.fill('#password', 'demo-u5-2030');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=live][data-state=live]', { timeout: 10000 });
  });
  return { ctx, page };
}
const snap = async (page, name) => {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
};

run('redalert', async (browser, setLast) => {
  step('the hospital opens its board');
  const hospital = await openSession(browser, 'benhvien', DESKTOP);
  const h = hospital.page;
  setLast(h);
  const me = await getJson(h, '/api/v1/auth/me');
  const hospitalUnit = me.orgunits[0];
  await h.waitForSelector('[data-testid=em-list-open], [data-testid=no-data]');
  // Set on the page: still there after the alert arrives means the board was not reloaded.
  await h.evaluate(() => { window.__sameBoard = true; });
  await axe(h, 'board (desktop)', { strict: true });

  step('the commune worker fills the form on a phone');
  const commune = await openSession(browser, 'demo', PHONE);
  const c = commune.page;
  setLast(c);
  await c.goto(BASE + '/emergencies/new');
  await c.waitForSelector('[data-testid=emergency-form]');
  // Hospitals are filed under the commune where they stand: choose that commune, then the hospital.
  const hospitalCommune = (await getJson(c, '/api/v1/orgunits?ids=' + encodeURIComponent(hospitalUnit))).items[0].parent;
  await c.waitForSelector(`#em-to_area option[value="${hospitalCommune}"]`, { state: 'attached', timeout: 10000 });
  await axe(c, 'raise form (phone)', { strict: true });
  check((await overflowBeyond(c, 360)) <= 0, 'the form fits a 360 px phone');
  await shot(c, 'phone-raise-form');
  // Nothing chosen yet: every missing field is named at once, nothing is sent.
  await c.click('[data-testid=em-submit]');
  await c.waitForSelector('[data-testid=error-patient_kind]');
  check(await c.isVisible('[data-testid=error-to_orgunit]'), 'the missing destination is named too');
  const label = `Lò Thị Mai (thử ${Date.now() % 100000})`;
  await c.check('input[name=patient_kind][value=mother]');
  check(await c.isChecked('input[name=level][value=red]'), 'red is the level offered first');
  const reasons = await c.locator('#em-reason option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  check(reasons.includes('eclampsia') && !reasons.includes('newborn_asphyxia'), `a mother's reasons only: ${reasons}`);
  await c.selectOption('#em-reason', 'eclampsia');
  await c.fill('#em-patient_label', label);
  await c.selectOption('#em-to_area', hospitalCommune);
  await c.waitForSelector(`#em-to_orgunit option[value="${hospitalUnit}"]`, { state: 'attached', timeout: 10000 });
  await c.selectOption('#em-to_orgunit', hospitalUnit);
  await c.fill('#em-note', 'Co giật, HA 170/110, đã tiêm magie sulfat');

  step('the alert reaches the hospital board within 2 s, without a reload');
  const seen = h.waitForFunction((l) => [...document.querySelectorAll('[data-testid=em-card]')].some((e) => e.textContent.includes(l)), label,
    { timeout: 10000, polling: 'raf' });
  const posted = c.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/emergencies');
  const t0 = Date.now();
  await c.click('[data-testid=em-submit]');
  const res = await posted;
  const tPosted = Date.now();
  check(res.status() === 201, `POST /emergencies answered ${res.status()}`);
  const created = await res.json();
  await seen;
  const ms = Date.now() - t0;
  report.push(`red alert on the hospital board ${ms} ms after the click (POST answered after ${tPosted - t0} ms)`);
  check(ms < 2000, `the alert appeared after ${ms} ms (limit 2000)`);
  check(await h.evaluate(() => window.__sameBoard === true), 'the board was not reloaded');
  const said = await h.textContent('[data-testid=em-announce]');
  check(said.includes(label) && said.includes('Báo động đỏ'), `the new alert is said to screen readers: "${said}"`);
  const hc = h.locator(card(created.id));
  check((await hc.getAttribute('data-level')) === 'red', 'the card is red');
  const levelText = (await hc.locator('[data-testid=em-level]').textContent()).trim();
  check(levelText.length > 0, 'the level is said in words, not colour alone');
  check((await hc.textContent()).includes('→'), 'the card shows from → to');
  // The timer runs: its seconds move on without a reload.
  const timer = `${card(created.id)} [data-testid=em-since-alert]`;
  const first = await h.textContent(timer);
  check(/\d+ phút \d{2} giây/.test(first), `the time since the alert, with its units: "${first}"`);
  await h.waitForFunction(([s, v]) => document.querySelector(s)?.textContent !== v, [timer, first], { timeout: 3000 });

  step('the commune board shows the alert waiting for the hospital');
  await c.waitForURL(/\/emergencies/);
  await c.waitForSelector(card(created.id));
  check(await c.isVisible(`${card(created.id)} [data-testid=em-waiting]`), 'the sending side waits for the acknowledgement');
  check((await c.locator(`${card(created.id)} [data-testid=em-next]`).count()) === 0, 'no acknowledge button for the sending side');
  await axe(c, 'board (phone)', { strict: true });
  check((await overflowBeyond(c, 360)) <= 0, 'the board fits a 360 px phone');
  await snap(c, 'phone-board');

  step('an acknowledgement dated before the alert is refused on the time field');
  await hc.locator('[data-testid=em-next][data-step=acknowledged]').click();
  const at = `#st-at-${created.id}`;
  await h.fill(at, dmy(new Date(Date.now() - 86400000)));
  await h.fill(`${at}-time`, '07:00');
  const refused = h.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/steps'));
  await expecting([{ status: 422, path: `/api/v1/emergencies/${created.id}/steps` }], async () => {
    await hc.locator('[data-testid=step-save]').click();
    const r = await refused;
    check(r.status() === 422, `an out-of-order time answers ${r.status()}`);
    const body = await r.json();
    check(body.field === 'at' || (body.errors ?? []).some((e) => e.field === 'at'), `the 422 names at: ${JSON.stringify(body)}`);
    await hc.locator('[data-testid=error-at]').waitFor();
  });
  check((await h.getAttribute(at, 'aria-invalid')) === 'true', 'the time field is marked invalid');
  check(await h.evaluate((s) => document.activeElement?.id === s.slice(1), at), 'focus moved to the time field');
  report.push(`out-of-order time: "${(await hc.locator('[data-testid=error-at]').textContent()).trim()}"`);
  await axe(h, 'board with a refused step', { strict: true });
  await snap(h, 'desktop-step-refused');

  step('the hospital acknowledges now; the commune sees the step');
  await hc.locator('button', { hasText: /Hủy/ }).click();
  await hc.locator('[data-testid=em-next][data-step=acknowledged]').click();
  const t1 = Date.now();
  await hc.locator('[data-testid=step-save]').click();
  await h.waitForSelector(`${card(created.id)}[data-step=acknowledged]`);
  await c.waitForSelector(`${card(created.id)}[data-step=acknowledged]`, { timeout: 5000 });
  report.push(`acknowledgement on the commune board ${Date.now() - t1} ms after the click`);
  const after = await getJson(h, `/api/v1/emergencies/${created.id}`);
  check(after.acknowledged_at && after.next_step === 'team_ready', `acknowledged, next team_ready: ${after.next_step}`);
  check(await h.isVisible(`${card(created.id)} [data-testid=em-next][data-step=team_ready]`), 'the hospital is offered the next step');
  await snap(h, 'desktop-board');
  await snap(c, 'phone-board-acknowledged');

  step('the board in English');
  await h.click('[data-testid=lang-switch]');
  await h.waitForFunction(() => document.documentElement.lang === 'en');
  const english = await hc.textContent();
  check(/Red alert/.test(english) && /Since the alert/.test(english) && /min \d{2} s/.test(english), `the card in English: "${english}"`);
  check((await h.textContent('[data-testid=live]')).includes('Live'), 'the live badge in English');
  await h.click('[data-testid=lang-switch]');
  await h.waitForFunction(() => document.documentElement.lang === 'vi');

  step('the rest of the timeline, each step by the side that owns it, to the outcome');
  const enter = async (page, stepId) => {
    const box = page.locator(card(created.id));
    await box.locator(`[data-testid=em-next][data-step=${stepId}]`).click();
    if (stepId === 'outcome') await box.locator('input[type=radio][value=alive]').check();
    await box.locator('[data-testid=step-save]').click();
  };
  for (const [page, other, stepId] of [[h, c, 'team_ready'], [c, h, 'departed'], [h, c, 'arrived'], [h, c, 'treatment_started']]) {
    await enter(page, stepId);
    await other.waitForSelector(`${card(created.id)}[data-step=${stepId}]`, { timeout: 5000 });
  }
  await enter(h, 'outcome');
  // Closed, the case leaves both boards' open lists, through the stream on the commune's.
  await h.waitForSelector(card(created.id), { state: 'detached' });
  await c.waitForSelector(card(created.id), { state: 'detached', timeout: 5000 });
  await h.click('[data-testid=em-tab-closed]');
  await h.waitForSelector(`[data-testid=em-list-closed] ${card(created.id)}[data-step=outcome]`);
  check(new URL(h.url()).searchParams.get('tab') === 'closed', 'the tab is kept in the URL');
  const outcomeText = await h.textContent(`${card(created.id)} [data-testid=em-step]`);
  check(/Sống/.test(outcomeText), `the outcome is shown: "${outcomeText}"`);
  await axe(h, 'closed tab', { strict: true });
  await snap(h, 'desktop-closed');

  step('from a mother\'s handbook the form opens with her preset');
  const found = await getJson(c, '/api/v1/persons/search?q=nguyen&limit=50');
  const woman = found.items.find((p) => p.mother)?.mother;
  check(woman, 'a child with a recorded mother in the demo commune');
  await c.goto(`${BASE}/persons/${woman.id}`);
  await c.click('[data-testid=raise-emergency]');
  await c.waitForSelector('[data-testid=emergency-form]');
  await c.waitForFunction((n) => document.querySelector('[data-testid=em-person]')?.textContent === n, woman.full_name);
  check(await c.isChecked('input[name=patient_kind][value=mother]'), 'a woman is raised as a mother');

  step('the interval statistics');
  await h.goto(BASE + '/emergencies/stats');
  await h.waitForSelector('[data-testid=em-stats-table], [data-testid=no-data]', { timeout: 15000 });
  await axe(h, 'statistics', { strict: true });
  await shot(h, 'desktop-stats');
  await c.goto(BASE + '/emergencies/stats');
  await c.waitForSelector('[data-testid=em-stats-table], [data-testid=no-data]', { timeout: 15000 });
  check((await overflowBeyond(c, 360)) <= 0, 'the statistics fit a 360 px phone');
  await hospital.ctx.close();
  await commune.ctx.close();
});
