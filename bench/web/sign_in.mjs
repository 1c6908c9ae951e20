// The offline benches' sign-in, before any clock starts: through the API from the page (so the
// session cookie is the page's), as U5_USER. A new account's initial password is replaced by the
// same with an "x" appended, which later runs on the same database then use.
export async function signIn(page, base) {
  await page.goto(base + '/login');
  const who = await page.evaluate(async ({ u, p }) => {
    const post = (path, body) => fetch('/api/v1' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    let r = await (await post('/auth/login', { username: u, password: p })).json();
    if (!r.user) r = await (await post('/auth/login', { username: u, password: p + 'x' })).json();
    else if (r.user.must_change_password) {
      await post('/auth/password', { old_password: p, new_password: p + 'x' });
      r = await (await post('/auth/login', { username: u, password: p + 'x' })).json();
    }
    return r.user;
  }, { u: process.env.U5_USER, p: process.env.U5_PASSWORD });
  if (!who) throw new Error(`login as ${process.env.U5_USER} failed`);
  return who;
}
