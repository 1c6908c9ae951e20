// Browser test of the web app against a live under5 server (started by run.sh). Each step throws on
// failure; the run ends non-zero. Screenshots of every page at phone and desktop size go to $ARTIFACTS.
import { BASE, report, step, check, daysAgo, watch, expecting, axe, shot, unlabelledInputs, login, ctxOpts, run, overflowBeyond } from './lib.mjs';

// The report goes to $ARTIFACTS/report.txt, a failure's screenshot to report-failure.png.
await run('report', async (browser, showing) => {
  const desktop = await browser.newContext({ ...ctxOpts, viewport: { width: 1280, height: 860 } });
  const page = await desktop.newPage();
  showing(page);
  watch(page, 'desktop');
  page.setDefaultTimeout(15000);

  step('login page');
  await expecting([{ status: 401, path: '/api/v1/auth/' }], async () => {
    await page.goto(BASE + '/');
    await page.waitForSelector('#username');
    check((await unlabelledInputs(page)).length === 0, 'login inputs have labels');
    await axe(page, 'login', { strict: true });
    await shot(page, 'desktop-login');

    step('wrong password');
    await page.fill('#username', 'demo');
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    const err = await page.textContent('[data-testid=login-error]');
    check(err.includes('Sai tên đăng nhập hoặc mật khẩu'), `wrong-password message in Vietnamese, got "${err}"`);
    await shot(page, 'desktop-login-error');
  });

  step('login by keyboard');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(page, 'demo', true));
  check(page.url().endsWith('/'), 'lands on home');

  step('home');
  await page.waitForSelector('#h-wl');
  // The first worklist of a fresh server computes every person's plan: allow it time.
  await page.waitForFunction(() => !document.querySelector('.grid-home .loading'), null, { timeout: 90000 });
  const worklistAvailable = (await page.locator('[data-testid=worklist-count]').count()) > 0;
  report.push(`worklist API ${worklistAvailable ? 'available' : 'absent: home shows "chưa có dữ liệu"'}`);
  if (!worklistAvailable) check((await page.locator('[data-testid=no-data]').count()) > 0, 'home degrades to "no data"');
  await axe(page, 'home', { strict: true });
  await shot(page, 'desktop-home');

  step('search');
  await page.click('nav >> text=Tìm kiếm');
  await page.fill('#q', 'nguyen');
  await page.press('#q', 'Enter');
  await page.waitForSelector('[data-testid=search-results] li');
  const names = await page.locator('[data-testid=search-results] .name').allTextContents();
  check(names.length > 0 && names.every((n) => /nguy[eễ]n/i.test(n)), `results match "nguyen": ${names.slice(0, 3)}`);
  check(names.some((n) => n.includes('Nguyễn')), 'a result is spelt Nguyễn');
  await axe(page, 'search', { strict: true });
  await shot(page, 'desktop-search');

  step('handbook of a found person');
  await page.locator('[data-testid=search-results] a').first().click();
  await page.waitForSelector('[data-testid=person-name]');
  await page.waitForLoadState('networkidle');
  await axe(page, 'handbook', { strict: true });
  await shot(page, 'desktop-handbook');

  step('dashboard before');
  const kpiDen = async () => {
    await page.goto(BASE + '/dashboard');
    await page.waitForSelector('[data-testid=kpi][data-indicator=underweight_under5]');
    return (await page.textContent('[data-testid=kpi][data-indicator=underweight_under5] .kpi-sub')).trim();
  };
  const before = await kpiDen();

  step('register a child with a wrong phone');
  const name = 'Lò Văn Kiểm';
  await page.goto(BASE + '/new/child');
  await page.waitForSelector('[data-testid=form-child]');
  check((await unlabelledInputs(page)).length === 0, `form inputs have labels: ${await unlabelledInputs(page)}`);
  await page.fill('#f-full_name', name);
  await page.selectOption('#f-sex', 'male');
  await page.fill('#f-birth_date', daysAgo(3).split('-').reverse().join('/')); // dd/mm/yyyy whatever the browser
  await page.fill('#f-village', 'Bản Thử');
  await page.fill('#f-phone', '12345');
  await expecting([{ status: 422, path: '/api/v1/persons' }], async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=error-phone]');
  });
  const phoneErr = await page.textContent('[data-testid=error-phone]');
  check(phoneErr.includes('Số điện thoại phải có 10 chữ số'), `phone error in Vietnamese beside the field: "${phoneErr}"`);
  check((await page.inputValue('#f-full_name')) === name, 'the typed name is kept after the error');
  check((await page.getAttribute('#f-phone', 'aria-invalid')) === 'true', 'the phone field is marked invalid');
  check(await page.evaluate(() => document.activeElement?.id === 'f-phone'), 'focus moves to the field in error');
  await axe(page, 'form with error', { strict: true });
  await shot(page, 'desktop-form-error');

  step('register the child');
  await page.fill('#f-phone', '0912345678');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  check((await page.textContent('[data-testid=person-name]')) === name, 'handbook of the new child');
  check((await page.textContent('[data-testid=flash]')).includes('Đã lưu'), 'saved message');
  const childUrl = page.url();
  const childId = childUrl.split('/').pop();

  step('worklist lists the BCG');
  const bcgOnWorklist = async () => {
    await page.goto(BASE + '/');
    await page.waitForSelector('[data-testid=worklist-count]', { timeout: 60000 });
    // Villages other than the first start closed: open the child's village (still listed: other items stay due).
    const head = page.locator('.village-head', { hasText: 'Bản Thử' });
    check((await head.count()) === 1, 'the child\'s village is on the worklist');
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    await page.waitForSelector(`[data-person="${childId}"]`);
    return page.locator(`[data-person="${childId}"] [data-item="epi.bcg.1"]`).count();
  };
  if (worklistAvailable) check((await bcgOnWorklist()) === 1, 'the new child is on the worklist with BCG due');

  step('record the BCG vaccine');
  await page.goto(childUrl);
  await page.waitForSelector('[data-testid=vaccine-card] [data-item="epi.bcg.1"] a');
  await page.click('[data-testid=vaccine-card] [data-item="epi.bcg.1"] a');
  await page.waitForSelector('[data-testid=form-immunization]');
  check((await page.inputValue('#f-vaccine')) === 'bcg' && (await page.inputValue('#f-dose')) === '1', 'form pre-filled from the due item');
  await shot(page, 'desktop-form-immunization');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  await page.waitForSelector('[data-testid=vaccine-card] [data-item="epi.bcg.1"][data-status=done]');
  if (worklistAvailable) check((await bcgOnWorklist()) === 0, 'BCG left the worklist');

  step('growth measurement');
  await page.goto(`${BASE}/new/growth?person=${childId}`);
  await page.waitForSelector('[data-testid=form-growth]');
  await page.fill('#f-weight_kg', '3,3');
  await page.fill('#f-length_cm', '50');
  await page.selectOption('#f-measure', 'l');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=growth-chart][data-ready="1"]');
  const pts = await page.textContent('[data-testid=growth-points]');
  check(pts.includes('3,3'), `the point is listed with a Vietnamese decimal comma: ${pts}`);
  const status = await page.textContent('[data-testid=nutrition-status]');
  check(status.includes('Bình thường'), `nutrition status shown: ${status}`);
  await axe(page, 'handbook with growth', { strict: true });
  await shot(page, 'desktop-handbook-child');

  step('dashboard after');
  const after = await kpiDen();
  report.push(`underweight_under5 at commune: before "${before}", after "${after}"`);
  check(before !== after, `dashboard value changes after the measurement (${before} → ${after})`);
  await page.click('[data-testid=kpi][data-indicator=underweight_under5]');
  await page.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
  const mine = await page.getAttribute('[data-testid=commune-map]', 'data-mine-colour');
  check(mine && mine !== '#d5dae0', `the commune is coloured on the map (${mine})`);
  await page.waitForSelector('[data-testid=trend-chart][data-ready="1"]');
  await axe(page, 'dashboard', { strict: true });
  await shot(page, 'desktop-dashboard');

  step('English and back');
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Search');
  check((await page.getAttribute('html', 'lang')) === 'en', 'html lang is en');
  await shot(page, 'desktop-dashboard-en');
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('nav >> text=Tìm kiếm');
  check((await page.getAttribute('html', 'lang')) === 'vi', 'html lang is vi again');

  step('small numbers on the commune dashboard (issue 19)');
  // A rate shows its counts and its 95 % interval; a commune's rates rest on few deaths: marked.
  await page.waitForSelector('[data-testid=kpi][data-indicator=neonatal_mortality_rate]');
  const nmrCard = '[data-testid=kpi][data-indicator=neonatal_mortality_rate]';
  const nmrText = (await page.textContent(nmrCard)).replace(/\s+/g, ' ');
  const nmrApi = (await page.evaluate((ou) => fetch(`/api/v1/indicators?orgunit=${ou}&period=${new Date().getFullYear()}&ids=neonatal_mortality_rate`).then((r) => r.json()),
    (await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()))).orgunits[0])).items[0];
  report.push(`commune neonatal: ${JSON.stringify({ v: nmrApi.value, n: nmrApi.numerator, d: nmrApi.denominator, lo: nmrApi.ci_low, hi: nmrApi.ci_high, small: nmrApi.small })}`);
  check(/Tử số \d+ \/ mẫu số \d+/.test(nmrText), `the rate shows numerator and denominator: "${nmrText}"`);
  if (nmrApi.value !== null) {
    check(nmrApi.ci_method === 'poisson_exact' && nmrApi.ci_low <= nmrApi.value && nmrApi.value <= nmrApi.ci_high, `the API gives an exact Poisson interval around the value: ${JSON.stringify(nmrApi)}`);
    check(/KTC 95%: [\d.,]+–[\d.,]+/.test(await page.textContent(nmrCard + ' [data-testid=ci]')), 'the card shows the 95 % interval');
    check(nmrApi.small === (nmrApi.numerator < 20), `small = fewer than 20 deaths: ${nmrApi.numerator}`);
    check((await page.locator(nmrCard + ' [data-testid=small-mark]').count()) === (nmrApi.small ? 1 : 0), 'the card carries the small-number mark when the API says small');
  }
  await page.waitForSelector('[data-testid=plan-eval] tbody tr');
  const evalApi = await page.evaluate(async () => {
    const me = await fetch('/api/v1/auth/me').then((r) => r.json());
    const plans = await fetch('/api/v1/plans').then((r) => r.json());
    const idx = await fetch('/geo/index.json').then((r) => r.json());
    const ou = me.orgunits[0];
    const prov = Object.values(idx).includes(ou) ? ou : idx[ou];
    const plan = plans.items.find((p) => p.orgunit === prov);
    return fetch(`/api/v1/plans/${plan.id}/evaluation?orgunit=${ou}`).then((r) => r.json());
  });
  const uncertainApi = evalApi.items.filter((e) => e.uncertain).length;
  const smallApi = evalApi.items.filter((e) => e.value !== null && e.small).length;
  const uncertainDom = await page.locator('[data-testid=plan-eval] [data-testid=uncertain]').count();
  report.push(`commune plan evaluation: ${evalApi.items.length} targets, ${uncertainApi} uncertain, ${smallApi} small`);
  check(uncertainApi > 0, 'a commune has verdicts whose interval contains the target');
  check(uncertainDom === uncertainApi, `every uncertain verdict is grey in the table (${uncertainDom} of ${uncertainApi})`);
  check((await page.locator('[data-testid=plan-eval] [data-testid=small-mark]').count()) === smallApi, 'small values are marked in the plan table');
  const grey = await page.$eval('[data-testid=plan-eval] [data-testid=uncertain]', (el) => ({ color: getComputedStyle(el).color, title: el.getAttribute('title') }));
  check(grey.color === 'rgb(74, 85, 98)' && grey.title.includes('Khoảng tin cậy 95% chứa chỉ tiêu'), `an uncertain verdict is grey with its reason: ${JSON.stringify(grey)}`);
  const ndRow = await page.textContent('[data-testid=plan-eval] tr[data-uncertain="1"]');
  check(/\d+\/\d+/.test(ndRow) && /\d–\d|[\d,]+–[\d,]+/.test(ndRow), `the uncertain row shows counts and the interval: "${ndRow.replace(/\s+/g, ' ')}"`);
  await shot(page, 'desktop-dashboard-small-numbers');

  step('province officer dashboard');
  const officer = await browser.newContext({ ...ctxOpts, viewport: { width: 1280, height: 860 } });
  const op = await officer.newPage();
  watch(op, 'officer');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(op, 'tinh', false));
  // An officer's home page is the dashboard of their province.
  await op.waitForSelector('[data-testid=league] tbody tr');
  await op.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
  await op.waitForSelector('[data-testid=plan-eval] tbody tr');
  const rows = await op.locator('[data-testid=league] tbody tr').count();
  check(rows > 10, `league table lists the province's communes (${rows})`);
  // Beside the period ratios, the province's five-year cohort (life-table) estimate with its interval and window.
  await op.waitForSelector('[data-testid=cohort-mortality] tbody tr[data-measure=u5mr]', { timeout: 30000 });
  const cohortRows = await op.locator('[data-testid=cohort-mortality] tbody tr').count();
  check(cohortRows === 3, `the cohort estimate has neonatal, infant and under-5 rows (${cohortRows})`);
  const cohortWindow = (await op.textContent('[data-testid=cohort-window]')).trim();
  check(/\d{2}\/\d{2}\/\d{4}.*\d{2}\/\d{2}\/\d{4}/.test(cohortWindow), `the cohort estimate names its window: "${cohortWindow}"`);
  const u5Interval = (await op.textContent('[data-testid=cohort-mortality] tr[data-measure=u5mr] td:nth-child(3)')).trim();
  check(/\d.*–.*\d/.test(u5Interval), `5q0 comes with its 95 % interval: "${u5Interval}"`);
  await shot(op, 'desktop-dashboard-province');

  step('small numbers in the ranking and on the map (issue 19)');
  // The officer's default indicator is a mortality rate: communes with under 20 deaths are marked,
  // left out of the ranking and listed apart; the map hatches them and says so in its legend.
  const smallRows = await op.locator('[data-testid=league] tr[data-small="1"]').count();
  const smallMarks = await op.locator('[data-testid=league] tr[data-small="1"] [data-testid=small-mark]').count();
  const rankedSmall = await op.locator('[data-testid=league] tbody:first-of-type tr[data-small="1"]').count();
  report.push(`ranking: ${rows} rows, ${smallRows} small`);
  check(smallRows > 0 && smallMarks === smallRows, `small-number communes are marked in the ranking (${smallMarks}/${smallRows})`);
  check(rankedSmall === 0, 'no small-number commune is ranked');
  check((await op.locator('[data-testid=league-small] td:first-child').allTextContents()).every((x) => x.trim() === '—'), 'small-number communes carry no rank');
  const ciCells = await op.locator('[data-testid=league] tr[data-small="1"] td:last-child').allTextContents();
  check(ciCells.some((x) => /[\d,]+–[\d,]+/.test(x)), `the ranking shows each commune's interval: ${ciCells.slice(0, 3)}`);
  const mapSmall = JSON.parse(await op.getAttribute('[data-testid=commune-map]', 'data-small'));
  check(mapSmall.length > 0, `the map hatches small-number communes (${mapSmall.length})`);
  check(await op.isVisible('[data-testid=map-small-legend]'), 'the map legend explains the hatching');
  check(await op.isVisible('[data-testid=small-legend]'), 'the ranking explains the mark');

  step('org unit names in the header');
  const whoOu = (await op.textContent('[data-testid=who-orgunit]')).trim();
  check(whoOu && !/^[\d:a-z]+$/.test(whoOu), `the header names the org unit, not its code: "${whoOu}"`);
  const scope = await op.textContent('[data-testid=dash-scope]');
  check(scope.includes(whoOu), `the dashboard names its org unit: "${scope}"`);

  step('users page: an error beside the field');
  const demoCommune = (await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()))).orgunits[0];
  await op.click('nav >> text=Người dùng');
  await op.waitForSelector('[data-testid=users-list] li');
  await op.waitForSelector(`#u-orgunit option[value="${demoCommune}"]`, { state: "attached" });
  check((await unlabelledInputs(op)).length === 0, `user form inputs have labels: ${await unlabelledInputs(op)}`);
  await op.fill('#u-username', 'Sai Tên');
  await op.fill('#u-full_name', 'Lò Thị Thử');
  await op.selectOption('#u-role', 'commune_worker');
  await op.selectOption('#u-orgunit', demoCommune);
  await expecting([{ status: 422, path: '/api/v1/users' }, { status: 400, path: '/api/v1/users' }], async () => {
    await op.click('[data-testid=user-create] button[type=submit]');
    await op.waitForSelector('[data-testid=error-username]');
  });
  const userErr = await op.textContent('[data-testid=error-username]');
  check(userErr.includes('Tên đăng nhập dài 3–64 ký tự'), `user name error in Vietnamese beside the field: "${userErr}"`);
  check((await op.inputValue('#u-full_name')) === 'Lò Thị Thử', 'the typed full name is kept after the error');
  check(await op.evaluate(() => document.activeElement?.id === 'u-username'), 'focus moves to the user name');
  await axe(op, 'users with error', { strict: true });

  step('users page: the officer creates a commune worker');
  await op.fill('#u-username', 'lo.thi.thu');
  await op.click('[data-testid=user-create] button[type=submit]');
  await op.waitForSelector('[data-testid=initial-password]');
  const initial = (await op.textContent('[data-testid=initial-password]')).trim();
  check(initial.length >= 12, `an initial password is shown once (${initial.length} characters)`);
  await op.waitForSelector('[data-username="lo.thi.thu"]');
  const row = await op.textContent('[data-username="lo.thi.thu"]');
  check(row.includes('Chưa đổi mật khẩu ban đầu'), `the new user is marked as not yet having changed the password: ${row}`);
  check(!row.includes(demoCommune), `the list names the org unit, not its code: ${row}`);
  await axe(op, 'users', { strict: true });
  await shot(op, 'desktop-users');

  step('the new user must change the initial password');
  const newcomer = await browser.newContext({ ...ctxOpts, viewport: { width: 1280, height: 860 } });
  const np = await newcomer.newPage();
  watch(np, 'newcomer');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], async () => {
    await np.goto(BASE + '/login');
    await np.waitForSelector('#username');
    await np.fill('#username', 'lo.thi.thu');
    await np.fill('#password', initial);
    await np.click('button[type=submit]');
    await np.waitForSelector('[data-testid=password-forced]');
  });
  check((await np.locator('nav.nav').count()) === 0, 'no menu until the password is changed');
  await axe(np, 'forced password change', { strict: true });
  await shot(np, 'desktop-password-forced');
  await np.fill('#pw-old', initial);
  await np.fill('#pw-next', 'mat-khau-moi-2030');
  await np.fill('#pw-again', 'mat-khau-moi-2030');
  await np.click('form button[type=submit]');
  await np.waitForSelector('#h-wl');
  check((await np.textContent('[data-testid=flash]')).includes('Đã đổi mật khẩu'), 'password changed message');

  step('the new user reads a handbook');
  await np.goto(BASE + '/search?q=nguyen');
  await np.waitForSelector('[data-testid=search-results] a');
  await np.locator('[data-testid=search-results] a').first().click();
  await np.waitForSelector('[data-testid=person-name]');
  const readId = np.url().split('/').pop();
  await np.waitForLoadState('networkidle');
  await newcomer.close();

  step('audit trail of the record read');
  await op.goto(`${BASE}/audit?record=${readId}`);
  await op.waitForSelector('[data-testid=audit-table] tbody tr');
  const reads = await op.locator('[data-testid=audit-table] tbody tr[data-action=read][data-user="lo.thi.thu"]').count();
  check(reads >= 1, `the audit view lists the newcomer's reads of the record (${reads})`);
  const others = await op.locator(`[data-testid=audit-table] tbody tr:not([data-record="${readId}"])`).count();
  check(others === 0, 'the record filter shows only that record');
  const firstRead = await op.textContent('[data-testid=audit-table] tbody tr[data-action=read]');
  check(firstRead.includes('Xem'), `actions are named in Vietnamese: ${firstRead}`);
  report.push(`audit: ${reads} read entries of ${readId} by lo.thi.thu`);

  step('audit trail filtered by user');
  await op.fill('#a-record', '');
  await op.fill('#a-user', 'lo.thi.thu');
  await op.click('form[role=search] button[type=submit]');
  await op.waitForSelector('[data-testid=audit-table] tbody tr[data-action=password_change]');
  const users = await op.locator('[data-testid=audit-table] tbody tr').evaluateAll((rs) => [...new Set(rs.map((r) => r.dataset.user))]);
  check(users.length === 1 && users[0] === 'lo.thi.thu', `only that user's entries: ${users}`);
  const actions = await op.locator('[data-testid=audit-table] tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.action));
  check(actions.includes('login_ok') && actions.includes('read'), `login and reads listed: ${[...new Set(actions)]}`);
  check((await unlabelledInputs(op)).length === 0, 'audit filters have labels');
  await axe(op, 'audit', { strict: true });
  await shot(op, 'desktop-audit');

  step('audit and users in English');
  const vietnameseIn = (pg) => pg.evaluate(() => {
    const viet = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
    // Interface text only: headings, labels, column heads, buttons, menus; names of people and places are data.
    return [...document.querySelectorAll('h1, h2, label, legend, th, button, nav a, .field-error, .alert, .muted:not([data-testid=dash-scope])')]
      .filter((el) => !el.closest('[data-testid=lang-switch]') && !el.classList.contains('lang-switch'))
      .map((el) => el.textContent.trim()).filter((s) => viet.test(s.replace(/(^|[^\p{L}])\p{Lu}\p{L}*/gu, '$1')));
  });
  await op.click('[data-testid=lang-switch]');
  await op.waitForSelector('nav >> text=Audit trail');
  let left = await vietnameseIn(op);
  check(left.length === 0, `Vietnamese left in English mode on the audit page: ${left.slice(0, 5)}`);
  await shot(op, 'desktop-audit-en');
  await op.click('nav >> text=Users');
  await op.waitForSelector('[data-testid=users-list] li');
  left = await vietnameseIn(op);
  check(left.length === 0, `Vietnamese left in English mode on the users page: ${left.slice(0, 5)}`);
  await shot(op, 'desktop-users-en');
  await op.click('[data-testid=lang-switch]');
  await op.waitForSelector('nav >> text=Người dùng');
  await officer.close();

  step('phone screenshots');
  const phone = await browser.newContext({ ...ctxOpts, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const pp = await phone.newPage();
  watch(pp, 'phone');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], async () => {
    await pp.goto(BASE + '/login');
    await pp.waitForSelector('#username');
    await shot(pp, 'phone-login');
    await login(pp, 'demo', false);
  });
  for (const [name, path, sel] of [
    ['home', '/', '#h-wl'], ['search', '/search?q=nguyen', '[data-testid=search-results]'], ['handbook-child', new URL(childUrl).pathname, '[data-testid=growth-chart][data-ready="1"]'],
    ['form-child', '/new/child', '[data-testid=form-child]'], ['form-growth', `/new/growth?person=${childId}`, '[data-testid=form-growth]'],
    ['dashboard', '/dashboard', '[data-testid=commune-map] [data-ready="1"]'],
  ]) {
    step('phone ' + name);
    await pp.goto(BASE + path);
    await pp.waitForSelector(sel);
    const overflow = await overflowBeyond(pp, 360);
    check(overflow <= 1, `${name} fits 360 px without sideways scrolling (overflow ${overflow}px)`);
    await shot(pp, 'phone-' + name);
  }
  await phone.close();

  step('phone screenshots of the officer pages');
  const phone2 = await browser.newContext({ ...ctxOpts, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const po = await phone2.newPage();
  watch(po, 'phone officer');
  await expecting([{ status: 401, path: '/api/v1/auth/me' }], () => login(po, 'tinh', false));
  // The officer lands on the dashboard: let its requests finish before going on, or they are aborted.
  await po.waitForSelector('[data-testid=commune-map] [data-ready="1"]');
  await po.waitForSelector('[data-testid=cohort-mortality] tbody tr', { timeout: 30000 });
  await po.waitForLoadState('networkidle');
  for (const [name, path, sel] of [
    ['users', '/users', '[data-testid=users-list] li'], ['audit', '/audit?user=lo.thi.thu', '[data-testid=audit-table] tbody tr'],
  ]) {
    step('phone ' + name);
    await po.goto(BASE + path);
    await po.waitForSelector(sel);
    const overflow = await overflowBeyond(po, 360);
    check(overflow <= 1, `${name} fits 360 px without sideways scrolling (overflow ${overflow}px)`);
    await shot(po, 'phone-' + name);
  }
  await phone2.close();

});
