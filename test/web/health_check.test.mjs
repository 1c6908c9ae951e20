// Issue 21, periodic child health check, as the commune worker `demo` meets it on a phone: a child
// due a check on the worklist (narrowed to health checks), the form with the milestones of the
// child's age band (the server's data/schedules/milestones.json) and the child's vaccines due, saved
// with the z-scores shown, then listed on the handbook and no longer due.
import { BASE, PHONE, axe, check, overflowBeyond, report, run, session, shot, step } from './lib.mjs';

const getJson = (page, path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
// Plausible weight (kg) and length (cm) at the start of each band (WHO medians, rounded).
const SIZE = { m2_3: [5.4, 58.5], m4_6: [6.9, 64.5], m7_9: [8.2, 69.5], m10_12: [9.0, 73.5], m13_18: [9.8, 77.5],
  m19_23: [11.0, 83.0], m24_35: [12.2, 87.0], m36_47: [14.3, 96.0], m48_59: [16.3, 103.0] };
// The band as the handbook names it in Vietnamese.
const BAND_VI = { m2_3: '2–3 tháng', m4_6: '4–6 tháng', m7_9: '7–9 tháng', m10_12: '10–12 tháng', m13_18: '13–18 tháng',
  m19_23: '19–23 tháng', m24_35: '24–35 tháng', m36_47: '36–47 tháng', m48_59: '48–59 tháng' };

run('health_check', async (browser, setLast) => {
  const { page } = await session(browser, 'demo', PHONE);
  setLast(page);

  step('the worklist narrowed to health checks lists a child due one');
  await page.goto(BASE + '/?kind=health_check');
  await page.waitForSelector('[data-testid=worklist-count]', { timeout: 90000 });
  check((await page.inputValue('#wl-kind')) === 'health_check', 'the kind filter offers health checks');
  const row = page.locator('[data-testid=worklist] [data-item^="health_check."][data-status=due], [data-testid=worklist] [data-item^="health_check."][data-status=overdue]').first();
  await row.waitFor({ timeout: 30000 });
  const item = await row.getAttribute('data-item');
  const personId = await row.evaluate((e) => e.closest('[data-person]').getAttribute('data-person'));
  const bandId = item.split('.')[1];
  report.push(`worklist: ${await page.textContent('[data-testid=worklist-count]')}; first due: ${item} for ${personId}`);
  const items = await page.locator('[data-testid=worklist] [data-item]').evaluateAll((es) => es.map((e) => e.getAttribute('data-item')));
  check(items.every((i) => i.startsWith('health_check.')), `health checks only: ${items.slice(0, 5)}`);
  await axe(page, 'worklist of health checks', { strict: true });

  step('the form shows the child\'s band, its milestones and the vaccines due');
  await row.locator('a').click();
  await page.waitForSelector('[data-testid=form-health_check]');
  check(page.url().includes(`/new/health_check?person=${personId}`), `the form of that child: ${page.url()}`);
  check((await page.getAttribute('[data-testid=hc-band]', 'data-band')) === bandId, `band ${bandId} shown`);
  const bands = await getJson(page, '/api/v1/schema');
  const hcType = bands.types.find((x) => x.type === 'health_check');
  check(hcType && hcType.collection === 'health-checks', 'the server knows health checks');
  const boxes = page.locator('[data-testid=hc-milestones] input[type=checkbox]');
  const n = await boxes.count();
  check(n >= 3, `the band's milestones as checkboxes: ${n}`);
  const legend = await page.textContent('[data-testid=hc-milestones] legend');
  check(legend.includes('Mốc phát triển'), `Vietnamese first: "${legend}"`);
  await page.waitForSelector('[data-testid=hc-vaccines]');
  const vaccines = await page.locator('[data-testid=hc-vaccines] [data-item]').count();
  const due = await getJson(page, `/api/v1/persons/${personId}/due`);
  const openDoses = due.items.filter((i) => i.group === 'epi' && (i.status === 'due' || i.status === 'overdue')).length;
  check(vaccines === openDoses, `the vaccines due or overdue: ${vaccines} shown, ${openDoses} in the due list`);
  if (openDoses === 0) check(await page.isVisible('[data-testid=hc-vaccines-ok]'), 'says the child is up to date');
  check((await overflowBeyond(page, 360)) <= 0, 'nothing wider than the phone');
  await axe(page, 'health check form on a phone', { strict: true });
  await shot(page, 'phone-health-check-form');

  step('fill it: every milestone but the last achieved, weight and length, conclusion, counselling');
  for (let i = 0; i < n - 1; i++) await boxes.nth(i).check();
  const [w, l] = SIZE[bandId];
  await page.fill('#hc-weight_kg', String(w).replace('.', ','));
  await page.fill('#hc-length_cm', String(l).replace('.', ','));
  await page.selectOption('#hc-measure', bandId.match(/^m(2|4|7|10|13|19)_/) ? 'l' : 'h');
  await page.selectOption('#hc-development', 'on_track');
  await page.selectOption('#hc-conclusion', 'needs_follow_up');
  await page.locator('[data-testid=form-health_check] input[name=counselling]').first().check();
  await page.click('form button[type=submit]');

  step('saved: the z-scores are shown');
  await page.waitForSelector('[data-testid=hc-saved]', { timeout: 30000 });
  const z = await page.textContent('[data-testid=z_wfa]');
  check(/^[−-]?\d+([,.]\d+)?$/.test(z.trim()), `weight-for-age z shown: "${z}"`);
  await axe(page, 'health check saved', { strict: true });
  await shot(page, 'phone-health-check-saved');

  step('the handbook lists the check and the growth measurement; the band is done');
  await page.click('[data-testid=hc-back]');
  await page.waitForSelector('[data-testid=person-name]');
  const hb = await getJson(page, `/api/v1/persons/${personId}/handbook`);
  const rec = hb.events.filter((e) => e.type === 'health_check' && e.age_band === bandId).pop();
  check(rec && rec.milestones_not_achieved?.length === 1 && rec.milestones_achieved?.length === n - 1 && rec.conclusion === 'needs_follow_up',
    `stored with its band and milestones: ${JSON.stringify(rec)}`);
  check(hb.events.some((e) => e.type === 'growth' && e.date === rec.date && e.weight_kg === w), 'the growth measurement recorded alongside');
  const entry = page.locator(`.tl-item[data-type=health_check]:has(time[datetime="${rec.date}"])`).first();
  await entry.waitFor({ timeout: 30000 });
  const summary = await entry.locator('.tl-summary').textContent();
  check(summary.includes('Cần theo dõi thêm') && summary.includes(BAND_VI[bandId] ?? ''), `timeline entry: "${summary}"`);
  await page.waitForLoadState('networkidle');
  check((await page.locator(`[data-testid=due-list] [data-item="${item}"]`).count()) === 0, `${item} is off the handbook's due list`);
  const after = await getJson(page, `/api/v1/persons/${personId}/due`);
  check(after.items.find((i) => i.id === item)?.status === 'done', `${item} done in the care engine`);
  check((await overflowBeyond(page, 360)) <= 0, 'handbook: nothing wider than the phone');

  step('off the due list of the worklist');
  const wl = await getJson(page, '/api/v1/worklist?kind=health_check');
  const still = wl.villages.some((v) => v.persons.some((p) => p.person_id === personId && p.items.some((i) => i.id === item)));
  check(!still, `${item} no longer on the worklist for the child`);
  await page.goto(BASE + '/?kind=health_check');
  await page.waitForSelector('[data-testid=worklist-count]', { timeout: 60000 });
  check((await page.locator(`[data-testid=worklist] [data-person="${personId}"] [data-item="${item}"]`).count()) === 0, 'not shown on the worklist');
  report.push(`saved ${item} for ${personId}: z weight-for-age ${z}; vaccines due shown: ${vaccines}`);
});
