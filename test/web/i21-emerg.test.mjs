// Issue 21, red alert: a commune health worker raises an alert and the receiving hospital's board,
// open in another session on a phone, hears it over the live stream (server-sent events, the same
// cookie session) within 2 s; the hospital acknowledges it and the commune's stream hears that.
// The hospital account sees the case without the registry (no person.read).
import { BASE, PHONE, DESKTOP, check, ctxOpts, report, run, session, step, watch } from './lib.mjs';

// The hospital signs in through the API on a same-origin page: the board is another engineer's page;
// what is tested here is the stream a browser holds with its cookie.
async function apiSession(browser, user, size) {
  const ctx = await browser.newContext({ ...ctxOpts, ...size });
  const page = await ctx.newPage();
  watch(page, `${user}@${size.viewport.width}`);
  page.setDefaultTimeout(15000);
  await page.goto(BASE + '/api/v1/health');
  const status = await page.evaluate(async (u) => (await fetch('/api/v1/auth/login', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: 'demo-u5-2030' }) })).status, user);
  check(status === 200, `${user} signed in: ${status}`);
  return { ctx, page };
}

// Opens the stream in the page and keeps each `emergency` event with when it came.
async function listen(page) {
  await page.evaluate(() => new Promise((resolve, reject) => {
    window.__events = [];
    const es = new EventSource('/api/v1/emergencies/stream');
    window.__es = es;
    es.addEventListener('hello', () => resolve());
    es.addEventListener('emergency', (e) => window.__events.push({ at: performance.timeOrigin + performance.now(), data: JSON.parse(e.data) }));
    setTimeout(() => reject(new Error('no hello on the stream')), 5000);
  }));
}

const eventFor = (page, id, pred, timeout) =>
  page.waitForFunction(([i, p]) => window.__events.find((e) => e.data.id === i && new Function('x', `return ${p}`)(e.data)),
    [id, pred], { timeout }).then((h) => h.jsonValue());

const api = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch(p, { method: m, credentials: 'same-origin', headers: b ? { 'Content-Type': 'application/json' } : {},
    body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, body: await r.json() };
}, [method, path, body]);

run('i21-emerg', async (browser, setLast) => {
  const hospital = await apiSession(browser, 'benhvien', PHONE);
  const commune = await session(browser, 'demo', DESKTOP);
  setLast(hospital.page);

  step('both sessions open the live stream with their cookie');
  await listen(hospital.page);
  await listen(commune.page);
  const cfg = await api(hospital.page, 'GET', '/api/v1/emergency-config');
  check(cfg.status === 200 && cfg.body.levels[0].id === 'red', 'the configuration is served');

  step('the commune raises a red alert; the hospital hears it within 2 s');
  const t0 = await commune.page.evaluate(() => performance.timeOrigin + performance.now());
  const raised = await api(commune.page, 'POST', '/api/v1/emergencies', {
    patient_kind: 'mother', patient_label: 'Sản phụ Lò Thị Mai, 27 tuổi', level: 'red', reason: 'postpartum_haemorrhage',
    from_orgunit: 'tyt:03390', to_orgunit: 'bv:12-sannhi',
  });
  check(raised.status === 201, `alert raised: ${raised.status} ${JSON.stringify(raised.body)}`);
  const id = raised.body.id;
  const heard = await eventFor(hospital.page, id, 'x.next_step === "acknowledged"', 2000);
  const ms = Math.round(heard.at - t0);
  check(ms < 2000, `the hospital's stream had it after ${ms} ms`);
  report.push(`  alert → hospital stream: ${ms} ms`);
  check(heard.data.patient_label.startsWith('Sản phụ') && !('person_name' in heard.data), 'the hospital sees the label, no registry name');
  const board = await api(hospital.page, 'GET', '/api/v1/emergencies');
  check(board.status === 200 && board.body.items.some((x) => x.id === id), 'the hospital board list has it on reload too');

  step('the hospital acknowledges; the commune hears it');
  const ack = await api(hospital.page, 'POST', `/api/v1/emergencies/${id}/steps`, { step: 'acknowledged', version: raised.body.version });
  check(ack.status === 200 && ack.body.acknowledged_at && ack.body.next_step === 'team_ready', `acknowledged: ${JSON.stringify(ack.body)}`);
  const back = await eventFor(commune.page, id, '!!x.acknowledged_at', 2000);
  check(back.data.version === ack.body.version, 'the commune stream carries the acknowledged version');
  await hospital.page.evaluate(() => window.__es.close());
  await commune.page.evaluate(() => window.__es.close());
});
