// The binary alone is the product (issue 20, items 10 and 11): run.sh starts it without --static
// (ctest sets U5_EMBEDDED=1), so the web app comes from the copy embedded at build time, and what a
// phone fetches is compressed: hashed assets as brotli cached for a year, the app shell revalidated,
// large JSON answers compressed. Then the HTTP details a browser does not show: HEAD, 304, Range.
import { BASE, PHONE, step, check, report, run, session } from './lib.mjs';

await run('ship', async (browser, setPage) => {
  step('a phone signs in and opens its worklist');
  const seen = [];
  const { ctx, page } = await session(browser, 'demo', PHONE);
  setPage(page);
  page.on('response', (r) => seen.push(r));
  // The first page load (before the session) is not seen by the listener: load the app afresh.
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-testid=worklist-count]', { timeout: 90000 });
  await page.waitForLoadState('networkidle');

  step('the app shell, its assets and the worklist as sent');
  const byPath = (re) => seen.filter((r) => re.test(new URL(r.url()).pathname));
  const shell = byPath(/^\/$/)[0];
  check(shell && shell.status() === 200, 'the binary serves the app shell at / without --static');
  check((shell.headers()['cache-control'] || '') === 'no-cache', `the shell is revalidated: ${shell.headers()['cache-control']}`);
  const assets = byPath(/^\/assets\/.+\.(js|css)$/);
  check(assets.length >= 2, `the app's script and style were fetched: ${assets.length}`);
  for (const a of assets) {
    const h = a.headers();
    const path = new URL(a.url()).pathname;
    check(h['content-encoding'] === 'br', `${path} is sent as brotli, got "${h['content-encoding'] || 'identity'}"`);
    check(h['cache-control'] === 'public, max-age=31536000, immutable', `${path} is cached for a year: ${h['cache-control']}`);
    check(/accept-encoding/i.test(h.vary || ''), `${path} varies by Accept-Encoding`);
    check(/^"[^"]+"$/.test(h.etag || ''), `${path} has an ETag: ${h.etag}`);
  }
  const worklist = byPath(/^\/api\/v1\/worklist$/)[0];
  check(worklist, 'the worklist was fetched');
  check(worklist.headers()['content-encoding'] === 'br', `the worklist JSON is compressed: ${worklist.headers()['content-encoding']}`);
  report.push(`compressed: ${assets.map((a) => new URL(a.url()).pathname).join(', ')}, /api/v1/worklist`);
  await ctx.close();

  step('HEAD, 304 and Range over plain HTTP');
  const js = new URL(assets.find((a) => a.url().endsWith('.js')).url()).pathname;
  const br = { 'Accept-Encoding': 'br' };
  const get = await fetch(BASE + js, { headers: br });
  await get.arrayBuffer();
  const length = get.headers.get('content-length');
  const head = await fetch(BASE + js, { method: 'HEAD', headers: br });
  check(head.status === 200 && head.headers.get('content-length') === length, `HEAD gives GET's length ${length}: ${head.headers.get('content-length')}`);
  check(head.headers.get('content-encoding') === 'br', 'HEAD names the same coding');
  const again = await fetch(BASE + js, { headers: { ...br, 'If-None-Match': get.headers.get('etag') } });
  check(again.status === 304, `a cached copy is confirmed with 304, got ${again.status}`);
  const plain = await fetch(BASE + js, { headers: { 'Accept-Encoding': 'identity', 'If-None-Match': get.headers.get('etag') } });
  check(plain.status === 200 && !plain.headers.get('content-encoding'), 'the brotli ETag does not stand for the plain file');
  const ranged = await fetch(BASE + js, { headers: { ...br, Range: 'bytes=0-9' } });
  check(ranged.status === 200 && ranged.headers.get('accept-ranges') === 'none', `Range is not honoured: ${ranged.status} ${ranged.headers.get('accept-ranges')}`);
  check((await ranged.text()).length > 10, 'the whole file comes back');

  step('errors stay JSON');
  const err = await fetch(BASE + '/api/v1/worklist', { headers: { 'Accept-Encoding': 'br, gzip' } });
  check(err.status === 401 && /application\/json/.test(err.headers.get('content-type')), `401 as JSON: ${err.status} ${err.headers.get('content-type')}`);
  check((await err.json()).error === 'unauthenticated', 'the error names its code');
});
