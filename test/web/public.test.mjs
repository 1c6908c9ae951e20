// Issue 22, the public side: the province officer `tinh` signs off the first half of 2026 for Lai Châu
// and publishes it; then anyone, without a login, reads it at /public/12/2026S1: the published
// figures (the same as the open JSON), the trend, the map, the tables with suppressed cells marked and
// never counted, in Vietnamese and in English, on a phone; a period not published says so (and its
// data is a 404), and the page never calls the API.
import { BASE, PHONE, DESKTOP, axe, check, ctxOpts, overflowBeyond, report, run, session, shot, step, watch, expecting } from './lib.mjs';

const PERIOD = '2026S1';
const post = (page, path, body) => page.evaluate(async ([p, b]) => {
  const r = await fetch('/api/v1' + p, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [path, body]);
const fmt = (n, digits, lang) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits }).format(n);

run('public', async (browser, setLast) => {
  step('tinh signs off the first half of 2026 for the province and publishes it');
  const { page: officer, ctx: officerCtx } = await session(browser, 'tinh', DESKTOP);
  setLast(officer);
  const signoff = await post(officer, '/signoffs', { orgunit: '12', period: PERIOD, action: 'close' });
  check(signoff.status === 200 || signoff.status === 201, `sign-off: ${JSON.stringify(signoff)}`);
  const published = await post(officer, '/publications', { orgunit: '12', period: PERIOD });
  check(published.status === 201, `publication: ${JSON.stringify(published)}`);
  report.push(`published 12/${PERIOD} version ${published.body.version}`);
  await officerCtx.close();

  step('anyone, with no cookie, opens the published page');
  const ctx = await browser.newContext({ ...ctxOpts, ...DESKTOP });
  check((await ctx.cookies()).length === 0, 'a fresh context has no cookie');
  const page = await ctx.newPage();
  watch(page, 'public@1280');
  setLast(page);
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${BASE}/public/12/${PERIOD}`);
  await page.waitForSelector('[data-testid=indicator-table]');
  const data = await page.evaluate(async (p) => (await fetch(`/public/data/12/${p}.json`)).json(), PERIOD);
  check(data.format === 'under5-publication/1' && data.period.code === PERIOD, `the open JSON: ${data.format} ${data.period?.code}`);
  check((await page.textContent('h1')).includes(data.period.label_vi), 'the heading names the period in Vietnamese');

  step('the figures on the page are those of the JSON; a suppressed one shows the mark, never a number');
  for (const ind of data.indicators) {
    const cell = (await page.textContent(`[data-indicator="${ind.id}"] [data-testid=total]`)).trim();
    if (ind.total.suppressed) check(cell.startsWith('*'), `${ind.id}: suppressed total shows *: "${cell}"`);
    else if (ind.total.value !== null) check(cell.startsWith(fmt(ind.total.value, 1, 'vi')), `${ind.id}: "${cell}" starts with ${ind.total.value}`);
    const status = await page.getAttribute(`[data-indicator="${ind.id}"] [data-status]`, 'data-status');
    check(status === ind.status, `${ind.id}: status ${status} = ${ind.status}`);
  }
  const withCommunes = data.indicators.find((i) => i.communes.length > 0);
  check(withCommunes, 'an indicator has commune figures');
  await page.selectOption('[data-testid=pick-indicator]', withCommunes.id);
  let suppressedSeen = 0;
  for (const c of withCommunes.communes) {
    const cells = await page.$$eval(`[data-testid=commune-table] tr[data-orgunit="${c.orgunit}"] td`, (tds) => tds.map((td) => td.textContent.trim()));
    if (c.suppressed) {
      suppressedSeen++;
      check(cells.every((x) => x === '*'), `${c.orgunit}: suppressed cells show only *: ${cells}`);
    } else if (c.value !== null) {
      check(cells[2] === fmt(c.value, 1, 'vi'), `${c.orgunit}: ${cells[2]} = ${c.value}`);
    }
  }
  for (const tb of data.tables) {
    const shown = await page.$$eval(`[data-testid="table-${tb.id}"] tbody td`, (tds) => tds.map((td) => td.textContent.trim()));
    const want = tb.rows.flatMap((r) => [...r.cells, r.total]).map((n) => (n === null ? '*' : fmt(n, 0, 'vi')));
    check(JSON.stringify(shown) === JSON.stringify(want), `table ${tb.id}: ${shown.slice(0, 8)} vs ${want.slice(0, 8)}`);
    suppressedSeen += want.filter((x) => x === '*').length;
  }
  report.push(`suppressed cells marked: ${suppressedSeen}`);
  check((await page.textContent('[data-testid=suppression-note]')).includes('*'), 'the mark is explained');

  step('the trend chart and the commune map are drawn');
  await page.waitForSelector('[data-testid=trend-chart][data-ready="1"]');
  await page.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
  const colours = JSON.parse(await page.getAttribute('[data-testid=commune-map]', 'data-colours'));
  check(Object.keys(colours).length >= withCommunes.communes.length, `the map colours every commune: ${Object.keys(colours).length}`);
  check((await page.getAttribute('[data-testid=dl-csv]', 'href')) === `/public/data/12/${PERIOD}.csv`, 'the CSV download link');
  const csv = await page.evaluate(async (p) => { const r = await fetch(`/public/data/12/${p}.csv`); return { status: r.status, text: await r.text() }; }, PERIOD);
  check(csv.status === 200 && csv.text.includes('orgunit,orgunit_name,period'), 'the CSV downloads');
  await axe(page, 'public page (vi)', { strict: true });
  await shot(page, 'public-vi');

  step('the English switch');
  await page.click('[data-testid=lang-switch]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  check((await page.textContent('h1')).includes(data.period.label_en), 'the heading names the period in English');
  check((await page.textContent('[data-testid=indicator-table]')).includes(data.indicators[0].name_en), 'indicator names in English');
  await axe(page, 'public page (en)', { strict: true });

  step('a period not published says so, and its data is a 404');
  await expecting([{ status: 404, path: '/public/' }], async () => {
    const res = await page.goto(`${BASE}/public/12/2026S2`);
    check(res.status() === 404, `the unpublished page answers 404: ${res.status()}`);
    await page.waitForSelector('[data-testid=not-published]');
    const d = await page.evaluate(async () => (await fetch('/public/data/12/2026S2.json')).status);
    check(d === 404, `unpublished data: ${d}`);
  });
  await axe(page, 'not published', { strict: true });

  step('the list of publications, and the picker leads to a period');
  await page.goto(`${BASE}/public/`);
  await page.waitForSelector('[data-testid=pub-index]');
  check(await page.isVisible(`[data-testid=pub-index] a[href="/public/12/${PERIOD}"]`), 'the list links the published period');
  await axe(page, 'public list', { strict: true });
  await page.selectOption('[data-testid=pick-province]', '12');
  await page.selectOption('[data-testid=pick-period]', PERIOD);
  await Promise.all([page.waitForURL(`**/public/12/${PERIOD}`), page.click('[data-testid=picker] button[type=submit]')]);
  await page.waitForSelector('[data-testid=indicator-table]');

  step('no request of the public page reached the API');
  const api = requests.filter((p) => p.startsWith('/api/'));
  check(api.length === 0, `API requests from the public page: ${api}`);
  check(requests.some((p) => p === `/public/data/12/${PERIOD}.json`), 'the page read the published JSON');
  await ctx.close();

  step('on a phone: no sideways scrolling, and the page prints without its controls');
  const phone = await browser.newContext({ ...ctxOpts, ...PHONE });
  const pp = await phone.newPage();
  watch(pp, 'public@360');
  setLast(pp);
  await pp.goto(`${BASE}/public/12/${PERIOD}`);
  await pp.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
  const over = await overflowBeyond(pp, 360);
  check(over <= 0, `the page overflows a 360 px phone by ${over}px`);
  await axe(pp, 'public page (phone)', { strict: true });
  await shot(pp, 'public-phone');
  await pp.emulateMedia({ media: 'print' });
  check(!(await pp.isVisible('[data-testid=picker]')) && !(await pp.isVisible('[data-testid=lang-switch]')), 'controls are not printed');
  await phone.close();
});
