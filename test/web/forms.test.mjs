// Issue 20, items 4 and 9 (parts): forms as a health worker meets them in an English-language
// browser. Dates are entered and shown as dd/mm/yyyy whatever the browser's locale; an empty form
// shows every missing field at once, and so does the API's 422; the users list tells the demo
// accounts' known password from an initial one and shows local times; the audit trail reads newest
// first; the growth chart flags weight loss and a flat weight.
import { BASE, step, check, report, iso, session, expecting, axe, shot, run, overflowBeyond, DESKTOP, PHONE } from './lib.mjs';

const dmy = (isoDate) => isoDate.split('-').reverse().join('/');
const addDays = (isoDate, n) => {
  const [y, m, d] = isoDate.split('-').map(Number);
  return iso(new Date(y, m - 1, d + n));
};
const today = iso(new Date());
// A date whose day/month order matters: day ≤ 12 and day ≠ month, so mm/dd reads another real date.
let visit = today;
while (+visit.slice(8) > 12 || +visit.slice(8) === +visit.slice(5, 7)) visit = addDays(visit, -1);

const api = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch('/api/v1' + p, { method: m, headers: b ? { 'Content-Type': 'application/json' } : {}, body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, body: await r.json() };
}, [method, path, body]);

await run('forms', async (browser, last) => {
  // An English-language browser (mm/dd/yyyy for <input type=date>) at a Vietnamese health station.
  const { ctx, page } = await session(browser, 'demo', DESKTOP, { locale: 'en-US' });
  last(page);

  step('a child of ten months, registered through the API');
  const me = (await api(page, 'GET', '/auth/me')).body;
  const made = await api(page, 'POST', '/persons', { full_name: 'Lò Văn Cân', sex: 'male', birth_date: addDays(today, -300), orgunit: me.orgunits[0], village: 'Bản Lịch' });
  check(made.status === 201, `child registered: ${JSON.stringify(made.body)}`);
  const child = made.body;
  const childId = child.id;

  step('a visit date typed dd/mm/yyyy in an en-US browser saves that day');
  await page.goto(`${BASE}/new/growth?person=${childId}`);
  await page.waitForSelector('[data-testid=form-growth]');
  const shownToday = await page.inputValue('#f-date');
  await page.fill('#f-date', '');
  await page.locator('#f-date').pressSequentially(dmy(visit));
  await page.fill('#f-weight_kg', '7,6');
  const typedAs = await page.inputValue('#f-date');
  await expecting([{ status: 422, path: '/api/v1/growth-measurements' }], async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=person-name], .field-error, [data-testid=form-error]');
  });
  const refused = await page.locator('.field-error, [data-testid=form-error]').allTextContents();
  check(refused.length === 0, `"${dmy(visit)}" was read as ${typedAs} and refused: ${refused}`);
  const hb = (await api(page, 'GET', `/persons/${childId}/handbook`)).body;
  const saved = hb.events.filter((e) => e.type === 'growth').map((e) => e.date);
  report.push(`typed ${dmy(visit)} in en-US: saved ${saved}`);
  check(saved.length === 1 && saved[0] === visit, `"${dmy(visit)}" saves ${visit}, not the mm/dd reading: ${saved}`);
  check(shownToday === dmy(today), `the visit date showed today as dd/mm/yyyy: "${shownToday}" (today ${dmy(today)})`);

  step('a date-time is a dd/mm/yyyy date and a 24-hour time');
  await page.goto(`${BASE}/new/referral?person=${childId}`);
  await page.waitForSelector('[data-testid=form-referral]');
  await page.fill('#f-reason', 'Sốt cao');
  await page.fill('#f-to_facility_name', 'Bệnh viện huyện');
  await page.locator('#f-referred_at').pressSequentially(dmy(visit));
  await page.locator('#f-referred_at-time').pressSequentially('0930');
  check((await page.inputValue('#f-referred_at-time')) === '09:30', `the time gets its colon: ${await page.inputValue('#f-referred_at-time')}`);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  const referral = (await api(page, 'GET', `/persons/${childId}/handbook`)).body.events.find((e) => e.type === 'referral');
  check(referral?.referred_at?.startsWith(`${visit}T09:30`), `referred at ${visit} 09:30: ${referral?.referred_at}`);

  step('an empty registration form shows every missing field at once');
  await page.goto(BASE + '/new/child');
  await page.waitForSelector('[data-testid=form-child]');
  await expecting([{ status: 422, path: '/api/v1/persons' }], async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('.field-error');
  });
  const shown = await page.locator('.field-error').evaluateAll((es) => es.map((e) => e.dataset.testid));
  report.push(`empty form errors: ${shown.join(', ')}`);
  for (const f of ['full_name', 'sex', 'birth_date'])
    check(shown.includes('error-' + f) && (await page.getAttribute('#f-' + f, 'aria-invalid')) === 'true', `${f} is marked missing beside the field (${shown})`);
  check(await page.evaluate(() => document.activeElement?.id === 'f-full_name'), 'focus moves to the first missing field');
  await axe(page, 'empty form errors', { strict: true });
  await shot(page, 'forms-empty-errors');

  step('the API lists every faulty field of a 422');
  const bad = await expecting([{ status: 422, path: '/api/v1/persons' }], () =>
    api(page, 'POST', '/persons', { orgunit: me.orgunits[0], birth_date: '2026-02-31', phone: '123' }));
  const fields = (bad.body.errors ?? []).map((e) => e.field).sort();
  report.push(`422 errors: ${JSON.stringify(bad.body.errors)}`);
  check(bad.status === 422 && bad.body.field && bad.body.message, `the top-level field and message stay: ${JSON.stringify(bad.body)}`);
  check(JSON.stringify(fields) === JSON.stringify(['birth_date', 'full_name', 'phone', 'sex']), `every faulty field is listed: ${fields}`);
  check((bad.body.errors ?? []).every((e) => typeof e.reason === 'string' && e.reason), 'each with its reason');

  step('an impossible date is refused beside its field, naming it');
  await page.fill('#f-full_name', 'Lò Văn Ngày');
  await page.selectOption('#f-sex', 'male');
  await page.fill('#f-village', 'Bản Lịch');
  await page.locator('#f-birth_date').pressSequentially('31/02/2026');
  check((await page.inputValue('#f-birth_date')) === '31/02/2026', `the birth date shows as typed: "${await page.inputValue('#f-birth_date')}"`);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=error-birth_date]');
  const dateErr = await page.textContent('[data-testid=error-birth_date]');
  check(dateErr.includes('Ngày sinh') && dateErr.includes('31/02/2026'), `the error names the field and the date: "${dateErr}"`);
  check((await page.getAttribute('#f-birth_date', 'aria-invalid')) === 'true', 'the date field is marked invalid');
  check((await page.locator('.field-error').count()) === 1, 'only the date is in error now');
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Search');
  await page.click('form button[type=submit]');
  const dateErrEn2 = await page.textContent('[data-testid=error-birth_date]');
  check(/Date of birth|birth/i.test(dateErrEn2) && dateErrEn2.includes('31/02/2026') && !/[ạảãàáâầấậẫẩăằắặẵẳđ]/.test(dateErrEn2), `the English error names the field: "${dateErrEn2}"`);
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Tìm kiếm');
  await shot(page, 'forms-impossible-date');

  step('a birth date typed as digits gets its slashes and saves as that day');
  const birth = addDays(today, -120);
  await page.fill('#f-birth_date', '');
  await page.locator('#f-birth_date').pressSequentially(dmy(birth).replaceAll('/', ''));
  check((await page.inputValue('#f-birth_date')) === dmy(birth), `digits get slashes: "${await page.inputValue('#f-birth_date')}"`);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  const registered = (await api(page, 'GET', `/persons/${page.url().split('/').pop()}`)).body;
  check(registered.birth_date === birth, `birth date saved as ${birth}: ${registered.birth_date}`);

  step('weight loss and a flat weight are flagged on the growth chart');
  // Earlier weighings: 8.0 kg 70 days before the visit, 7.6 kg 35 days before (a loss); the visit's
  // 7.6 kg then shows no gain over 35 days in a child under 2 (flat).
  for (const [days, kg] of [[-70, 8.0], [-35, 7.6]]) {
    const r = await api(page, 'POST', '/growth-measurements', { person_id: childId, orgunit: child.orgunit, date: addDays(visit, days), weight_kg: kg });
    check(r.status === 201, `weighing saved: ${JSON.stringify(r.body)}`);
  }
  await page.goto(`${BASE}/persons/${childId}`);
  await page.waitForSelector('[data-testid=growth-chart][data-ready="1"]');
  const rows = await page.locator('[data-testid=growth-points] tbody tr').evaluateAll((rs) => rs.map((r) => [r.cells[0].textContent, r.dataset.falter, r.textContent]));
  report.push(`growth points: ${JSON.stringify(rows.map((r) => r.slice(0, 2)))}`);
  const byDate = Object.fromEntries(rows.map((r) => [r[0], r]));
  check(byDate[dmy(addDays(visit, -35))]?.[1] === 'loss' && byDate[dmy(addDays(visit, -35))][2].includes('Sụt cân'), `the lower weighing is flagged as weight loss: ${JSON.stringify(rows)}`);
  check(byDate[dmy(visit)]?.[1] === 'flat' && byDate[dmy(visit)][2].includes('Không tăng cân'), `no gain over a month is flagged as flat: ${JSON.stringify(rows)}`);
  check(byDate[dmy(addDays(visit, -70))]?.[1] === '', 'the first weighing is not flagged');
  check((await page.textContent('[data-testid=falter-alert]')).includes('không tăng cân'), 'the latest weighing\'s faltering is said above the chart');
  check((await page.getAttribute('[data-testid=growth-chart]', 'aria-label')).includes('Không tăng cân'), 'the chart\'s description says it too');
  await axe(page, 'handbook with faltering', { strict: true });
  await shot(page, 'forms-growth-faltering');
  const phone = await session(browser, 'demo', PHONE, { locale: 'en-US' });
  await phone.page.goto(`${BASE}/persons/${childId}`);
  await phone.page.waitForSelector('[data-testid=growth-chart][data-ready="1"]');
  const beyond = await overflowBeyond(phone.page, 360);
  check(beyond <= 1, `the handbook with its notes fits 360 px (${beyond} px beyond)`);
  await shot(phone.page, 'forms-growth-faltering-phone');
  await phone.ctx.close();
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Search');
  const en = await page.textContent('[data-testid=growth-points]');
  check(en.includes('Weight lower than at the previous weighing') && en.includes('No weight gain over a month'), `flags in English: ${en}`);
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Tìm kiếm');
  await ctx.close();

  const officer = await session(browser, 'tinh', DESKTOP, { locale: 'en-US' });
  const op = officer.page;
  last(op);

  step('the users list: demo accounts hold no initial password; times are local');
  // A user created at 18:30 UTC was created at 01:30 the next day in Vietnam.
  await op.route('**/api/v1/users', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const res = await route.fetch();
    const j = await res.json();
    for (const u of j.items) if (u.username === 'demo') u.created_at = '2026-03-01T18:30:00.000Z';
    await route.fulfill({ response: res, json: j });
  });
  await op.goto(BASE + '/users');
  await op.waitForSelector('[data-testid=users-list] [data-username=demo]');
  const demoRow = await op.textContent('[data-username=demo]');
  report.push(`users row: ${demoRow.replace(/\s+/g, ' ')}`);
  check(!demoRow.includes('Chưa đổi mật khẩu ban đầu'), `the demo account is not said to hold an initial password: ${demoRow}`);
  check(demoRow.includes('02/03/2026 01:30'), `created at shows the local date and time: ${demoRow}`);
  await op.unroute('**/api/v1/users');

  step('the audit trail lists newest first and filters by dd/mm/yyyy days');
  await op.goto(BASE + '/audit');
  await op.waitForSelector('[data-testid=audit-table] tbody tr');
  const seqs = await op.locator('[data-testid=audit-table] tbody tr').evaluateAll((rs) => rs.map((r) => Number(r.dataset.seq)));
  check(seqs.length > 2 && seqs.every((s, i) => i === 0 || s < seqs[i - 1]), `entries newest first: ${seqs.slice(0, 5)}`);
  const apiSeqs = (await api(op, 'GET', '/audit?limit=5')).body.items.map((e) => e.seq);
  check(apiSeqs.every((s, i) => i === 0 || s < apiSeqs[i - 1]), `the API answers newest first: ${apiSeqs}`);
  await op.locator('#a-from').pressSequentially('31/02/2026');
  await op.click('form[role=search] button[type=submit]');
  await op.waitForSelector('[data-testid=error-from]');
  check((await op.textContent('[data-testid=error-from]')).includes('31/02/2026'), 'an impossible filter date is refused beside its field');
  await op.fill('#a-from', '');
  await op.locator('#a-from').pressSequentially(dmy(today));
  await op.click('form[role=search] button[type=submit]');
  await op.waitForFunction(() => location.search.includes('from='));
  await op.waitForSelector('[data-testid=audit-table] tbody tr');
  check(new URL(op.url()).searchParams.get('from') === today, `the filter keeps the day: ${op.url()}`);
  check((await op.inputValue('#a-from')) === dmy(today), 'the filter shows dd/mm/yyyy');
  await axe(op, 'audit', { strict: true });
  await shot(op, 'forms-audit');
  await officer.ctx.close();
});
