// Red-alert interval statistics (GET /emergencies/stats): medians and 90th percentiles of
// alert → acknowledgement, alert → arrival and arrival → treatment by facility or commune for a
// period, and the share of red alerts treated within the level's time. Counts only, no names.
import { useState } from 'preact/hooks';
import { qs } from '../lib/api';
import { fmtNumber, t } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { currentUser } from '../lib/session';
import { useApi } from '../lib/useApi';
import { useOrgUnitNames } from '../lib/orgunits';
import { ScrollX } from '../components/ScrollX';
import { ErrorBox, Loading, NoData } from '../components/Status';

interface StatRow {
  key: string; label: string; n: number;
  ack_median_min: number | null; ack_p90_min: number | null;
  arrival_median_min: number | null; arrival_p90_min: number | null;
  treatment_median_min: number | null; treatment_p90_min: number | null;
  red_treated_within_share: number | null; red_n: number;
}
interface Stats { rows: StatRow[]; total: StatRow }

const INTERVALS = ['ack', 'arrival', 'treatment'] as const;

/** The periods offered, newest first: this year and last, this year's quarters and halves, the last six months. */
function periodChoices(today = new Date()): string[] {
  const y = today.getFullYear();
  const q = Math.floor(today.getMonth() / 3) + 1;
  const months = Array.from({ length: 6 }, (_, i) => {
    const d = new Date(y, today.getMonth() - i, 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
  });
  const quarters = Array.from({ length: q }, (_, i) => `${y}Q${q - i}`);
  const halves = q > 2 ? [`${y}S2`, `${y}S1`] : [`${y}S1`];
  return [String(y), ...halves, ...quarters, ...months, String(y - 1)];
}

/** "2026Q3" → "Quý 3/2026"; "2026-05" → "Tháng 5/2026". */
function periodLabel(p: string): string {
  let m;
  if ((m = /^(\d{4})Q(\d)$/.exec(p))) return t('redalert.period.quarter', { q: m[2], y: m[1] });
  if ((m = /^(\d{4})S(\d)$/.exec(p))) return t('redalert.period.half', { s: m[2], y: m[1] });
  if ((m = /^(\d{4})-(\d{2})$/.exec(p))) return t('redalert.period.month', { m: String(+m[2]), y: m[1] });
  return t('redalert.period.year', { y: p });
}

const minutes = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmtNumber(v, 1));
const share = (r: StatRow) => (r.red_treated_within_share === null || r.red_treated_within_share === undefined ? '—'
  : `${fmtNumber(r.red_treated_within_share * 100, 0)} %`);

/** Median bars with the 90th percentile as a whisker, one group per row; the table beside holds the figures. */
function Bars({ rows }: { rows: StatRow[] }) {
  const max = Math.max(1, ...rows.flatMap((r) => INTERVALS.map((k) => r[`${k}_p90_min`] ?? r[`${k}_median_min`] ?? 0)));
  const pct = (v: number | null) => `${Math.min(100, ((v ?? 0) / max) * 100)}%`;
  return (
    <figure class="em-bars" data-testid="em-chart">
      <figcaption class="small muted">{t('redalert.stats.chart_caption')}</figcaption>
      <ul class="em-bar-legend" aria-hidden="true">
        {INTERVALS.map((k) => <li key={k}><i class={'bar-' + k} /> {t('redalert.stats.' + k)}</li>)}
      </ul>
      <div aria-hidden="true">
        {rows.map((r) => (
          <div class="em-bar-group" key={r.key}>
            <span class="em-bar-label">{r.label}</span>
            {INTERVALS.map((k) => (
              <span class="em-bar-track" key={k}>
                <span class={'em-bar bar-' + k} style={{ width: pct(r[`${k}_median_min`]) }} />
                {r[`${k}_p90_min`] !== null && <span class="em-bar-p90" style={{ left: pct(r[`${k}_p90_min`]) }} />}
              </span>
            ))}
          </div>
        ))}
      </div>
    </figure>
  );
}

export function EmergencyStats() {
  const user = currentUser()!;
  const nameOf = useOrgUnitNames(user.orgunits);
  const periods = periodChoices();
  const [period, setPeriod] = useState(periods[0]);
  const [by, setBy] = useState<'facility' | 'commune'>('facility');
  const [orgunit, setOrgunit] = useState(user.orgunits[0] ?? '');
  const stats = useApi<Stats>('/emergencies/stats' + qs({ orgunit, period, by }));
  const rows = stats.data?.rows ?? [];
  const table = t('redalert.stats.table');
  return (
    <section class="page">
      <p class="crumbs"><a href="/emergencies" onClick={linkClick}>{t('redalert.board_title')}</a></p>
      <h1>{t('redalert.stats.title')}</h1>
      <p class="muted">{t('redalert.stats.hint')}</p>
      <div class="filters" data-testid="em-stats-filters">
        {user.orgunits.length > 1 && (
          <div class="field">
            <label for="es-orgunit">{t('redalert.stats.orgunit')}</label>
            <select id="es-orgunit" value={orgunit} onChange={(e) => setOrgunit(e.currentTarget.value)}>
              {user.orgunits.map((id) => <option key={id} value={id}>{nameOf(id)}</option>)}
            </select>
          </div>
        )}
        <div class="field">
          <label for="es-period">{t('redalert.stats.period')}</label>
          <select id="es-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {periods.map((p) => <option key={p} value={p}>{periodLabel(p)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="es-by">{t('redalert.stats.by')}</label>
          <select id="es-by" value={by} onChange={(e) => setBy(e.currentTarget.value as 'facility' | 'commune')}>
            <option value="facility">{t('redalert.stats.by_facility')}</option>
            <option value="commune">{t('redalert.stats.by_commune')}</option>
          </select>
        </div>
      </div>
      {stats.loading && !stats.data ? <Loading /> : stats.error ? <ErrorBox error={stats.error} /> : !stats.data || rows.length === 0 ? <NoData /> : (
        <section class="card" aria-labelledby="h-es">
          <h2 id="h-es">{table} · {periodLabel(period)}</h2>
          <ScrollX name={table}>
            <table class="table compact" data-testid="em-stats-table">
              <thead>
                <tr>
                  <th scope="col">{t(by === 'facility' ? 'redalert.stats.by_facility' : 'redalert.stats.by_commune')}</th>
                  <th scope="col" class="num">{t('redalert.stats.n')}</th>
                  {INTERVALS.map((k) => <th key={k} scope="col" class="num">{t('redalert.stats.' + k)}<br /><span class="small">{t('redalert.stats.median_p90')}</span></th>)}
                  <th scope="col" class="num">{t('redalert.stats.red_within')}</th>
                </tr>
              </thead>
              <tbody>
                {[...rows, { ...stats.data.total, key: '_total', label: t('redalert.stats.total') }].map((r) => (
                  <tr key={r.key} class={r.key === '_total' ? 'me' : ''}>
                    <th scope="row">{r.label}</th>
                    <td class="num">{fmtNumber(r.n, 0)}</td>
                    {INTERVALS.map((k) => <td key={k} class="num">{minutes(r[`${k}_median_min`])} / {minutes(r[`${k}_p90_min`])}</td>)}
                    <td class="num">{share(r)} <span class="small muted">({t('redalert.stats.of_red', { n: r.red_n })})</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
          <Bars rows={rows} />
        </section>
      )}
    </section>
  );
}
