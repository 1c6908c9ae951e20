// Issue 20, items 7 and 9: search pages past 20 results and tells namesakes apart (birth date, mother,
// children); a one-word middle name says why it finds nobody; the mother's handbook lists her children
// with links; labels the server sends follow the interface language (care items, alerts, plan targets,
// the type of an org unit): no "(birth)" or "(booster)" in Vietnamese, no Vietnamese in English.
import { BASE, PHONE, DESKTOP, step, check, expecting, axe, shot, overflowBeyond, session, run } from './lib.mjs';

const VI_LETTERS = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;
const ENGLISH_PARENTHESIS = /\((birth|booster|MR|\d)\)/;

async function searchFor(page, q) {
  await page.goto(BASE + '/search');
  await page.fill('#q', q);
  await page.click('form[role=search] button[type=submit]');
  await page.waitForSelector('[data-testid=search-results] li, [data-testid=no-data]');
  await page.waitForLoadState('networkidle');
}

async function setLang(page, lang) {
  await page.evaluate((l) => localStorage.setItem('u5.lang', l), lang);
  await page.reload();
  await page.waitForSelector('nav.nav');
  await page.waitForLoadState('networkidle');
}

await run('search', async (browser, track) => {
  const { page } = await session(browser, 'demo', DESKTOP);
  track(page);

  step('search "nguyen": more than 20, says so, pages on');
  await searchFor(page, 'nguyen');
  const count1 = await page.textContent('[data-testid=search-count]');
  const names1 = await page.locator('[data-testid=search-results] .name').allTextContents();
  check(names1.length === 20, `first page shows 20 results, got ${names1.length}`);
  check(/1–20/.test(count1) && /trang sau/.test(count1), `the count says results 1–20 and more on the next page, got "${count1}"`);
  await page.click('[data-testid=search-next]');
  await page.waitForFunction(() => /21–/.test(document.querySelector('[data-testid=search-count]')?.textContent ?? ''));
  const names2 = await page.locator('[data-testid=search-results] .name').allTextContents();
  check(names2.length > 0 && names2.every((n) => /nguy[eễ]n/i.test(n)), `page 2 matches "nguyen": ${names2.slice(0, 3)}`);
  const ids1 = new Set();
  check(new URL(page.url()).searchParams.get('offset') === '20', `the page is in the URL: ${page.url()}`);
  await page.click('[data-testid=search-prev]');
  await page.waitForFunction(() => /1–20/.test(document.querySelector('[data-testid=search-count]')?.textContent ?? ''));
  for (const h of await page.locator('[data-testid=search-results] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) ids1.add(h);
  await page.click('[data-testid=search-next]');
  await page.waitForFunction(() => /21–/.test(document.querySelector('[data-testid=search-count]')?.textContent ?? ''));
  const hrefs2 = await page.locator('[data-testid=search-results] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(hrefs2.every((h) => !ids1.has(h)), 'page 2 repeats nobody from page 1');

  step('results tell namesakes apart');
  await searchFor(page, 'nguyen');
  const metas = await page.locator('[data-testid=search-results] li').allTextContents();
  check(metas.every((m) => /\d{2}\/\d{2}\/\d{4}/.test(m)), `every result shows a birth date: ${metas.slice(0, 2)}`);
  // A child under five with a mother (the demo's people of all ages have mothers recorded): its
  // handbook has a vaccine card. The first date a result shows is the person's birth date.
  const young = await page.locator('[data-testid=search-results] li').evaluateAll((lis) => lis.map((li) => {
    const m = /(\d{2})\/(\d{2})\/(\d{4})/.exec(li.textContent);
    const born = m ? Date.UTC(+m[3], +m[2] - 1, +m[1]) : 0;
    return !!li.querySelector('[data-testid=result-mother]') && Date.now() - born < 4.5 * 365.25 * 86400000;
  }));
  check(young.includes(true), 'a child under five with a mother is among the results');
  const withMother = page.locator('[data-testid=search-results] li').nth(young.indexOf(true));
  check(await withMother.count() === 1, 'a child among the results names the mother');
  const motherLine = await withMother.locator('[data-testid=result-mother]').textContent();
  check(/^Mẹ: .+ \(sinh \d{2}\/\d{2}\/\d{4}\)$/.test(motherLine.trim()), `mother's name and birth date: "${motherLine}"`);
  const childName = (await withMother.locator('.name').textContent()).trim();
  const motherName = motherLine.trim().replace(/^Mẹ: /, '').replace(/ \(sinh .*$/, '');
  await axe(page, 'search results', { strict: true });
  await shot(page, 'search-desktop');

  step('a woman found names her children');
  await searchFor(page, motherName);
  const her = page.locator('[data-testid=search-results] li', { hasText: motherName }).filter({ has: page.locator('[data-testid=result-children]') }).first();
  check(await her.count() === 1, `the mother ${motherName} is found with her children`);
  const kids = await her.locator('[data-testid=result-children]').textContent();
  check(kids.includes(childName) && /\d+ con: /.test(kids), `her children are named: "${kids}"`);

  step("the mother's handbook lists her children, with links");
  await her.locator('a').click();
  await page.waitForSelector('[data-testid=person-name]');
  check((await page.textContent('[data-testid=person-name]')).trim() === motherName, 'the mother\'s handbook opened');
  await page.waitForSelector('[data-testid=children] a');
  const childLink = page.locator('[data-testid=children] li', { hasText: childName }).first();
  check(await childLink.count() === 1, `the handbook lists ${childName}`);
  check(/sinh \d{2}\/\d{2}\/\d{4}/.test(await childLink.textContent()), 'with the birth date');
  await axe(page, 'mother handbook', { strict: true });
  await childLink.locator('a').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=person-name]')?.textContent?.trim() === n, childName);
  await page.waitForSelector('[data-testid=vaccine-card] li');
  check(await page.locator(`a[href^="/persons/"]`, { hasText: motherName }).count() > 0, "the child's handbook links to the mother");
  const childPath = new URL(page.url()).pathname;

  step('Vietnamese vaccine card: no English parentheses');
  const cardVi = await page.textContent('[data-testid=vaccine-card]');
  check(!ENGLISH_PARENTHESIS.test(cardVi), `vaccine card in Vietnamese has no "(birth)"-like labels: ${cardVi.match(ENGLISH_PARENTHESIS)?.[0]}`);
  check(/Viêm gan B sơ sinh/.test(cardVi), 'the birth dose is named in Vietnamese');

  step('English vaccine card: no Vietnamese');
  await setLang(page, 'en');
  await page.goto(BASE + childPath);
  await page.waitForSelector('[data-testid=vaccine-card] li');
  const rows = await page.locator('[data-testid=vaccine-card] li strong').allTextContents();
  const bad = rows.filter((r) => VI_LETTERS.test(r) || ENGLISH_PARENTHESIS.test(r));
  check(rows.length > 5 && bad.length === 0, `vaccine names in English only: ${bad.slice(0, 3)}`);
  check(rows.some((r) => r === 'Hepatitis B birth dose'), `the birth dose in English: ${rows.slice(0, 3)}`);
  await page.waitForFunction(() => !/^\d+$/.test(document.querySelector('.person-head .ou')?.textContent ?? '1'));
  const ou = (await page.textContent('.person-head .ou')).trim();
  check(/ (commune|ward|township)$/.test(ou) && !/^(Xã|Phường|Thị trấn) /.test(ou), `the commune's type in English: "${ou}"`);
  const alerts = await page.locator('.alert.error li').allTextContents();
  check(alerts.every((a) => !VI_LETTERS.test(a)), `alerts in English: ${alerts}`);

  step('English search: paging words in English');
  await searchFor(page, 'nguyen');
  const countEn = await page.textContent('[data-testid=search-count]');
  check(/Results 1–20/.test(countEn) && /next page/.test(countEn), `count in English: "${countEn}"`);
  const motherEn = await page.locator('[data-testid=result-mother]').first().textContent();
  check(/^Mother: .+ \(born \d{2}\/\d{2}\/\d{4}\)$/.test(motherEn.trim()), `mother line in English: "${motherEn}"`);
  await setLang(page, 'vi');

  step('a middle name alone says how to search');
  await searchFor(page, 'thi');
  check(await page.locator('[data-testid=middle-name-hint]').count() === 1, 'a one-word search that finds nobody explains the middle-name rule');

  step('bad paging parameters are 422 naming the parameter');
  await expecting([{ status: 422, path: '/api/v1/persons/search' }], async () => {
    for (const [qs, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['offset=-1', 'offset'], ['offset=abc', 'offset'], ['offset=1001', 'offset']]) {
      const r = await page.evaluate(async (q) => {
        const res = await fetch('/api/v1/persons/search?q=nguyen&' + q);
        return { status: res.status, body: await res.json() };
      }, qs);
      check(r.status === 422 && r.body.field === field, `${qs} → 422 naming ${field}, got ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  step('phone: results do not scroll sideways');
  const { page: phone } = await session(browser, 'demo', PHONE);
  track(phone);
  await searchFor(phone, 'nguyen');
  check((await overflowBeyond(phone, PHONE.viewport.width)) <= 0, 'search results fit 360 px');
  await shot(phone, 'search-phone');

  step('province officer, English: plan targets in English');
  const { page: op } = await session(browser, 'tinh', DESKTOP);
  track(op);
  await setLang(op, 'en');
  await op.goto(BASE + '/dashboard');
  await op.waitForSelector('[data-testid=plan-eval] tbody tr');
  const targets = await op.locator('[data-testid=plan-eval] tbody tr td:nth-child(3)').allTextContents();
  const viTargets = targets.filter((x) => VI_LETTERS.test(x));
  check(targets.length > 0 && viTargets.length === 0, `plan targets in English: ${viTargets.slice(0, 3)}`);
  check(targets.some((x) => /more than in 2020/.test(x)), `an increase target reads in English: ${targets.slice(-8)}`);
  check(targets.every((x) => !/\d,\d{1,2}(?!\d)/.test(x)), `English decimals use a point: ${targets.filter((x) => /\d,\d{1,2}(?!\d)/.test(x)).slice(0, 3)}`);
});
