// Issue 21, "Deaths: notify, review, act" in the web app. The commune worker `demo` notifies a
// newborn's death through the form (a malformed ICD-10 code comes back as the server's field error,
// nothing stored), a stillbirth on a pregnant woman (under 22 weeks and 500 g refused the same way),
// and cannot open the review; the review board member `thamdinh` opens it from the
// deaths list, fills causes, delays and factors, adds actions (one already overdue, in red), meets
// a stale version as a clear message, completes the review and closes an action; the list then
// shows the death reviewed. Axe strict on each page, and a 360 px phone without overflow.
import { BASE, DESKTOP, PHONE, axe, check, daysAgo, expecting, iso, overflowBeyond, report, run, session, shot, step } from './lib.mjs';

const api = (page, method, path, body, version) => page.evaluate(async ([m, p, b, v]) => {
  const headers = { ...(b ? { 'Content-Type': 'application/json' } : {}), ...(v ? { 'If-Match': `"${v}"` } : {}) };
  const r = await fetch('/api/v1' + p, { method: m, headers, body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [method, path, body, version]);
const inDays = (n) => iso(new Date(Date.now() + n * 86400000));
const yesterday = daysAgo(1);

await run('deaths', async (browser, last) => {
  const { ctx, page } = await session(browser, 'demo', DESKTOP);
  last(page);

  step('a commune worker registers a newborn and opens "Báo tử vong" from the handbook');
  await page.goto(BASE + '/new/child');
  await page.waitForSelector('[data-testid=form-child]');
  await page.fill('#f-full_name', 'Lò Văn Sơ');
  await page.selectOption('#f-sex', 'male');
  await page.fill('#f-birth_date', daysAgo(3));
  await page.fill('#f-village', 'Bản Mới');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  const childId = page.url().split('/').pop();
  const workerOu = (await api(page, 'GET', '/auth/me')).body.orgunits[0];
  const notify = page.locator('a[data-form=death]');
  check((await notify.textContent()).includes('Báo tử vong'), `the handbook's link: "${await notify.textContent()}"`);
  check(await page.locator('a[data-form=stillbirth]').count() === 0, 'no stillbirth form on a child');
  await notify.click();
  await page.waitForSelector('[data-testid=form-death]');
  check((await page.textContent('h1')).includes('Báo tử vong'), 'the form is titled "Báo tử vong"');

  step('the notification: time and place of death, who notified and when, the cause');
  await page.fill('#f-date', yesterday);
  await page.fill('#f-time_of_death', yesterday);
  await page.fill('#f-time_of_death-time', '06:10');
  await page.selectOption('#f-place', 'commune_station');
  const facility = await page.locator('#f-place_facility option').nth(1).getAttribute('value');
  await page.selectOption('#f-place_facility', facility);
  await page.fill('#f-notified_by', 'Giàng Thị Dở');
  await page.selectOption('#f-notifier_role', 'village_health_worker');
  await page.fill('#f-notified_at', yesterday);
  await page.fill('#f-notified_at-time', '08:40');
  await page.selectOption('#f-cause_category', 'neonatal_sepsis');
  await page.fill('#f-cause_text', 'Sốt, bỏ bú từ ngày thứ hai');
  await page.fill('#f-icd10', 'XYZ');
  await axe(page, 'death notification form', { strict: true });

  step('a malformed ICD-10 code is the server\'s field error, and nothing is stored');
  await expecting([{ status: 422, path: '/api/v1/deaths' }], async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=error-icd10]');
  });
  const icdError = await page.textContent('[data-testid=error-icd10]');
  check(icdError.includes('ICD-10'), `the error beside the code names ICD-10: "${icdError}"`);
  check((await page.getAttribute('#f-icd10', 'aria-invalid')) === 'true', 'the code field is marked invalid');
  const none = await api(page, 'GET', `/deaths?person_id=${childId}`);
  check(none.status === 200 && none.body.items.length === 0, `nothing stored: ${JSON.stringify(none.body)}`);

  step('the code picker offers codes from the server\'s list');
  await page.fill('#f-icd10', 'P36');
  await page.waitForFunction(() => document.querySelectorAll('#f-icd10-codes option').length > 0, null, { timeout: 5000 });
  const offered = await page.locator('#f-icd10-codes option').evaluateAll((os) => os.map((o) => o.value));
  check(offered.every((c) => c.startsWith('P36')), `codes offered for P36: ${offered.join(', ')}`);
  await page.fill('#f-icd10', 'P36.9');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');

  step('the handbook shows the death with its derived category and hours to notification');
  const item = page.locator('[data-testid=timeline] [data-type=death]');
  await item.waitFor();
  const summary = await item.locator('.tl-summary').textContent();
  check(summary.includes('Sơ sinh sớm'), `category early neonatal on the handbook: "${summary}"`);
  check(/Số giờ từ khi mất đến khi báo: 2,5\b/.test(summary), `2.5 hours to notification: "${summary}"`);
  const deaths = await api(page, 'GET', `/deaths?person_id=${childId}`);
  const deathId = deaths.body.items[0].id;
  report.push(`death ${deathId}: ${summary}`);

  step('a stillbirth on a pregnant woman: under 22 weeks and 500 g is the server\'s field error');
  const woman = await api(page, 'POST', '/persons', { full_name: 'Giàng Thị Mỷ', sex: 'female', birth_date: '1998-03-04', orgunit: workerOu, village: 'Bản Mới' });
  const preg = await api(page, 'POST', '/pregnancies', { person_id: woman.body.id, orgunit: workerOu, date: daysAgo(150), lmp: daysAgo(30 * 7) });
  check(woman.status === 201 && preg.status === 201, `a woman 30 weeks pregnant: ${woman.status} ${preg.status} ${JSON.stringify(preg.body)}`);
  await page.goto(`${BASE}/persons/${woman.body.id}`);
  const still = page.locator('a[data-form=stillbirth]');
  await still.waitFor();
  check((await still.textContent()).includes('Báo thai chết lưu'), `the handbook's link: "${await still.textContent()}"`);
  await still.click();
  await page.waitForSelector('[data-testid=form-stillbirth]');
  check((await page.inputValue('#f-pregnancy_id')) === preg.body.id, 'her pregnancy is chosen');
  await page.fill('#f-date', yesterday);
  await page.fill('#f-gestational_weeks', '20');
  await page.fill('#f-birth_weight_g', '400');
  await page.selectOption('#f-timing', 'antepartum');
  await page.selectOption('#f-place', 'home');
  await axe(page, 'stillbirth form', { strict: true });
  await expecting([{ status: 422, path: '/api/v1/stillbirths' }], async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=error-gestational_weeks]');
  });
  const stillNone = await api(page, 'GET', `/stillbirths?person_id=${woman.body.id}`);
  check(stillNone.body.items.length === 0, 'nothing stored');
  await page.fill('#f-gestational_weeks', '30');
  await page.fill('#f-birth_weight_g', '1400');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=person-name]');
  const stillItem = await page.locator('[data-testid=timeline] [data-type=stillbirth] .tl-summary').textContent();
  check(stillItem.includes('Thai chết lưu trước chuyển dạ'), `the stillbirth's category on the handbook: "${stillItem}"`);

  step('the commune worker cannot open the review page, nor read reviews');
  await page.goto(`${BASE}/deaths/${deathId}/review`);
  await page.waitForSelector('[data-testid=forbidden]');
  check(await page.locator('[data-testid=review-form]').count() === 0, 'no review form for the worker');
  const refused = await expecting([{ status: 403, path: '/api/v1/death-reviews' }], () => api(page, 'GET', `/death-reviews?person_id=${childId}`));
  check(refused.status === 403, `the API refuses the worker the reviews: ${refused.status}`);
  await page.goto(BASE + '/deaths');
  await page.waitForSelector(`[data-testid=deaths-table] tr[data-id="${deathId}"]`);
  check(await page.locator('[data-testid=open-review]').count() === 0, 'the worker\'s list has no review links');
  const mine = page.locator(`tr[data-id="${deathId}"] [data-testid=notified]`);
  check((await mine.getAttribute('data-status')) === 'in_time', `notified after 2.5 h is in time: ${await mine.textContent()}`);
  const notified = await page.locator('[data-testid=notified]').evaluateAll((es) => es.map((e) => e.dataset.status));
  report.push(`worker's list: ${notified.length} deaths, in time ${notified.filter((x) => x === 'in_time').length}, late ${notified.filter((x) => x === 'late').length}`);
  await axe(page, 'deaths list (worker)', { strict: true });
  await ctx.close();

  step('a board member opens the review from the deaths list');
  const board = await session(browser, 'thamdinh', DESKTOP);
  const bp = board.page;
  last(bp);
  await bp.goto(BASE + '/deaths');
  const row = bp.locator(`[data-testid=deaths-table] tr[data-id="${deathId}"]`);
  await row.waitFor();
  check((await row.locator('[data-testid=review-status]').getAttribute('data-status')) === 'none', 'not reviewed yet');
  const reviewStates = await bp.locator('[data-testid=review-status]').evaluateAll((es) => es.map((e) => e.dataset.status));
  report.push(`board's list: ${reviewStates.length} rows, ${['none', 'draft', 'complete', 'overdue'].map((k) => `${k} ${reviewStates.filter((x) => x === k).length}`).join(', ')}`);
  await axe(bp, 'deaths list', { strict: true });
  await row.locator('a[data-testid=open-review]').click();
  await bp.waitForSelector('[data-testid=review-form]');
  const shown = await bp.textContent('[data-testid=death-summary]');
  check(!shown.includes('Lò Văn Sơ'), 'the summary names nobody');

  step('causes (ICD-10, ICD-PM), the three delays, factors, avoidability, findings');
  await bp.selectOption('#r-review_type', 'community');
  await bp.fill('#r-board_chair', 'Nguyễn Văn Bình');
  await bp.fill('#r-board_paediatrician', 'Trần Thị Lan');
  await bp.fill('#r-underlying_icd10', 'P36.9');
  await bp.fill('#r-contributing_icd10', 'P07.3');
  await bp.selectOption('#r-icd_pm_timing', 'neonatal');
  await bp.selectOption('#r-icd_pm_maternal', 'm5_none');
  check(await bp.locator('#r-icd_mm_group').count() === 0, 'no ICD-MM group for a newborn');
  await bp.selectOption('#r-delay1_seeking', 'yes');
  await bp.fill('#r-delay1_note', 'Gia đình chờ đến sáng mới báo');
  await bp.selectOption('#r-delay2_reaching', 'no');
  await bp.selectOption('#r-delay3_receiving', 'yes');
  await bp.check('input[name=factors_family][value=late_recognition]');
  await bp.check('input[name=factors_health_worker][value=delayed_referral]');
  await bp.selectOption('#r-avoidability', 'avoidable');
  await bp.fill('#r-findings', 'Cần tập huấn nhận biết dấu hiệu nguy hiểm ở trẻ sơ sinh');
  await bp.click('[data-testid=save-draft]');
  await bp.waitForSelector('[data-testid=review-message].ok');
  check((await bp.getAttribute('[data-testid=review-status]', 'data-status')) === 'draft', 'saved as a draft');

  step('actions: one due in a month, one already overdue (red)');
  const addAction = async (what, due, owner) => {
    const before = await bp.locator('[data-testid=actions] li').count();
    await bp.fill('#a-what', what);
    await bp.selectOption('#a-owner_orgunit', owner ?? await bp.locator('#a-owner_orgunit option').nth(1).getAttribute('value'));
    await bp.fill('#a-due_date', due);
    await bp.click('[data-testid=add-action]');
    await bp.waitForFunction((n) => document.querySelectorAll('[data-testid=actions] li').length === n + 1, before);
  };
  await addAction('Tập huấn nhận biết dấu hiệu nguy hiểm cho y tế thôn bản', inDays(5), workerOu);
  // An action agreed yesterday and due yesterday (the API refuses a due date before the agreement).
  const rv0 = (await api(bp, 'GET', `/death-reviews?person_id=${childId}`)).body.items[0];
  const late = await api(bp, 'POST', '/review-actions', { person_id: childId, orgunit: rv0.orgunit, date: yesterday, review_id: rv0.id,
    what: 'Bổ sung kháng sinh tiêm tại trạm', owner_orgunit: rv0.orgunit, due_date: yesterday, status: 'open' });
  check(late.status === 201, `an action due yesterday: ${late.status} ${JSON.stringify(late.body)}`);
  await bp.reload();
  await bp.waitForFunction(() => document.querySelectorAll('[data-testid=actions] li').length === 2);
  const statuses = await bp.locator('[data-testid=actions] li').evaluateAll((ls) => ls.map((l) => l.dataset.status));
  check(statuses.includes('open') && statuses.includes('overdue'), `statuses: ${statuses}`);
  const red = await bp.locator('[data-testid=actions] li[data-status=overdue] .badge').evaluate((e) => getComputedStyle(e).color);
  check(red === 'rgb(161, 35, 27)', `overdue badge in red (--bad): ${red}`);

  step('a version changed meanwhile is refused with a clear message');
  const reviews = await api(bp, 'GET', `/death-reviews?person_id=${childId}`);
  const rv = reviews.body.items[0];
  const bumped = await api(bp, 'PUT', `/death-reviews/${rv.id}`, { ...rv, board_secretary: 'Lường Văn Khá' }, rv.version);
  check(bumped.status === 200, `another member saved first: ${bumped.status}`);
  await expecting([{ status: 409, path: '/api/v1/death-reviews' }], async () => {
    await bp.click('[data-testid=save-complete]');
    await bp.waitForSelector('[data-testid=review-message].error');
  });
  const conflict = await bp.textContent('[data-testid=review-message]');
  check(conflict.includes('người khác sửa') && conflict.includes('Tải lại trang'), `409 message: "${conflict}"`);

  step('after reloading, the review is completed');
  await bp.reload();
  await bp.waitForSelector('[data-testid=review-form]');
  check((await bp.inputValue('#r-board_secretary')) === 'Lường Văn Khá', 'the other member\'s change is shown');
  check((await bp.inputValue('#r-findings')).startsWith('Cần tập huấn'), 'the draft is kept');
  await bp.click('[data-testid=save-complete]');
  await bp.waitForSelector('[data-testid=review-message].ok');
  check((await bp.getAttribute('[data-testid=review-status]', 'data-status')) === 'complete', 'complete');

  step('the overdue action is marked done with a follow-up note');
  await bp.locator('[data-testid=actions] li[data-status=overdue] [data-testid=mark-done]').click();
  await bp.fill('[data-testid=actions] textarea', 'Đã cấp bổ sung, kiểm tra lại sau 3 tháng');
  await bp.click('[data-testid=confirm-done]');
  await bp.waitForSelector('[data-testid=actions] li[data-status=done]');
  check(await bp.locator('[data-testid=actions] li[data-status=overdue]').count() === 0, 'no overdue action left');
  await axe(bp, 'death review page', { strict: true });
  await shot(bp, 'desktop-review');

  step('the deaths list shows the death reviewed, with one open action');
  await bp.goto(BASE + '/deaths');
  await row.waitFor();
  check((await row.locator('[data-testid=review-status]').getAttribute('data-status')) === 'complete', 'reviewed in the list');
  const counts = await row.locator('[data-testid=action-counts]').textContent();
  check(counts.includes('1 đang làm') && !counts.includes('quá hạn'), `actions: "${counts}"`);
  await bp.selectOption('#d-category', 'late_neonatal');
  await bp.click('[data-testid=deaths-filters] button[type=submit]');
  await bp.waitForFunction(() => new URL(location.href).searchParams.get('category') === 'late_neonatal');
  await bp.waitForSelector('[data-testid=deaths-table], [data-testid=no-data]');
  check(await bp.locator(`tr[data-id="${deathId}"]`).count() === 0, 'the category filter leaves it out');
  const open = (await api(bp, 'GET', `/review-actions?person_id=${childId}`)).body.items.find((a) => a.status === 'open');
  await board.ctx.close();

  step('the owner commune\'s worker follows the action from the home page and marks it done');
  const owner = await session(browser, 'demo', PHONE);
  last(owner.page);
  await owner.page.goto(BASE + '/');
  const link = owner.page.locator(`[data-testid=death-followups] li[data-kind=action_due][data-record="${open.id}"] a`);
  await link.waitFor({ timeout: 30000 });
  check((await link.textContent()).includes('Tập huấn nhận biết'), `the worklist names the action: ${await link.textContent()}`);
  await link.click();
  await owner.page.waitForSelector('[data-testid=actions] li[data-status=open]');
  check(!(await owner.page.textContent('main')).includes('Nguyễn Văn Bình'), 'the action page shows nothing of the review');
  await axe(owner.page, 'action page at 360 px', { strict: true });
  await owner.page.click('[data-testid=mark-done]');
  await owner.page.fill('[data-testid=actions] textarea', 'Đã tập huấn 12 nhân viên y tế thôn bản');
  await owner.page.click('[data-testid=confirm-done]');
  await owner.page.waitForSelector('[data-testid=actions] li[data-status=done]');
  check((await overflowBeyond(owner.page, 360)) <= 0, 'the action page fits 360 px');
  await owner.ctx.close();

  step('a 360 px phone: the list and the review page fit');
  const phone = await session(browser, 'thamdinh', PHONE);
  last(phone.page);
  await phone.page.goto(BASE + '/deaths');
  await phone.page.waitForSelector(`tr[data-id="${deathId}"]`);
  const listOver = await overflowBeyond(phone.page, 360);
  await phone.page.goto(`${BASE}/deaths/${deathId}/review`);
  await phone.page.waitForSelector('[data-testid=actions]');
  const reviewOver = await overflowBeyond(phone.page, 360);
  check(listOver <= 0 && reviewOver <= 0, `overflow at 360 px: list ${listOver} px, review ${reviewOver} px`);
  await axe(phone.page, 'death review page at 360 px', { strict: true });
  await shot(phone.page, 'phone-review');
  report.push(`phone 360 px: list overflow ${listOver} px, review overflow ${reviewOver} px`);
  await phone.ctx.close();
});
