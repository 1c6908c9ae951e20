// Issue 21, deaths core (branch i21-deaths), through the browser's own session as the demo accounts
// meet it: the ICD-10 code list the forms pick from, a death notified by the commune worker `demo`
// with its derived fields, a review and an action by the province's review board `thamdinh`, the
// review kept from the commune worker (403, and left out of the handbook), the action closed by
// its owner commune, and the deaths awaiting review on the board's follow-up list only.
import { DESKTOP, check, daysAgo, expecting, run, session, step } from './lib.mjs';

const api = (page, method, path, body, ifMatch) =>
  page.evaluate(
    async ([m, p, b, v]) => {
      const headers = b ? { 'Content-Type': 'application/json' } : {};
      if (v) headers['If-Match'] = `"${v}"`;
      const r = await fetch(p, { method: m, credentials: 'same-origin', headers, body: b ? JSON.stringify(b) : undefined });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [method, path, body, ifMatch],
  );

run('i21-deaths', async (browser, setLast) => {
  const { page } = await session(browser, 'demo', DESKTOP);
  setLast(page);

  step('the ICD-10 list answers by words of a title and by code');
  const byTitle = await api(page, 'GET', '/api/v1/codes/icd10?q=' + encodeURIComponent('postpartum haemorrhage') + '&limit=5');
  check(byTitle.status === 200, `codes/icd10 answers: ${byTitle.status}`);
  check(byTitle.body?.items?.some((i) => i.code === 'O72'), `O72 found by its title: ${JSON.stringify(byTitle.body)}`);
  const byCode = await api(page, 'GET', '/api/v1/codes/icd10?q=o72.1');
  check(byCode.body?.items?.[0]?.code === 'O72.1' && /postpartum/i.test(byCode.body.items[0].title_en), `O72.1 by code: ${JSON.stringify(byCode.body)}`);

  step('the commune worker notifies the death of a child of her commune');
  const persons = await api(page, 'GET', '/api/v1/persons?limit=5');
  const orgunit = persons.body.items[0].orgunit;
  const child = await api(page, 'POST', '/api/v1/persons', { full_name: 'Lò Văn Thử', sex: 'male', birth_date: daysAgo(400), orgunit });
  check(child.status === 201, `child created: ${child.status} ${JSON.stringify(child.body)}`);
  const death = await api(page, 'POST', '/api/v1/deaths', {
    person_id: child.body.id, orgunit, date: daysAgo(2), time_of_death: `${daysAgo(2)}T22:00:00+07:00`, place: 'home',
    notified_by: 'Lò Thị Hoa', notifier_role: 'village_health_worker', notified_at: `${daysAgo(1)}T06:00:00+07:00`, icd10: 'J18.9',
  });
  check(death.status === 201, `death notified: ${death.status} ${JSON.stringify(death.body)}`);
  check(death.body?.category === 'child_1_4', `category derived: ${death.body?.category}`);
  check(death.body?.hours_to_notification === 8, `hours to notification derived: ${death.body?.hours_to_notification}`);

  step('the commune worker cannot write or read a review');
  const review = { person_id: child.body.id, orgunit, date: daysAgo(0), death_id: death.body.id, review_type: 'community',
    status: 'draft', underlying_icd10: 'J18.9', findings: 'Gia đình đưa trẻ đến muộn' };
  await expecting([{ status: 403, path: '/api/v1/death-reviews' }], async () => {
    check((await api(page, 'POST', '/api/v1/death-reviews', review)).status === 403, 'POST death-reviews refused to the commune worker');
    check((await api(page, 'GET', '/api/v1/death-reviews')).status === 403, 'GET death-reviews refused to the commune worker');
  });

  step('the review board reviews the death and agrees an action for the commune');
  const board = await session(browser, 'thamdinh', DESKTOP);
  const r = await api(board.page, 'POST', '/api/v1/death-reviews', review);
  check(r.status === 201, `review saved by the board: ${r.status} ${JSON.stringify(r.body)}`);
  const a = await api(board.page, 'POST', '/api/v1/review-actions', { person_id: child.body.id, orgunit, date: daysAgo(0),
    review_id: r.body.id, what: 'Tập huấn nhận biết viêm phổi', owner_orgunit: orgunit, due_date: daysAgo(-3), status: 'open' });
  check(a.status === 201 && a.body.overdue === false, `action saved, not overdue: ${a.status} ${JSON.stringify(a.body)}`);
  const boardList = await api(board.page, 'GET', '/api/v1/death-followups');
  check(boardList.body?.items?.some((i) => i.kind === 'review_due' && i.record_id === death.body.id), 'the draft-reviewed death awaits its review on the board list');
  check((await api(board.page, 'GET', `/api/v1/death-reviews/${r.body.id}`)).status === 200, 'the board reads its review');

  step('the commune worker sees the action, not the review');
  const book = await api(page, 'GET', `/api/v1/persons/${child.body.id}/handbook`);
  const types = book.body.events.map((e) => e.type);
  check(types.includes('death') && types.includes('review_action') && !types.includes('death_review'), `handbook events: ${types}`);
  check(!JSON.stringify(book.body).includes('đến muộn'), 'no finding of the review in the handbook');
  const mine = await api(page, 'GET', '/api/v1/death-followups');
  check(mine.body.items.some((i) => i.kind === 'action_due' && i.record_id === a.body.id), 'the action is due on the commune list');
  check(!mine.body.items.some((i) => i.kind === 'review_due'), 'no review item for the commune worker');

  step('the commune closes its action');
  const done = await api(page, 'PUT', `/api/v1/review-actions/${a.body.id}`, { status: 'done', done_date: daysAgo(0), follow_up: 'Đã tập huấn' }, 1);
  check(done.status === 200 && done.body.status === 'done' && done.body.what === 'Tập huấn nhận biết viêm phổi', `closed: ${JSON.stringify(done.body)}`);
});
