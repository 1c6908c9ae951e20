import { useEffect, useState } from 'preact/hooks';
import { fmtDate, t } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { loadSchema } from '../lib/schema';
import { getRecord, outbox, OutboxEntry } from '../lib/offline/store';
import { acceptServer, resolve } from '../lib/offline/sync';
import { ENVELOPE } from '../lib/offline/local';
import { fieldErrorText } from '../forms/errors';
import { formFor } from '../forms/records';
import { useSyncState } from '../components/SyncStatus';
import { fieldValue } from './Handbook';
import { Loading, NoData } from '../components/Status';
import { ScrollX } from '../components/ScrollX';

const show = (field: string, v: unknown) => (v === undefined || v === null || v === '' ? '—' : fieldValue(field, v));
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Both versions side by side, the fields that differ marked, each with a choice; then one of three decisions. */
function Conflict({ e, derived, onDone }: { e: OutboxEntry; derived: Set<string>; onDone: () => void }) {
  const server = e.server ?? ({} as Record<string, any>);
  const mine = e.body ?? {};
  const editable = (k: string) => !ENVELOPE.includes(k) && !derived.has(k);
  const fields = [...new Set([...Object.keys(server), ...Object.keys(mine)])].filter(editable);
  const differ = e.op === 'delete' ? [] : fields.filter((k) => !same(mine[k], server[k]));
  const [pick, setPick] = useState<Record<string, 'mine' | 'server'>>(() => Object.fromEntries(differ.map((k) => [k, 'mine'])));
  const [busy, setBusy] = useState(false);
  const merged = (choice: (k: string) => 'mine' | 'server') => {
    const body: Record<string, unknown> = {};
    for (const k of fields) {
      const v = differ.includes(k) && choice(k) === 'mine' ? mine[k] : server[k];
      if (v !== undefined && v !== null) body[k] = v;
    }
    return body;
  };
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    await f();
    onDone();
  };
  return (
    <article class="card conflict" data-testid="conflict" data-id={e.id}>
      <h3>{t('record.' + e.type)} {server.date ? '· ' + fmtDate(server.date) : ''}</h3>
      <p class="muted small">{server.deleted_at ? t('sync.server_deleted') : e.op === 'delete' ? t('sync.you_deleted') : t('sync.conflict_hint')}</p>
      {e.op !== 'delete' && !server.deleted_at && (
        <ScrollX name={t('sync.conflicts_title')}>
          <table class="table conflict-table">
            <thead><tr><th scope="col">{t('sync.field')}</th><th scope="col">{t('sync.mine')}</th><th scope="col">{t('sync.server')}</th></tr></thead>
            <tbody>
              {fields.map((k) => {
                const d = differ.includes(k);
                return (
                  <tr key={k} class={d ? 'diff' : undefined} data-field={k} data-differs={String(d)}>
                    <th scope="row">{t('field.' + k)}{d && <span class="sr-only"> ({t('sync.differs')})</span>}</th>
                    <td>{d ? <label class="check"><input type="radio" name={`${e.id}-${k}`} checked={pick[k] === 'mine'} onChange={() => setPick({ ...pick, [k]: 'mine' })} data-choice="mine" /> {show(k, mine[k])}</label> : show(k, mine[k])}</td>
                    <td>{d ? <label class="check"><input type="radio" name={`${e.id}-${k}`} checked={pick[k] === 'server'} onChange={() => setPick({ ...pick, [k]: 'server' })} data-choice="server" /> {show(k, server[k])}</label> : show(k, server[k])}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollX>
      )}
      <div class="actions">
        {!server.deleted_at && <button type="button" class="btn" disabled={busy} data-testid="keep-mine"
          onClick={() => act(() => resolve(e, e.op === 'delete' ? null : merged(() => 'mine')))}>{t('sync.keep_mine')}</button>}
        <button type="button" class="btn" disabled={busy} data-testid="keep-server" onClick={() => act(() => acceptServer(e))}>{t('sync.keep_server')}</button>
        {differ.length > 1 && <button type="button" class="btn primary" disabled={busy} data-testid="keep-chosen"
          onClick={() => act(() => resolve(e, merged((k) => pick[k])))}>{t('sync.keep_chosen')}</button>}
      </div>
    </article>
  );
}

/** "Đồng bộ": what waits to be sent, what the server refused (with the field and why) and the conflicts to decide. */
export function SyncPage() {
  const s = useSyncState();
  const [entries, setEntries] = useState<OutboxEntry[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [derived, setDerived] = useState<Set<string>>(new Set());
  const [n, setN] = useState(0);
  useEffect(() => {
    loadSchema().then((sc) => setDerived(new Set(sc.types.flatMap((x) => x.fields.filter((f) => f.derived).map((f) => f.name))))).catch(() => undefined);
  }, []);
  useEffect(() => {
    let live = true;
    outbox().then(async (all) => {
      const nm: Record<string, string> = {};
      for (const e of all) nm[e.person_id] ??= (await getRecord(e.person_id))?.full_name ?? (e.type === 'person' ? String(e.body?.full_name ?? '') : '');
      if (live) {
        setNames(nm);
        setEntries(all);
      }
    });
    return () => void (live = false);
  }, [n, s.waiting, s.conflicts, s.rejected]);
  if (!entries) return <Loading />;
  const reload = () => setN((x) => x + 1);
  const conflicts = entries.filter((e) => e.status === 'conflict');
  const rejected = entries.filter((e) => e.status === 'rejected');
  const waiting = entries.filter((e) => e.status === 'waiting');
  const who = (e: OutboxEntry) => <a href={`/persons/${e.person_id}`} onClick={linkClick}>{names[e.person_id] || t('sync.unknown_person')}</a>;
  const what = (e: OutboxEntry) => `${t('sync.op.' + e.op)} ${t('record.' + e.type)}${e.body?.date ? ' · ' + fmtDate(String(e.body.date)) : ''}`;
  return (
    <section class="page">
      <h1>{t('sync.title')}</h1>
      <p class="muted">{t('sync.intro')}</p>
      {conflicts.length > 0 && (
        <section aria-labelledby="h-conf">
          <h2 id="h-conf">{t('sync.conflicts_title')}</h2>
          {conflicts.map((e) => <div key={e.seq}><p>{who(e)}</p><Conflict e={e} derived={derived} onDone={reload} /></div>)}
        </section>
      )}
      {rejected.length > 0 && (
        <section class="card" aria-labelledby="h-rej">
          <h2 id="h-rej">{t('sync.rejected_title')}</h2>
          <ul class="outbox" data-testid="rejected-list">
            {rejected.map((e) => {
              const form = formFor(e.type, e.body);
              const errs = e.errors?.length ? e.errors : e.field ? [{ field: e.field, reason: e.message ?? '' }] : [];
              return (
                <li key={e.seq} data-testid="rejected" data-id={e.id}>
                  {who(e)} · {what(e)}
                  <ul>{errs.map((x) => <li class="field-error">{t('field.' + x.field)}: {e.error === 'depends_on_rejected' ? t('sync.depends') : fieldErrorText(x.reason)}</li>)}</ul>
                  {form && e.op !== 'delete' && e.error !== 'depends_on_rejected' && (
                    <a class="btn small" href={`/new/${form.form}?outbox=${e.seq}${e.type === 'person' ? '' : '&person=' + e.person_id}`} onClick={linkClick}>{t('sync.fix')}</a>
                  )}
                  {e.error === 'depends_on_rejected' && <button type="button" class="btn small" onClick={() => resolve(e, e.body ?? null).then(reload)}>{t('sync.resend')}</button>}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section class="card" aria-labelledby="h-wait">
        <h2 id="h-wait">{t('sync.waiting_title', { n: waiting.length })}</h2>
        {waiting.length === 0 ? <NoData text={t('sync.nothing_waiting')} /> : (
          <ul class="outbox" data-testid="waiting-list">
            {waiting.map((e) => <li key={e.seq} data-testid="waiting" data-id={e.id}>{who(e)} · {what(e)}</li>)}
          </ul>
        )}
      </section>
    </section>
  );
}
