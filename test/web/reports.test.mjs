// Issue 22, first part: the reporting desk. The province officer `tinh` opens Reports, previews Lai
// Châu's 6-month report 2026S1, downloads it as XLSX, signs it off, reopens it with a reason (a short
// one is refused with a sentence); the commune worker `demo` signs off commune 03390 and the
// province's completeness table and map show that commune signed off. axe strict; no sideways
// scrolling at phone width.
import { readFileSync } from 'node:fs';
import { BASE, DESKTOP, PHONE, axe, check, expecting, overflowBeyond, report, run, session, shot, step } from './lib.mjs';

const VIEW = '/reports?year=2026&template=lai_chau_6m&period=2026S1';
const status = (page) => page.locator('[data-testid=report-view] > p [data-testid=report-status]');

run('reports', async (browser, setLast) => {
  const { page, ctx } = await session(browser, 'tinh', DESKTOP);
  setLast(page);

  step('the province officer opens Reports from the menu and finds the 6-month report 2026S1');
  await page.click('nav.nav a[href="/reports"]');
  const row = page.locator('[data-testid=reports-list] tr[data-template="lai_chau_6m"][data-period="2026S1"]');
  await row.waitFor({ timeout: 30000 });
  const rowText = await row.textContent();
  check(rowText.includes('10/06/2026'), `the list gives the legal due date: "${rowText}"`);
  await row.locator('a').click();
  await page.waitForSelector('[data-testid=preview-headline] tbody tr', { timeout: 60000 });
  const heads = await page.locator('[data-testid=preview-headline] thead th').count();
  const cells = await page.locator('[data-testid=preview-headline] tbody td').count();
  check(heads > 3 && cells > 10, `the headline table is previewed (${heads} headers, ${cells} cells)`);
  check(await page.locator('[data-testid=preview-signoff]').count() === 1, 'the sign-off table is previewed');
  report.push(`status before sign-off: ${await status(page).getAttribute('data-status')}`);
  check(await status(page).getAttribute('data-closed') === 'false', 'not signed off yet');

  step('XLSX download, in the UI language');
  const href = await page.getAttribute('[data-testid=download-xlsx]', 'href');
  check(href.includes('lang=vi') && href.includes('format=xlsx'), `the link passes the language: ${href}`);
  check(await page.locator('[data-testid=download-adx]').count() === 1, 'ADX offered: the template has a data set code');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-xlsx]')]);
  const bytes = readFileSync(await dl.path());
  check(bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])), `an XLSX (zip) file: ${bytes.subarray(0, 4).toString('hex')}`);
  check(dl.suggestedFilename() === 'lai_chau_6m_12_2026S1.xlsx', `file name ${dl.suggestedFilename()}`);
  report.push(`xlsx download: ${bytes.length} bytes`);

  step('sign-off');
  await page.click('[data-testid=signoff]');
  await page.waitForSelector('[data-testid=report-view] > p [data-testid=report-status][data-closed=true]', { timeout: 30000 });
  const signed = await status(page).textContent();
  check(signed.includes('Đã ký xác nhận'), `the status reads signed off: "${signed}"`);
  check((await page.textContent('[data-testid=last-action]')).includes('tinh'), 'who signed off is shown');
  await axe(page, 'report view signed off', { strict: true });
  await shot(page, 'desktop-signed-off');

  step('reopening needs a reason of 10 characters: the server refusal is a sentence');
  await page.click('[data-testid=reopen]');
  await page.fill('#reopen-reason', 'ngắn');
  await expecting([{ status: 422, path: '/api/v1/signoffs' }], async () => {
    await page.click('[data-testid=reopen-submit]');
    await page.waitForSelector('[data-testid=signoff-error]');
  });
  const err = await page.textContent('[data-testid=signoff-error]');
  check(err.includes('ít nhất 10 ký tự'), `the refusal says why: "${err}"`);
  check(await status(page).getAttribute('data-closed') === 'true', 'still signed off');
  await page.fill('#reopen-reason', 'Bổ sung số liệu trẻ sinh tháng 6');
  await page.click('[data-testid=reopen-submit]');
  await page.waitForSelector('[data-testid=report-view] > p [data-testid=report-status][data-status=reopened]', { timeout: 30000 });
  const reopened = await status(page).textContent();
  check(reopened.includes('Đã mở lại'), `the status reads reopened: "${reopened}"`);
  check((await page.textContent('[data-testid=last-action]')).includes('Bổ sung số liệu'), 'the reason is shown');
  await axe(page, 'report view reopened', { strict: true });

  step('the commune worker signs off commune 03390');
  const w = await session(browser, 'demo', DESKTOP);
  setLast(w.page);
  await w.page.goto(BASE + VIEW);
  await w.page.waitForSelector('[data-testid=report-view] [data-testid=signoff]', { timeout: 60000 });
  await w.page.click('[data-testid=signoff]');
  await w.page.waitForSelector('[data-testid=report-view] > p [data-testid=report-status][data-closed=true]', { timeout: 30000 });
  await w.ctx.close();

  step("the province's completeness table and map show 03390 signed off");
  setLast(page);
  await page.goto(BASE + VIEW);
  const line = page.locator('[data-testid=completeness-table] tr[data-orgunit="03390"]');
  await line.waitFor({ timeout: 60000 });
  const lineStatus = await line.locator('[data-testid=report-status]').getAttribute('data-closed');
  check(lineStatus === 'true', `03390 is signed off in the table (${await line.textContent()})`);
  check((await line.textContent()).includes('demo'), 'by the commune worker');
  const others = await page.locator('[data-testid=completeness-table] [data-testid=report-status][data-closed=true]').count();
  check(others === 1, `one commune signed off: ${others}`);
  const totals = await page.textContent('[data-testid=completeness-totals]');
  check(totals.startsWith('1/'), `the totals count it: "${totals}"`);
  await page.waitForSelector('[data-testid=commune-map] canvas', { timeout: 60000 });
  const colours = JSON.parse(await page.getAttribute('[data-testid=commune-map]', 'data-colours'));
  const draft = colours[Object.keys(colours).find((c) => c !== '03390')];
  check(colours['03390'] && colours['03390'] !== draft, `03390 has its own colour on the map: ${colours['03390']} vs ${draft}`);
  await axe(page, 'completeness', { strict: true });
  await shot(page, 'desktop-completeness');
  await ctx.close();

  step('phone: no sideways scrolling');
  const ph = await session(browser, 'tinh', PHONE);
  setLast(ph.page);
  await ph.page.goto(BASE + VIEW);
  await ph.page.waitForSelector('[data-testid=completeness-table]', { timeout: 60000 });
  const overflow = await overflowBeyond(ph.page, 360);
  check(overflow <= 0, `page fits 360 px (overflow ${overflow} px)`);
  await axe(ph.page, 'reports phone', { strict: true });
  await shot(ph.page, 'phone-reports');
  await ph.ctx.close();
});
