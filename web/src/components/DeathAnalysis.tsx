// The death analysis of the dashboard (GET /api/v1/deaths/analysis, docs/api.md): deaths and
// stillbirths of the selected org unit and period counted by category, cause group, place, the
// three delays, avoidability, commune and month. Counts only, never a name; small cells come
// back hidden for roles that must not see one person and are shown as such.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtNumber, pick, t } from '../lib/i18n';
import { ErrorBox, Loading, NoData } from './Status';
import { ScrollX } from './ScrollX';

interface DeathGroup { key: string; label_vi: string; label_en: string; count?: number; suppressed?: boolean }
interface Dimension { label_vi: string; label_en: string; groups: DeathGroup[] }
export interface DeathAnswer { orgunit: string; period: string; total?: number; reviewed?: number; suppressed?: boolean; by: Record<string, Dimension> }

const DIMENSIONS = ['category', 'cause_group', 'place', 'delay', 'avoidability', 'commune', 'month'];

function DimensionTable({ id, dim, total }: { id: string; dim: Dimension; total: number }) {
  // Months read in calendar order; every other dimension largest first.
  const rows = id === 'month' ? dim.groups : [...dim.groups].sort((a, b) => (b.count ?? -1) - (a.count ?? -1));
  const title = pick(dim, 'label');
  return (
    <section class="card death-dim" aria-labelledby={`h-deaths-${id}`} data-dimension={id}>
      <h3 id={`h-deaths-${id}`}>{title}</h3>
      {rows.length === 0 ? <NoData /> : (
        <ScrollX name={title}>
          <table class="table">
            <thead><tr><th>{t('deathAnalysis.group')}</th><th class="num">{t('deathAnalysis.count')}</th><th><span class="sr-only">{t('deathAnalysis.share')}</span></th></tr></thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.key} data-key={g.key}>
                  <td>{pick(g, 'label')}</td>
                  <td class="num" data-testid="death-count">{g.suppressed ? <span class="muted" title={t('deathAnalysis.suppressed')}>{t('deathAnalysis.hidden')}</span> : fmtNumber(g.count ?? 0, 0)}</td>
                  <td class="bar-cell" aria-hidden="true">{g.suppressed || !total ? null : <span class="bar" style={{ width: `${Math.round(((g.count ?? 0) / total) * 100)}%` }} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
    </section>
  );
}

export function DeathAnalysis({ ou, year }: { ou: string; year: number }) {
  const [period, setPeriod] = useState(String(year));
  const [data, setData] = useState<DeathAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setPeriod(String(year)), [year]);
  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    api.get<DeathAnswer>('/deaths/analysis' + qs({ orgunit: ou, period, by: DIMENSIONS.join(',') }))
      .then((r) => live && setData(r))
      .catch((e) => live && setError(e));
    return () => { live = false; };
  }, [ou, period]);
  const periods: [string, string][] = [
    [String(year), t('deathAnalysis.whole_year', { year: String(year) })],
    [`${year}S1`, t('deathAnalysis.half1')], [`${year}S2`, t('deathAnalysis.half2')],
    ...[1, 2, 3, 4].map((q) => [`${year}Q${q}`, t('deathAnalysis.quarter', { q: String(q) })] as [string, string]),
  ];
  return (
    <section class="card" aria-labelledby="h-deaths" data-testid="death-analysis">
      <div class="page-head">
        <h2 id="h-deaths">{t('deathAnalysis.title')}</h2>
        <div class="field">
          <label for="death-period">{t('deathAnalysis.period')}</label>
          <select id="death-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {periods.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </div>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data && (
        <>
          <p data-testid="death-summary">
            {data.suppressed ? t('deathAnalysis.all_hidden') : t('deathAnalysis.summary', { total: data.total ?? 0, reviewed: data.reviewed ?? 0 })}
          </p>
          <p class="muted small">{t('deathAnalysis.note')}</p>
          {!data.suppressed && (data.total ?? 0) > 0 ? (
            <div class="death-grid">
              {DIMENSIONS.filter((d) => data.by[d]).map((d) => <DimensionTable key={d} id={d} dim={data.by[d]} total={data.total ?? 0} />)}
            </div>
          ) : !data.suppressed ? <NoData text={t('deathAnalysis.none')} /> : null}
        </>
      )}
    </section>
  );
}
