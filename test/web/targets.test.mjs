// Issue 22, targets: the province officer `tinh` edits a Lai Châu target on /targets (a reason is
// required), sees the new version in its history, and the dashboard then shows the new target and the
// new gap on the KPI card and in the plan table; the commune worker `demo` reads the targets without
// an edit button, on a phone.
import { BASE, PHONE, DESKTOP, axe, check, overflowBeyond, report, run, session, shot, step } from './lib.mjs';

const getJson = (page, path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
const PLAN = 'lai_chau_u5_2030';
const near = (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6;

run('targets', async (browser, setLast) => {
  const { page, ctx } = await session(browser, 'tinh', DESKTOP);
  setLast(page);

  step('the dashboard lists the key indicators');
  await page.goto(BASE + '/dashboard');
  await page.waitForSelector('[data-testid=kpi]', { timeout: 60000 });
  const kpis = await page.locator('[data-testid=kpi]').evaluateAll((els) => els.map((e) => e.getAttribute('data-indicator')));

  step('tinh opens Targets from the navigation: the province plan, with its document');
  await page.click('nav a[href="/targets"]');
  await page.waitForSelector('[data-testid=targets-table]', { timeout: 60000 });
  check((await page.inputValue('#plan')) === PLAN, `the province's plan is picked: ${await page.inputValue('#plan')}`);
  check((await page.textContent('[data-testid=plan-document]')).includes('Lai Châu'), 'the plan document is named');
  const before = await getJson(page, `/api/v1/plans/${PLAN}/evaluation?orgunit=12`);
  const thisYear = new Date().getFullYear();
  // A target the dashboard's KPI card shows: the indicator's nearest plan year, with a current value.
  const nearest = (i) => before.items.filter((e) => e.indicator === i.indicator && e.year >= thisYear).sort((a, b) => a.year - b.year)[0] === i;
  const item = before.items.find((e) => kpis.includes(e.indicator) && e.value !== null && ['<', '<=', '>', '>='].includes(e.operator) && nearest(e));
  check(item, `a Lai Châu target with a value among ${kpis.join(', ')}`);
  const newValue = Math.round((item.target > 0 ? item.target * 0.8 : 1) * 10) / 10 || 1;
  check(!near(newValue, item.target), `a different target: ${item.target} → ${newValue}`);
  report.push(`edited: ${item.indicator} ${item.year} ${item.operator} ${item.target} → ${newValue} (value ${item.value})`);
  const row = page.locator(`[data-testid=targets-table] tr[data-indicator="${item.indicator}"][data-year="${item.year}"]`);
  check((await row.locator('td').nth(2).textContent()).includes(item.printed_vi), 'the target as printed in the plan document');
  check(near(await row.locator('[data-testid=gap]').getAttribute('data-gap'), item.gap), 'the gap is the evaluation\'s');

  step('an edit without a reason shows a field error and stores nothing');
  await row.locator('[data-testid=target-edit-btn]').click();
  await page.waitForSelector('[data-testid=target-edit]');
  await page.fill('#t-value', String(newValue).replace('.', ','));
  await page.click('[data-testid=target-save]');
  await page.waitForSelector('[data-testid=error-reason]');
  check((await page.getAttribute('#t-reason', 'aria-invalid')) === 'true', 'the reason field is marked invalid');
  check(await page.evaluate(() => document.activeElement?.id === 't-reason'), 'focus on the reason');
  const unchanged = await getJson(page, `/api/v1/plans/${PLAN}/targets?indicator=${item.indicator}&year=${item.year}`);
  check(unchanged.versions.length === 1 && unchanged.versions[0].origin === 'data', `only the plan file's version: ${JSON.stringify(unchanged.versions)}`);
  await axe(page, 'target edit with a field error', { strict: true });

  step('with a reason the edit is a new version, shown in the history');
  const reason = 'Điều chỉnh theo Quyết định 123/QĐ-UBND (thử nghiệm)';
  await page.fill('#t-reason', reason);
  await page.click('[data-testid=target-save]');
  await page.waitForSelector('[data-testid=target-saved]');
  const history = page.locator('[data-testid=target-history]');
  await history.locator('tr[data-version="2"]').waitFor();
  const v1 = history.locator('tr[data-version="1"]');
  check((await v1.getAttribute('data-origin')) === 'data', 'version 1 is the plan file\'s');
  check((await v1.textContent()).includes('Theo văn bản kế hoạch'), 'and says so');
  const v2 = await history.locator('tr[data-version="2"]').textContent();
  check(v2.includes('tinh') && v2.includes(reason), `version 2 by tinh with the reason: "${v2}"`);
  check(v2.includes('→') && v2.includes(String(newValue).replace('.', ',')), `old → new: "${v2}"`);
  const after = await getJson(page, `/api/v1/plans/${PLAN}/evaluation?orgunit=12`);
  const edited = after.items.find((e) => e.indicator === item.indicator && e.year === item.year);
  check(near(edited.target, newValue), `the API's target is the new one: ${edited.target}`);
  // The gap is value − target in the indicator's unit: the current value from the API, the new target.
  const gap = edited.value - newValue;
  check(near(edited.gap, gap), `the API's gap ${edited.gap} = ${edited.value} − ${newValue}`);
  await row.locator('[data-testid=gap]').and(page.locator(`[data-gap="${edited.gap}"]`)).waitFor();
  await axe(page, 'targets with history', { strict: true });
  await shot(page, 'desktop-targets-history');

  step('the dashboard shows the new target and the new gap');
  await page.click('nav a[href="/dashboard"]');
  const planRow = page.locator(`[data-testid=plan-eval] tr[data-indicator="${item.indicator}"][data-year="${item.year}"]`);
  await planRow.waitFor({ timeout: 60000 });
  check(near(await planRow.locator('[data-testid=plan-target]').getAttribute('data-target'), newValue), 'plan table: the new target');
  check(near(await planRow.locator('[data-testid=plan-gap]').getAttribute('data-gap'), gap), 'plan table: the new gap');
  const words = gap === 0 ? 'đạt đúng' : (gap > 0) === (edited.operator.startsWith('<')) ? 'còn thiếu' : 'vượt';
  check((await planRow.locator('[data-testid=plan-gap]').textContent()).includes(words), `plan table: "${words}"`);
  const card = page.locator(`[data-testid=kpi][data-indicator="${item.indicator}"] [data-testid=kpi-gap]`);
  check(near(await card.getAttribute('data-target'), newValue), 'KPI card: the new target');
  check(near(await card.getAttribute('data-gap'), gap), 'KPI card: the new gap');
  report.push(`dashboard gap ${gap} (${words})`);
  await shot(page, 'desktop-dashboard-gap');
  await ctx.close();

  step('the commune worker reads the targets on a phone, without an edit button');
  const phone = await session(browser, 'demo', PHONE);
  const p = phone.page;
  setLast(p);
  await p.goto(BASE + '/targets');
  await p.waitForSelector('[data-testid=targets-table]', { timeout: 60000 });
  check((await p.inputValue('#plan')) === PLAN, 'the commune\'s province plan is picked');
  check((await p.locator('[data-testid=target-edit-btn]').count()) === 0, 'no edit button');
  await p.waitForSelector('[data-testid=read-only]');
  const prow = p.locator(`[data-testid=targets-table] tr[data-indicator="${item.indicator}"][data-year="${item.year}"]`);
  check(near(await prow.locator('[data-testid=target-value]').getAttribute('data-target'), newValue), 'the edited target');
  await prow.locator('[data-testid=target-history-btn]').click();
  await p.locator('[data-testid=target-history] tr[data-version="2"]').waitFor();
  const over = await overflowBeyond(p, PHONE.viewport.width);
  check(over <= 0, `nothing beyond the phone width: ${over} px`);
  await axe(p, 'targets on a phone (commune worker)', { strict: true });
  await shot(p, 'phone-targets');
  await phone.ctx.close();
});
