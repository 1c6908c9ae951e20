// Issue 21, "Analysis": the dashboard's death analysis for the provincial user `tinh`. The commune
// worker `demo` notifies a maternal death and a child's death through the API; a review-board member
// completes the review of the maternal death (haemorrhage, delay 2, avoidable). The province's
// dashboard then counts both by category, cause group, place, delay, avoidability, commune and month,
// with no name anywhere, Vietnamese first, axe-clean and within a 360 px phone.
import { BASE, PHONE, DESKTOP, axe, check, daysAgo, expecting, overflowBeyond, run, session, shot, step } from './lib.mjs';

const post = (page, path, body) => page.evaluate(async ([p, b]) => {
  const r = await fetch('/api/v1' + p, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
  return { status: r.status, body: await r.json().catch(() => ({})) };
}, [path, body]);
const get = (page, path) => page.evaluate(async (p) => (await fetch('/api/v1' + p, { credentials: 'same-origin' })).json(), path);
const countOf = (answer, dim, key) => answer.by[dim].groups.find((g) => g.key === key)?.count ?? 0;

run('deaths_dashboard', async (browser, setLast) => {
  const today = daysAgo(0);
  const year = today.slice(0, 4);
  const month = today.slice(0, 7);

  const prov = await session(browser, 'tinh', DESKTOP);
  setLast(prov.page);
  const provOu = (await get(prov.page, '/auth/me')).orgunits[0];
  const before = await get(prov.page, `/deaths/analysis?orgunit=${provOu}&period=${year}`);
  check(typeof before.total === 'number', `the analysis answers for the province: total ${before.total}`);

  step('the commune worker notifies a maternal death and a child death');
  const com = await session(browser, 'demo', DESKTOP);
  setLast(com.page);
  const ou = (await get(com.page, '/auth/me')).orgunits[0];
  const woman = await post(com.page, '/persons', { full_name: 'Hà Thị Tửvongmẹ', sex: 'female', birth_date: '1994-05-05', orgunit: ou });
  check(woman.status === 201, `woman registered: ${woman.status} ${JSON.stringify(woman.body)}`);
  const child = await post(com.page, '/persons', { full_name: 'Hà Văn Tửvongtrẻ', sex: 'male', birth_date: daysAgo(120), orgunit: ou });
  check(child.status === 201, `child registered: ${child.status}`);
  const mdeath = await post(com.page, '/deaths', { person_id: woman.body.id, orgunit: ou, date: today, maternal_death: true, place: 'district_hospital', cause_text: 'băng huyết sau đẻ' });
  check(mdeath.status === 201, `maternal death notified: ${mdeath.status} ${JSON.stringify(mdeath.body)}`);
  const cdeath = await post(com.page, '/deaths', { person_id: child.body.id, orgunit: ou, date: today, place: 'home', cause_category: 'pneumonia' });
  check(cdeath.status === 201, `child death notified: ${cdeath.status} ${JSON.stringify(cdeath.body)}`);

  step('a review-board member completes the review of the maternal death');
  const review = { person_id: woman.body.id, orgunit: ou, date: today, death_id: mdeath.body.id, review_type: 'facility', status: 'complete',
    icd_mm_group: 'g3_haemorrhage', underlying_icd10: 'O72.1', delay2_reaching: true, avoidability: 'avoidable' };
  // Reviews need death.review where the registry enforces it (the review board's account `thamdinh`);
  // before that, the commune's person.write takes them.
  let saved = await expecting([{ status: 403, path: '/api/v1/death-reviews' }], () => post(com.page, '/death-reviews', review));
  if (saved.status === 403) {
    const board = await session(browser, 'thamdinh', DESKTOP);
    saved = await post(board.page, '/death-reviews', review);
  }
  check(saved.status === 201, `review saved: ${saved.status} ${JSON.stringify(saved.body)}`);

  step('the province dashboard shows the death analysis for the year');
  const page = prov.page;
  setLast(page);
  const after = await get(page, `/deaths/analysis?orgunit=${provOu}&period=${year}`);
  check(after.total === before.total + 2, `two more deaths: ${before.total} → ${after.total}`);
  check(after.reviewed === before.reviewed + 1, `one more reviewed: ${before.reviewed} → ${after.reviewed}`);
  const expectUp = [['category', 'maternal', 1], ['cause_group', 'g3_haemorrhage', 1], ['place', 'district_hospital', 1], ['place', 'home', 1],
    ['delay', 'delay2_reaching', 1], ['avoidability', 'avoidable', 1], ['month', month, 2]];
  for (const [dim, key, n] of expectUp)
    check(countOf(after, dim, key) === countOf(before, dim, key) + n, `${dim}/${key} counts ${n} more: ${countOf(before, dim, key)} → ${countOf(after, dim, key)}`);
  await page.goto(BASE + '/dashboard');
  const section = page.locator('[data-testid=death-analysis]');
  await section.waitFor({ timeout: 30000 });
  await page.waitForSelector('[data-testid=death-summary]', { timeout: 30000 });
  const heading = await section.locator('h2').textContent();
  check(heading === 'Phân tích tử vong', `Vietnamese heading: "${heading}"`);
  const summary = await page.textContent('[data-testid=death-summary]');
  check(summary.includes(`${after.total} ca tử vong`) && summary.includes(`${after.reviewed} ca đã thẩm định`), `summary: "${summary}"`);
  for (const [dim, key] of expectUp) {
    const cell = section.locator(`[data-dimension=${dim}] tr[data-key="${key}"] [data-testid=death-count]`);
    const shown = (await cell.textContent()).trim();
    check(shown === String(countOf(after, dim, key)), `${dim}/${key} shows ${countOf(after, dim, key)}: "${shown}"`);
  }
  const catLabel = await section.locator('[data-dimension=category] tr[data-key=maternal] td').first().textContent();
  check(catLabel === 'Tử vong mẹ', `category label in Vietnamese: "${catLabel}"`);
  const mmLabel = await section.locator('[data-dimension=cause_group] tr[data-key=g3_haemorrhage] td').first().textContent();
  check(mmLabel.startsWith('Nhóm 3'), `ICD-MM group label: "${mmLabel}"`);
  check(await section.locator('[data-dimension=commune] tr').count() > 1, 'a table by commune');
  const text = await section.textContent();
  check(!text.includes('Tửvongmẹ') && !text.includes('Tửvongtrẻ'), 'no name in the analysis');
  await axe(page, 'death analysis (desktop)', { strict: true });
  await shot(page, 'desktop-death-analysis');

  step('another period: the quarter of today');
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const quarter = await get(page, `/deaths/analysis?orgunit=${provOu}&period=${year}Q${q}`);
  await page.selectOption('#death-period', `${year}Q${q}`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=death-summary]')?.textContent.includes(`${n} ca tử vong`), quarter.total, { timeout: 15000 });
  check(true, `the quarter ${year}Q${q} shows its ${quarter.total} deaths`);

  step('a phone of 360 px');
  const phone = await session(browser, 'tinh', PHONE);
  setLast(phone.page);
  await phone.page.goto(BASE + '/dashboard');
  await phone.page.waitForSelector('[data-testid=death-summary]', { timeout: 30000 });
  const over = await overflowBeyond(phone.page, 360);
  check(over <= 0, `nothing wider than the phone: ${over} px beyond`);
  await axe(phone.page, 'death analysis (phone)', { strict: true });
  await shot(phone.page, 'phone-death-analysis');
});
