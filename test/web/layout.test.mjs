// Issue 20, layout part: every page as the commune worker (`demo`) and the province officer (`tinh`)
// meet it at 360 px and 1280 px. Each item is a named check that records its failure and lets the
// others run, so one run shows every item that fails:
//   1 the officer's trend chart keeps its target line and projection on a fresh load (ECharts slowed);
//   2 no page reaches beyond 360 px (measured against the width set, not innerWidth);
//   3 years are printed as years ("2030", never "2.030" or "2,030");
//   8 every menu entry and the header's org unit name are readable on a phone;
//   9 the plan table's sideways scroller takes keyboard focus and scrolls with the arrow keys;
//   axe (strict: any impact) finds nothing on any page at either size.
import { BASE, report, step, check, expecting, axe, shot, login, session, overflowBeyond, watch, ctxOpts, PHONE, DESKTOP, run } from './lib.mjs';

const failures = [];
// Runs one named check; a failure is recorded and the run goes on to the next check.
async function item(name, f) {
  step(name);
  try {
    await f();
  } catch (e) {
    failures.push(String(e.message || e).split('\n')[0]);
  }
}

const YEAR_AS_NUMBER = /\b20[.,]\d{2}\d?\b|\b2[.,]0\d\d\b/;

// The ECharts chunk answered after the page's data, as on a slow phone line: an option that changes
// while the library loads must still be the one drawn.
async function slowEcharts(page, ms = 1500) {
  await page.route(/\/assets\/echarts-[^/]*\.js$/, async (route) => {
    await new Promise((r) => setTimeout(r, ms));
    await route.continue();
  });
}

const series = (page, sel) => page.getAttribute(sel, 'data-series').then((s) => (s ? s.split(',') : []));

