// Issue 22, entered figures: the commune worker `demo` enters a stunting prevalence from a named
// survey for their commune, corrects it and sees the history (old → new); 140 % is refused with the
// field's error and nothing stored; the province officer `tinh` sees the commune's value, enters the
// doctors of a hospital, sees the Lai Châu norm's verdict, and deletes the figure with a reason. Phone width for the worker; axe strict.
import { BASE, PHONE, DESKTOP, axe, check, expecting, overflowBeyond, run, session, shot, step } from './lib.mjs';

const getJson = (page, path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();

async function enter(page, element, fields) {
  await page.click(`[data-testid="edit-${element}"]`);
  await page.waitForSelector('[data-testid=value-form]');
  for (const [id, v] of Object.entries(fields)) await page.fill('#fv-' + id, v);
  await page.click('[data-testid=value-save]');
}

run('figures', async (browser, setLast) => {
  const worker = await session(browser, 'demo', PHONE);
  const p = worker.page;
  setLast(p);

  step('the commune worker opens "Số liệu nhập" from the navigation');
  await p.goto(BASE + '/');
  await p.click('nav a[href="/figures"]');
  await p.waitForSelector('[data-testid=figures-filter]');
  await p.fill('#fg-period', '2025');
  await p.click('[data-testid=figures-filter] button[type=submit]');
  await p.waitForSelector('[data-testid="row-stunting_under5"]');
  check((await p.inputValue('#fg-orgunit')) === '03390', 'their commune is chosen');

  step('a stunting prevalence from a named survey is saved with its source and who entered it');
  await enter(p, 'stunting_under5', { value: '19,5', document: 'MICS 2020-2021', note: 'mẫu xã' });
  await p.waitForSelector('[data-testid=history-row]');
  check((await text(p, '[data-testid="value-stunting_under5"]')) === '19,5', 'value shown 19,5');
  check((await text(p, '[data-testid="document-stunting_under5"]')).includes('MICS 2020-2021'), 'the survey is shown');
  check((await text(p, '[data-testid="entered-stunting_under5"]')).includes('demo'), 'who entered it is shown');
  await axe(p, 'figures (phone)', { strict: true });
  check((await overflowBeyond(p, 360)) <= 0, 'no sideways scroll of the page at 360 px');

  step('the value is corrected and the history shows old → new');
  await enter(p, 'stunting_under5', { value: '21,2', document: 'Điều tra dinh dưỡng 2025' });
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=history-row]').length === 2);
  const newest = await text(p, '[data-testid=history-row]:first-child');
  check(newest.includes('19,5 → 21,2') && newest.includes('demo'), `history: "${newest}"`);
  check((await text(p, '[data-testid="value-stunting_under5"]')) === '21,2', 'the current value is the correction');

  step('140 % is refused with the field error, nothing stored');
  await expecting([{ status: 422, path: '/api/v1/indicator-values' }], async () => {
    await enter(p, 'stunting_under5', { value: '140' });
    await p.waitForSelector('[data-testid=error-value]');
  });
  const err = await text(p, '[data-testid=error-value]');
  check(err.includes('Giá trị tối đa là 100'), `the error names the bound in Vietnamese: "${err}"`);
  check((await p.getAttribute('#fv-value', 'aria-invalid')) === 'true', 'the field is marked invalid');
  await axe(p, 'figures field error (phone)', { strict: true });
  await shot(p, 'phone-figures-error');
  const h = await getJson(p, '/api/v1/indicator-values/history?element=stunting_under5&orgunit=03390&period=2025');
  check(h.items.length === 2 && h.items[0].value === 21.2, `nothing stored: ${JSON.stringify(h.items.map((i) => i.value))}`);
  await worker.ctx.close();

  step("the province officer sees the commune's value");
  const officer = await session(browser, 'tinh', DESKTOP);
  const o = officer.page;
  setLast(o);
  await o.goto(BASE + '/figures');
  await o.waitForSelector('#fg-orgunit option[value="03390"]', { state: 'attached' });
  await o.selectOption('#fg-orgunit', '03390');
  await o.fill('#fg-period', '2025');
  await o.click('[data-testid=figures-filter] button[type=submit]');
  await o.waitForFunction(() => document.querySelector('[data-testid="value-stunting_under5"]')?.textContent.trim() === '21,2');
  check((await text(o, '[data-testid="document-stunting_under5"]')).includes('Điều tra dinh dưỡng 2025'), 'with its survey');

  step('the province officer enters the doctors of a hospital and sees the norm verdict');
  await o.selectOption('#fg-orgunit', '12');
  await o.click('[data-testid=figures-filter] button[type=submit]');
  await o.click('[data-testid=group-staffing]');
  await o.waitForSelector('#fg-facility option[value="bv:12-sannhi"]', { state: 'attached' });
  const verdictSel = '[data-testid="verdict-bv:12-sannhi-ob_doctors_per_facility"] .badge';
  check((await text(o, verdictSel)) === 'Chưa nhập', 'no verdict before any doctor is entered');
  await o.selectOption('#fg-facility', 'bv:12-sannhi');
  await o.waitForSelector('[data-testid="row-staff.ob_cki"]');
  await enter(o, 'staff.ob_cki', { value: '1', document: 'Báo cáo nhân lực 2025' });
  await o.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === 'Đạt', verdictSel);
  const compliance = await text(o, '[data-testid=norm-compliance]');
  check(compliance.includes('100% cơ sở đạt (1/1'), `compliance: "${compliance}"`);
  await axe(o, 'figures staffing (desktop)', { strict: true });
  await shot(o, 'desktop-figures-staffing');

  step('a figure entered by mistake is deleted with a reason: no verdict, the history keeps it');
  await o.click('[data-testid="edit-staff.ob_cki"]');
  await o.click('[data-testid=value-delete]');
  check((await text(o, '[data-testid=error-reason]')).length > 0, 'a reason is asked for');
  await o.fill('#fv-reason', 'nhập nhầm cơ sở');
  await o.click('[data-testid=value-delete]');
  await o.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === 'Chưa nhập', verdictSel);
  const deleted = await text(o, '[data-testid=history-row]:first-child');
  check(deleted.includes('1 → đã xoá') && deleted.includes('nhập nhầm cơ sở'), `history: "${deleted}"`);
  await officer.ctx.close();
});
