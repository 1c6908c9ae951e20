// The reporting desk (docs/reports.md "Due reports", docs/web.md "Reports"): the reports expected from
// the user's unit this year with their legal due dates and status, a preview of one on screen, its
// downloads, sign-off and reopening, and for a province the sign-off of each commune (table and map).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { currentLang, fmtDate, fmtNumber, fmtTimestamp, pick, t } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { can, currentUser } from '../lib/session';
import { useApi } from '../lib/useApi';
import { Badge, ErrorBox, Loading, NoData } from '../components/Status';
import { ScrollX } from '../components/ScrollX';
import { CommuneMap, Geo, MapFill } from '../components/CommuneMap';

// One unit's state for a period (GET /reports/due and /reports/{id}/completeness).
interface UnitState {
  status: 'draft' | 'signed_off' | 'late' | 'reopened';
  closed: boolean; closed_by: string; closed_at: string; closed_on: string;
  last_action: string; last_by: string; last_at: string; last_reason: string;
}
interface DuePeriod extends UnitState { period: string; from: string; to: string; due: string }
interface DueItem { template: string; title_vi: string; title_en: string; period_kind: string; report_orgunit: string; formats: string[]; periods: DuePeriod[] }
interface DueList { orgunit: string; year: number; items: DueItem[] }
interface Column { title_vi: string; title_en: string; group_vi: string; group_en: string }
interface PreviewTable { id: string; title_vi: string; title_en: string; columns: Column[]; rows: { orgunit: string; name: string; total: boolean; cells: (number | string)[] }[] }
interface Preview { title: string; tables: PreviewTable[] }
interface CommuneState extends UnitState { orgunit: string; name: string; on_time: boolean; changed_since: number }
interface Completeness { expected: number; signed_off: number; on_time: number; completeness: number; timeliness: number; units: CommuneState[] }

// A status as a word, colour and symbol; a confirmation made after the due date is still a sign-off.
const STATUS_KIND: Record<string, string> = { draft: 'muted', signed_off: 'ok', late: 'bad', reopened: 'info' };
const COLOURS: Record<string, string> = { draft: '#d5dae0', signed_off: '#2e7d32', late_closed: '#e07b39', late: '#b3261e', reopened: '#4a7fc1' };
const statusKey = (s: UnitState) => (s.status === 'late' && s.closed ? 'late_closed' : s.status);

export function StatusBadge({ s }: { s: UnitState }) {
  return (
    <span data-testid="report-status" data-status={s.status} data-closed={String(s.closed)}>
      <Badge kind={s.status === 'late' && s.closed ? 'warn' : STATUS_KIND[s.status] ?? 'muted'} label={t('reports.status.' + statusKey(s))} />
    </span>
  );
}

// The server's 4xx on sign-off or reopening, as a sentence.
function errorSentence(e: unknown): string {
  const err = e as ApiError;
  if (err?.status === 422 && err.field === 'reason') return t('reports.err.reason');
  if (err?.status === 409) return t('reports.err.conflict');
  if (err?.status === 403) return t('reports.err.forbidden');
  if (err?.status === 0) return t('error.network');
  return t('reports.err.other', { message: err?.message ?? '' });
}

function Cell({ v }: { v: number | string }) {
  return <>{typeof v === 'number' ? fmtNumber(v, Number.isInteger(v) ? 0 : 1) : v}</>;
}

