import { useState } from 'preact/hooks';
import { qs } from '../lib/api';
import { has, t } from '../lib/i18n';
import { useOrgUnitNames } from '../lib/orgunits';
import { linkClick, navigate } from '../lib/router';
import { canSeePersons, currentUser } from '../lib/session';
import { useApi } from '../lib/useApi';
import { ErrorBox, Loading, NoData } from '../components/Status';
import { ScrollX } from '../components/ScrollX';

interface Entry {
  seq: number; at: string; user_id: string; username: string; remote: string; action: string;
  record_type: string; record_id: string; orgunit: string; detail: Record<string, unknown>;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Audit times are UTC; shown as the reader's local dd/mm/yyyy hh:mm:ss. */
function fmtTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function detailText(e: Entry): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (typeof d.via === 'string') parts.push(t('audit.via', { via: has('audit.via_kind.' + d.via) ? t('audit.via_kind.' + d.via) : d.via }));
  const changed = d.changed;
  if (Array.isArray(changed)) parts.push(t('audit.changed', { fields: changed.join(', ') }));
  else if (changed && typeof changed === 'object') parts.push(t('audit.changed', { fields: Object.keys(changed).join(', ') }));
  return parts.join(' · ');
}

/** An answer that listed many records is one entry with their ids in detail.records. */
const listed = (e: Entry): string[] => (Array.isArray(e.detail?.records) ? (e.detail.records as string[]) : []);

export function Audit({ query }: { query: URLSearchParams }) {
  const me = currentUser()!;
  const filters = { user: query.get('user') ?? '', record: query.get('record') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const cursor = query.get('cursor') ?? '';
  const [form, setForm] = useState(filters);
  const [cursors, setCursors] = useState<string[]>([]); // the pages before this one, to go back
  const { data, error, loading } = useApi<{ items: Entry[]; next_cursor: string | null }>('/audit' + qs({ ...filters, cursor, limit: 50 }));
  const nameOf = useOrgUnitNames([...new Set([...(data?.items.map((e) => e.orgunit).filter(Boolean) ?? []), ...me.orgunits])]);

  const go = (f: typeof filters, c: string) => navigate('/audit' + qs({ ...f, cursor: c }));
  const submit = (e: Event) => {
    e.preventDefault();
    setCursors([]);
    go({ ...form, user: form.user.trim(), record: form.record.trim() }, '');
  };
  const input = (k: keyof typeof filters, type = 'text') => (
    <div class="field">
      <label for={'a-' + k}>{t('audit.filter.' + k)}</label>
      <input id={'a-' + k} type={type} value={form[k]} onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })} />
    </div>
  );
  const action = (a: string) => (has('audit.action.' + a) ? t('audit.action.' + a) : a);

  return (
    <section class="page" data-testid="audit-page">
      <div class="page-head">
        <div>
          <h1>{t('audit.title')}</h1>
          <p class="muted">{t('audit.scope', { ou: me.orgunits.map(nameOf).join(', ') })}</p>
        </div>
      </div>
      <form class="card filters audit-filters" onSubmit={submit} role="search">
        {input('user')}
        {input('record')}
        {input('from', 'date')}
        {input('to', 'date')}
        <div class="field"><button class="btn primary" type="submit">{t('audit.apply')}</button></div>
      </form>
      <div class="card">
        {loading && !data ? <Loading /> : error ? <ErrorBox error={error} /> : !data || data.items.length === 0 ? <NoData text={t('audit.none')} /> : (
          <ScrollX name={t('audit.title')}>
            <table class="table compact audit-table" data-testid="audit-table">
              <caption class="sr-only">{t('audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.at')}</th><th scope="col">{t('audit.col.user')}</th><th scope="col">{t('audit.col.action')}</th>
                  <th scope="col">{t('audit.col.record')}</th><th scope="col">{t('audit.col.orgunit')}</th><th scope="col">{t('audit.col.detail')}</th>
                  <th scope="col">{t('audit.col.remote')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((e) => (
                  <tr key={e.seq} data-action={e.action} data-user={e.username}
                    data-record={e.record_id || (filters.record && listed(e).includes(filters.record) ? filters.record : '')}>
                    <td class="nowrap">{fmtTime(e.at)}</td>
                    <td>{e.username || '—'}</td>
                    <td>{action(e.action)}</td>
                    <td>
                      {e.record_type ? (has('audit.type.' + e.record_type) ? t('audit.type.' + e.record_type) : e.record_type) : '—'}
                      {e.record_id && (e.record_type === 'person' && canSeePersons(me)
                        ? <> <a href={'/persons/' + e.record_id} onClick={linkClick} class="mono">{e.record_id.slice(-8)}</a></>
                        : <> <span class="mono" title={e.record_id}>{e.record_id.slice(-8)}</span></>)}
                      {!e.record_id && listed(e).length > 0 && <span title={listed(e).join(', ')}>{t('audit.records', { n: listed(e).length })}</span>}
                    </td>
                    <td>{e.orgunit ? <span title={e.orgunit}>{nameOf(e.orgunit)}</span> : '—'}</td>
                    <td class="small">{detailText(e)}</td>
                    <td class="small mono">{e.remote}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        )}
        <div class="actions">
          <button type="button" class="btn small" disabled={!cursors.length} onClick={() => { const prev = cursors.slice(0, -1); const c = cursors[cursors.length - 1]; setCursors(prev); go(filters, c === '-' ? '' : c); }}>
            {t('audit.prev')}
          </button>
          <button type="button" class="btn small" disabled={!data?.next_cursor} data-testid="audit-next" onClick={() => { setCursors([...cursors, cursor || '-']); go(filters, data!.next_cursor!); }}>
            {t('audit.next')}
          </button>
        </div>
      </div>
    </section>
  );
}