await run('layout', async (browser, setLast) => {
  // What the demo's API says the officer's chart must show.
  const probe = await session(browser, 'tinh');
  setLast(probe.page);
  const expect = await probe.page.evaluate(async () => {
    const me = await fetch('/api/v1/auth/me').then((r) => r.json());
    const plans = await fetch('/api/v1/plans').then((r) => r.json());
    const plan = plans.items.find((p) => p.orgunit === me.orgunits[0]);
    const ev = await fetch(`/api/v1/plans/${plan.id}/evaluation?orgunit=${me.orgunits[0]}`).then((r) => r.json());
    const u5 = ev.items.filter((e) => e.indicator === 'under5_mortality_rate');
    return { targets: u5.length, projected: u5.some((e) => e.projected !== null) };
  });
  report.push(`officer's plan for under-5 mortality: ${expect.targets} targets, projection ${expect.projected}`);
  check(expect.targets > 0 && expect.projected, 'the demo plan has a target and a projection for the default indicator');
  await probe.ctx.close();

  await item('1 trend chart keeps its target line and projection on first load', async () => {
    for (let i = 1; i <= 5; i++) {
      const ctx = await browser.newContext({ ...ctxOpts, ...DESKTOP });
      const page = await ctx.newPage();
      watch(page, `tinh fresh ${i}`);
      page.setDefaultTimeout(20000);
      await slowEcharts(page);
      await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(page, 'tinh'));
      await page.waitForSelector('[data-testid=plan-eval] tbody tr');
      await page.waitForSelector('[data-testid=trend-chart][data-ready="1"]');
      await page.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
      await page.waitForLoadState('networkidle');
      const s = await series(page, '[data-testid=trend-chart]');
      const map = await series(page, '[data-testid=commune-map] .chart');
      await ctx.close();
      check(s.includes('value') && s.includes('target') && s.includes('projection'), `load ${i}: the trend chart draws value, target and projection, drew [${s}]`);
      check(map.includes('communes'), `load ${i}: the map draws the communes, drew [${map}]`);
    }
    report.push('1: 5 fresh loads with ECharts slowed by 1.5 s drew value, target and projection');
  });

  await item('3 years are not formatted as numbers', async () => {
    const { ctx, page } = await session(browser, 'tinh');
    setLast(page);
    await page.waitForSelector('[data-testid=plan-eval] tbody tr');
    await page.waitForSelector('[data-testid=trend-chart][data-ready="1"]');
    for (const lang of ['vi', 'en']) {
      if (lang === 'en') {
        await page.click('[data-testid=lang-switch]');
        await page.waitForSelector('nav >> text=Indicators');
      }
      // Texts that carry a year: the scope line, each card's target line (the one with a verdict badge;
      // counts beside it may rightly read "2.034"), the plan's year columns, and the trend chart's
      // tooltip (its header is the year of the point hovered).
      const texts = await page.evaluate(() => [
        document.querySelector('[data-testid=dash-scope]').textContent,
        ...[...document.querySelectorAll('[data-testid=kpi] .kpi-sub')].filter((e) => e.querySelector('.badge')).map((e) => e.textContent),
        ...[...document.querySelectorAll('[data-testid=plan-eval] tbody td:nth-child(2), [data-testid=plan-eval] tbody td:nth-child(4) .muted')].map((e) => e.textContent),
      ]);
      let bad = texts.filter((s) => YEAR_AS_NUMBER.test(s));
      check(bad.length === 0, `${lang}: years printed with a separator: ${bad.slice(0, 3).map((s) => JSON.stringify(s.trim().slice(0, 60)))}`);
      const chart = page.locator('[data-testid=trend-chart]');
      await chart.scrollIntoViewIfNeeded();
      const box = await chart.boundingBox();
      await page.mouse.move(box.x + 5, box.y + 5);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      const tip = await page.waitForFunction(() => {
        const el = [...document.querySelectorAll('[data-testid=trend-chart] > div')].find((d) => d.style.display === 'block' && d.textContent.trim());
        return el && el.textContent;
      }).then((h) => h.jsonValue());
      texts.push(tip);
      bad = texts.filter((s) => YEAR_AS_NUMBER.test(s));
      report.push(`3 (${lang}): ${texts.length} texts with years, e.g. "${texts[0].trim()}", tooltip "${tip.slice(0, 40)}"`);
      check(bad.length === 0, `${lang}: years printed with a separator: ${bad.slice(0, 3).map((s) => JSON.stringify(s.trim().slice(0, 60)))}`);
    }
    await page.click('[data-testid=lang-switch]');
    await ctx.close();
  });

  for (const user of ['demo', 'tinh']) {
    await item(`8 phone navigation as ${user}: every menu entry and the org unit name readable`, async () => {
      const { ctx, page } = await session(browser, user, PHONE);
      setLast(page);
      const links = page.locator('nav.nav a');
      const n = await links.count();
      const hidden = [];
      for (let i = 0; i < n; i++) {
        const l = links.nth(i);
        const b = await l.boundingBox();
        const seen = b && (await l.isVisible()) && b.x >= 0 && b.x + b.width <= 360 + 0.5 && b.y >= 0;
        if (!seen) hidden.push(`${(await l.textContent()).trim()} (${b ? Math.round(b.x) + '…' + Math.round(b.x + b.width) : 'no box'})`);
      }
      const ou = await page.$eval('[data-testid=who-orgunit]', (el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent, visible: r.width > 0 && getComputedStyle(el).visibility !== 'hidden', sw: el.scrollWidth, cw: el.clientWidth, right: r.right };
      });
      const bad = [];
      if (n < 3) bad.push(`the menu has ${n} entries`);
      if (hidden.length) bad.push(`menu entries outside the 360 px screen: ${hidden.join(', ')}`);
      if (!(ou.visible && ou.sw <= ou.cw && ou.right <= 360.5)) bad.push(`the org unit "${ou.text}" is cut (visible ${ou.visible}, ${ou.sw} px in ${ou.cw} px, right edge ${Math.round(ou.right)})`);
      check(bad.length === 0, `${user}: ${bad.join('; ')}`);
      report.push(`8 ${user}: ${n} menu entries on screen, org unit "${ou.text}" whole`);
      await shot(page, `phone-nav-${user}`);
      await ctx.close();
    });
  }

  await item('9 the plan table scrolls by keyboard on a phone', async () => {
    const { ctx, page } = await session(browser, 'tinh', PHONE);
    setLast(page);
    await page.waitForSelector('[data-testid=plan-eval] tbody tr');
    const box = page.locator('.scroll-x:has([data-testid=plan-eval])');
    const before = await box.evaluate((el) => ({ wide: el.scrollWidth > el.clientWidth, tab: el.tabIndex, name: el.getAttribute('aria-label') }));
    check(before.wide, 'the plan table is wider than a phone (else this checks nothing)');
    check(before.tab === 0 && before.name, `the scroller is in the tab order and named: ${JSON.stringify(before)}`);
    await box.focus();
    check(await box.evaluate((el) => el === document.activeElement), 'the scroller takes focus');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    // Keyboard scrolling is animated: give it a moment.
    const left = await box.evaluate((el) => new Promise((done) => setTimeout(() => done(el.scrollLeft), 600)));
    check(left > 0, `arrow keys scroll the focused plan table (scrollLeft ${left})`);
    report.push(`9: plan scroller "${before.name}" focusable, ArrowRight scrolled ${left} px`);
    await ctx.close();
  });

  // 2 and axe: every page either user reaches, at both sizes.
  const ids = await (async () => {
    const { ctx, page } = await session(browser, 'demo');
    const r = await page.evaluate(async () => {
      const s = await fetch('/api/v1/persons/search?q=nguyen').then((r) => r.json());
      const child = s.items.find((p) => p.mother_id && p.birth_date > new Date(Date.now() - 4 * 365 * 86400000).toISOString().slice(0, 10));
      return { child: child.id, mother: child.mother_id };
    });
    await ctx.close();
    return r;
  })();
  report.push(`child ${ids.child}, mother ${ids.mother}`);
  const FORMS = ['child', 'woman', 'pregnancy', 'anc_visit', 'delivery', 'postnatal_visit'].map((f) => [`form-${f}`, `/new/${f}?person=${ids.mother}`, `[data-testid=form-${f}]`])
    .concat(['newborn', 'immunization', 'growth', 'vitamin_a', 'illness', 'injury', 'referral', 'death'].map((f) => [`form-${f}`, `/new/${f}?person=${ids.child}`, `[data-testid=form-${f}]`]));
  const PAGES = {
    demo: [
      ['home', '/', '[data-testid=worklist-count], [data-testid=no-data]'],
      ['search', '/search?q=nguyen', '[data-testid=search-results] li'],
      ['handbook-child', `/persons/${ids.child}`, '[data-testid=growth-chart][data-ready="1"]'],
      ['handbook-mother', `/persons/${ids.mother}`, '[data-testid=timeline]'],
      ...FORMS,
      ['dashboard', '/dashboard', '[data-testid=commune-map] [data-ready="1"]'],
      ['password', '/password', '#pw-old'],
      ['not-found', '/no-such-page', 'main h1'],
    ],
    tinh: [
      ['dashboard', '/', '[data-testid=cohort-mortality] tbody tr'],
      ['search', '/search?q=nguyen', '[data-testid=search-results] li'],
      ['handbook-child', `/persons/${ids.child}`, '[data-testid=growth-chart][data-ready="1"]'],
      ['handbook-mother', `/persons/${ids.mother}`, '[data-testid=timeline]'],
      ['users', '/users', '[data-testid=users-list] li'],
      ['audit', '/audit', '[data-testid=audit-table] tbody tr'],
      ['password', '/password', '#pw-old'],
      ['not-found', '/no-such-page', 'main h1'],
    ],
  };
  let overflowPages = 0;
  for (const [size, dims] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await item(`axe ${size} login`, async () => {
      const ctx = await browser.newContext({ ...ctxOpts, ...dims });
      const page = await ctx.newPage();
      watch(page, `login@${size}`);
      await expecting([{ status: 401, path: '/api/v1/auth/' }], async () => {
        await page.goto(BASE + '/login');
        await page.waitForSelector('#username');
        if (size === 'phone') {
          const o = await overflowBeyond(page, 360);
          if (o > 1) failures.push(`[2 phone width] login reaches ${o} px beyond 360 px`);
        }
        await axe(page, `login@${size}`, { strict: true });
      });
      await ctx.close();
    });
    for (const user of ['demo', 'tinh']) {
      const { ctx, page } = await session(browser, user, dims);
      setLast(page);
      // The officer lands on the dashboard, the worker on the worklist: let them load before moving on.
      await page.waitForSelector(user === 'tinh' ? '[data-testid=cohort-mortality] tbody tr' : '[data-testid=worklist-count], [data-testid=no-data]', { timeout: 90000 });
      for (const [name, path, sel] of PAGES[user]) {
        const label = `${name}@${size} as ${user}`;
        await item(`page ${label}`, async () => {
          await page.goto(BASE + path);
          await page.waitForSelector(sel, { timeout: 30000 });
          await page.waitForLoadState('networkidle');
          if (size === 'phone') {
            const o = await overflowBeyond(page, 360);
            report.push(`2 ${label}: ${o} px beyond 360`);
            if (o > 1) {
              overflowPages++;
              failures.push(`[2 phone width] ${label} reaches ${o} px beyond 360 px`);
            }
          }
          await shot(page, `${size}-${user}-${name}`);
          await axe(page, label, { strict: true });
        });
      }
      await ctx.close();
    }
  }
  report.push(`2: ${overflowPages} phone pages wider than 360 px`);
  step('summary');
  check(failures.length === 0, `${failures.length} failed:\n  ${failures.join('\n  ')}`);
});