// Any table of the report's JSON form, generically: the columns' groups (an indicator over its
// numerator, denominator and value) as a first header row when the table has them.
function ReportTable({ tb }: { tb: PreviewTable }) {
  const title = pick(tb, 'title');
  const groups: { label: string; span: number }[] = [];
  for (const c of tb.columns) {
    const g = pick(c, 'group');
    const last = groups[groups.length - 1];
    if (last && last.label === g && g) last.span++;
    else groups.push({ label: g, span: 1 });
  }
  const grouped = groups.some((g) => g.label);
  return (
    <section class="card" data-testid={'preview-' + tb.id}>
      <h3>{title}</h3>
      <ScrollX name={title}>
        <table class="table">
          <thead>
            {grouped && (
              <tr>
                <th rowSpan={2} scope="col">{t('reports.unit')}</th>
                {groups.map((g, i) => <th key={i} colSpan={g.span} scope="colgroup">{g.label}</th>)}
              </tr>
            )}
            <tr>
              {!grouped && <th scope="col">{t('reports.unit')}</th>}
              {tb.columns.map((c, i) => <th key={i} scope="col">{pick(c, 'title')}</th>)}
            </tr>
          </thead>
          <tbody>
            {tb.rows.map((r, i) => (
              <tr key={i} class={r.total ? 'total' : undefined}>
                <th scope="row">{r.name}</th>
                {r.cells.map((v, j) => <td key={j}><Cell v={v} /></td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </section>
  );
}

function Completeness({ template, period, orgunit, version }: { template: string; period: string; orgunit: string; version: number }) {
  // `v` (ignored by the server) changes with each sign-off on this page, so the table is fetched again.
  const { data, error } = useApi<Completeness>(`/reports/${template}/completeness` + qs({ period, orgunit, v: version }));
  const [geo, setGeo] = useState<Geo | null>(null);
  // A map only for a unit with communes that has one (the index maps each commune to its province).
  const hasUnits = (data?.units.length ?? 0) > 0;
  useEffect(() => {
    if (!hasUnits) return;
    fetch('/geo/index.json').then((r) => r.json()).then((idx: Record<string, string>) => {
      if (Object.values(idx).includes(orgunit)) fetch(`/geo/${orgunit}.json`).then((r) => r.json()).then(setGeo).catch(() => setGeo(null));
    }).catch(() => setGeo(null));
  }, [orgunit, hasUnits]);
  const names = useMemo(() => Object.fromEntries((data?.units ?? []).map((u) => [u.orgunit, u.name])), [data]);
  const fill: MapFill | null = useMemo(() => {
    if (!data) return null;
    const byCode = Object.fromEntries(data.units.map((u) => [u.orgunit, u]));
    return {
      colours: Object.fromEntries(data.units.map((u) => [u.orgunit, COLOURS[statusKey(u)]])),
      legend: ['signed_off', 'late_closed', 'reopened', 'draft', 'late'].map((k) => ({ colour: COLOURS[k], label: t('reports.status.' + k) })),
      tip: (code: string) => (byCode[code] ? `${byCode[code].name}<br/>${t('reports.status.' + statusKey(byCode[code]))}` : names[code] ?? code),
    };
  }, [data, currentLang()]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  if (data.units.length === 0) return null;
  return (
    <section class="card" aria-labelledby="h-compl" data-testid="completeness">
      <h3 id="h-compl">{t('reports.completeness')}</h3>
      <p data-testid="completeness-totals">{t('reports.totals', {
        expected: data.expected, closed: data.signed_off, on_time: data.on_time,
        completeness: fmtNumber(data.completeness, 1), timeliness: fmtNumber(data.timeliness, 1),
      })}</p>
      <ScrollX name={t('reports.completeness')}>
        <table class="table" data-testid="completeness-table">
          <thead>
            <tr>
              <th scope="col">{t('reports.commune')}</th><th scope="col">{t('reports.status_col')}</th>
              <th scope="col">{t('reports.closed_at')}</th><th scope="col">{t('reports.closed_by')}</th><th scope="col">{t('reports.on_time')}</th>
            </tr>
          </thead>
          <tbody>
            {data.units.map((u) => (
              <tr key={u.orgunit} data-orgunit={u.orgunit} data-status={u.status}>
                <th scope="row">{u.name}</th>
                <td><StatusBadge s={u} /></td>
                <td>{u.closed ? fmtTimestamp(u.closed_at) : ''}</td>
                <td>{u.closed ? u.closed_by : ''}</td>
                <td>{u.closed ? t(u.on_time ? 'reports.in_time' : 'reports.late_word') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
      {geo && fill && <CommuneMap geo={geo} names={names} mine="" fill={fill} />}
    </section>
  );
}

function ReportView({ item, p, orgunit, onChanged }: { item: DueItem; p: DuePeriod; orgunit: string; onChanged: () => void }) {
  const user = currentUser();
  const lang = currentLang();
  const [version, setVersion] = useState(0);
  const { data, error } = useApi<Preview>(`/reports/${item.template}` + qs({ period: p.period, orgunit, format: 'json', lang }));
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: 'close' | 'reopen') => {
    setBusy(true);
    setMsg(null);
    try {
      await api.post('/signoffs', { orgunit, period: p.period, action, ...(action === 'reopen' ? { reason } : {}) });
      setAsking(false);
      setReason('');
      setVersion((v) => v + 1);
      onChanged();
    } catch (e) {
      setMsg(errorSentence(e));
    } finally {
      setBusy(false);
    }
  };
  const file = (format: string) => `/api/v1/reports/${item.template}` + qs({ period: p.period, orgunit, format, lang });
  const mayAct = can(user, 'report.signoff');
  return (
    <section aria-labelledby="h-view" data-testid="report-view" data-template={item.template} data-period={p.period}>
      <h2 id="h-view">{pick(item, 'title')} — {p.period}</h2>
      <p>
        <StatusBadge s={p} /> {t('reports.due_before', { date: fmtDate(p.due) })}
        {p.last_action && <> · <span data-testid="last-action">{t('reports.last.' + p.last_action, { by: p.last_by, at: fmtTimestamp(p.last_at) })}{p.last_reason ? ` — ${p.last_reason}` : ''}</span></>}
      </p>
      <div class="actions" role="group" aria-label={t('reports.downloads')}>
        {item.formats.map((f) => (
          <a key={f} class="btn" href={file(f)} download data-testid={'download-' + f}>{t('reports.download', { format: f.toUpperCase() })}</a>
        ))}
      </div>
      {mayAct && (
        <div class="actions">
          {!p.closed && <button type="button" class="btn primary" disabled={busy} onClick={() => act('close')} data-testid="signoff">{t('reports.signoff')}</button>}
          {p.closed && !asking && <button type="button" class="btn" onClick={() => setAsking(true)} data-testid="reopen">{t('reports.reopen')}</button>}
        </div>
      )}
      {asking && (
        <form class="card" onSubmit={(e) => { e.preventDefault(); act('reopen'); }} data-testid="reopen-form">
          <label for="reopen-reason">{t('reports.reason')}</label>
          <textarea id="reopen-reason" value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} aria-describedby="reopen-hint" />
          <p id="reopen-hint" class="hint">{t('reports.reason_hint')}</p>
          <button type="submit" class="btn primary" disabled={busy} data-testid="reopen-submit">{t('reports.reopen_confirm')}</button>
        </form>
      )}
      {msg && <p class="alert error" role="alert" data-testid="signoff-error">{msg}</p>}
      {error ? <ErrorBox error={error} /> : !data ? <Loading /> : data.tables.map((tb) => <ReportTable key={tb.id} tb={tb} />)}
      <Completeness template={item.template} period={p.period} orgunit={orgunit} version={version} />
    </section>
  );
}

export function Reports({ query }: { query: URLSearchParams }) {
  const year = Number(query.get('year')) || new Date().getFullYear();
  const { data, error, reload } = useApi<DueList>('/reports/due' + qs({ year }));
  const sel = { template: query.get('template') || '', period: query.get('period') || '' };
  const open = (template: string, period: string) => navigate('/reports' + qs({ year, template, period }));
  const item = data?.items.find((i) => i.template === sel.template);
  const p = item?.periods.find((x) => x.period === sel.period);
  return (
    <section class="page reports">
      <h1>{t('reports.title')}</h1>
      <nav class="actions" aria-label={t('reports.year_nav')}>
        <a href={'/reports' + qs({ year: year - 1 })} onClick={linkClick}>← {year - 1}</a>
        <strong>{year}</strong>
        <a href={'/reports' + qs({ year: year + 1 })} onClick={linkClick}>{year + 1} →</a>
      </nav>
      {error ? <ErrorBox error={error} /> : !data ? <Loading /> : data.items.length === 0 ? <NoData text={t('reports.none')} /> : (
        <ScrollX name={t('reports.list')}>
          <table class="table" data-testid="reports-list">
            <caption class="sr-only">{t('reports.list')}</caption>
            <thead>
              <tr><th scope="col">{t('reports.template')}</th><th scope="col">{t('reports.period')}</th><th scope="col">{t('reports.due')}</th><th scope="col">{t('reports.status_col')}</th></tr>
            </thead>
            <tbody>
              {data.items.flatMap((it) => it.periods.map((x) => (
                <tr key={it.template + x.period} data-template={it.template} data-period={x.period}>
                  <th scope="row">
                    <a href={'/reports' + qs({ year, template: it.template, period: x.period })} onClick={(e) => { e.preventDefault(); open(it.template, x.period); }}>
                      {pick(it, 'title')}
                    </a>
                  </th>
                  <td>{x.period}</td>
                  <td>{t('reports.due_before', { date: fmtDate(x.due) })}</td>
                  <td><StatusBadge s={x} /></td>
                </tr>
              )))}
            </tbody>
          </table>
        </ScrollX>
      )}
      {data && item && p && <ReportView key={item.template + p.period} item={item} p={p} orgunit={data.orgunit} onChanged={reload} />}
    </section>
  );
}
