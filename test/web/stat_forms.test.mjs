// Issue 22, the Ministry's statistics forms (TT 23/2025) on a running server over the demo province:
// the commune worker `demo` registers a girl and records her BCG dose; her commune's A2.1 form for the
// month counts one more BCG, in the female column, and leaves the "HepB > 24 h" row (not recorded)
// empty with its note; the province officer `tinh` gets the province's form by commune, whose total
// row is the sum of its communes, and downloads it as CSV and XLSX.
import { DESKTOP, check, daysAgo, run, session, step } from './lib.mjs';

const api = (page, path, init = {}) => page.evaluate(async ([p, i]) => {
  const r = await fetch('/api/v1' + p, { credentials: 'same-origin', ...i });
  const type = r.headers.get('content-type') || '';
  return { status: r.status, type, body: type.includes('json') ? await r.json() : await r.text() };
}, [path, init]);
const post = (page, path, body) => api(page, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const rowOf = (form, name) => form.tables[0].rows.find((r) => r.name === name);

run('stat_forms', async (browser, setLast) => {
  const today = daysAgo(0);
  const month = today.slice(0, 7);

  step('the commune reads its immunization form for the month');
  const com = await session(browser, 'demo', DESKTOP);
  setLast(com.page);
  const ou = (await api(com.page, '/auth/me')).body.orgunits[0];
  const list = await api(com.page, '/reports');
  check(list.status === 200, `report list: ${list.status}`);
  const a21 = list.body.items.find((t) => t.id === 'tt23_a2_1_commune');
  check(a21 && a21.level === 'commune' && a21.due.working_days_after === 5 && a21.period_kinds.includes('month'),
    `the A2.1 form is listed with its level, periods and due: ${JSON.stringify(a21)}`);
  const before = await api(com.page, `/reports/tt23_a2_1_commune?orgunit=${ou}&period=${month}`);
  check(before.status === 200, `form before: ${before.status} ${JSON.stringify(before.body)}`);
  const bcg0 = rowOf(before.body, 'BCG').cells;

  step('a girl born two days ago gets her BCG dose');
  const girl = await post(com.page, '/persons', { full_name: 'Lò Thị Biểumẫu', sex: 'female', birth_date: daysAgo(2), orgunit: ou });
  check(girl.status === 201, `girl registered: ${girl.status} ${JSON.stringify(girl.body)}`);
  const dose = await post(com.page, '/immunizations', { person_id: girl.body.id, orgunit: ou, date: today, vaccine: 'bcg', dose: 1 });
  check(dose.status === 201, `BCG recorded: ${dose.status} ${JSON.stringify(dose.body)}`);

  step('the form counts her: one more BCG, a girl; the unrecorded row stays empty with its note');
  const after = await api(com.page, `/reports/tt23_a2_1_commune?orgunit=${ou}&period=${month}`);
  const bcg1 = rowOf(after.body, 'BCG').cells;
  check(bcg1[0] === bcg0[0] + 1 && bcg1[2] === bcg0[2] + 1 && bcg1[1] === bcg0[1],
    `BCG total and female +1, male unchanged: ${JSON.stringify(bcg0)} -> ${JSON.stringify(bcg1)}`);
  const late = rowOf(after.body, 'Viêm gan B sơ sinh > 24 giờ').cells;
  check(late[0] === '' && late[1] === '' && late[2] === '' && /^Sổ điện tử không ghi nhận/.test(late[3]),
    `HepB > 24 h is empty with its note: ${JSON.stringify(late)}`);

  step('the province reads its form by commune with the total, and downloads it');
  const prov = await session(browser, 'tinh', DESKTOP);
  setLast(prov.page);
  const pform = await api(prov.page, `/reports/tt23_a2_1_province?period=${month}`);
  check(pform.status === 200, `province form: ${pform.status} ${JSON.stringify(pform.body).slice(0, 300)}`);
  const rows = pform.body.tables[0].rows;
  const total = rows[rows.length - 1];
  const sum = rows.slice(0, -1).reduce((s, r) => s + (r.cells[0] ?? 0), 0);
  check(total.cells[0] === sum && sum >= bcg1[0], `BCG total ${total.cells[0]} = sum of communes ${sum} (>= ${bcg1[0]})`);
  check(rows.some((r) => r.orgunit === ou && r.cells[0] === bcg1[0]), 'the commune row equals the commune form');
  const csv = await api(prov.page, `/reports/tt23_a2_1_province?period=${month}&format=csv`);
  check(csv.status === 200 && csv.type.startsWith('text/csv') && csv.body.startsWith('report,period,orgunit,orgunit_name,row,row_label,total,male,female,note'),
    `CSV: ${csv.status} ${csv.type} ${String(csv.body).slice(0, 80)}`);
  const xlsx = await prov.page.evaluate(async (p) => {
    const r = await fetch('/api/v1' + p, { credentials: 'same-origin' });
    return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
  }, `/reports/tt23_a2_1_province?period=${month}&format=xlsx`);
  check(xlsx.status === 200 && xlsx.type.includes('spreadsheetml') && xlsx.size > 2000, `XLSX: ${JSON.stringify(xlsx)}`);
});
