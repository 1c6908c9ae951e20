// The five-year cohort (life-table) estimate of neonatal, infant and under-5 mortality
// (GET /api/v1/mortality/cohort, docs/indicators.md "Cohort mortality"), shown beside the
// period ratios for a province or district: a commune has too few births for it.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtDate, fmtNumber, t } from '../lib/i18n';
import type { OrgUnit } from '../lib/orgunits';
import { Badge } from './Status';
import { ScrollX } from './ScrollX';

interface Rate { symbol: string; ages: string; per_1000: number | null; lower: number | null; upper: number | null; reason?: string }
export interface CohortAnswer {
  orgunit: string; orgunit_kind: string; year: number;
  window: { from: string; to: string; partial: boolean };
  births?: number; deaths_under5?: number; precision: string; suppressed?: boolean;
  nmr: Rate; imr: Rate; u5mr: Rate;
}

/** Org unit kinds large enough for the estimate to be worth showing. */
const SHOWN_FOR = new Set(['country', 'province', 'district']);

export function CohortMortality({ ou, year }: { ou: string; year: number }) {
  const [data, setData] = useState<CohortAnswer | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    // The estimate reads every record of the registry once: ask for it only where it is shown.
    api.get<{ items: OrgUnit[] }>('/orgunits' + qs({ ids: ou }))
      .then((r) => (SHOWN_FOR.has(r.items[0]?.kind ?? '') ? api.get<CohortAnswer>('/mortality/cohort' + qs({ orgunit: ou, year })) : null))
      .then((r) => live && setData(r))
      .catch(() => live && setData(null));
    return () => { live = false; };
  }, [ou, year]);
  if (!data || !SHOWN_FOR.has(data.orgunit_kind)) return null;
  const rows: [string, Rate][] = [['cohort.nmr', data.nmr], ['cohort.imr', data.imr], ['cohort.u5mr', data.u5mr]];
  return (
    <section class="card" aria-labelledby="h-cohort" data-testid="cohort-mortality">
      <h2 id="h-cohort">{t('cohort.title')}</h2>
      <p class="muted small" data-testid="cohort-window">
        {t('cohort.window', { from: fmtDate(data.window.from), to: fmtDate(data.window.to) })}
        {data.window.partial ? ' ' + t('cohort.partial') : ''}
        {data.births !== undefined ? ' · ' + t('cohort.counts', { births: data.births, deaths: data.deaths_under5 ?? 0 }) : ''}
      </p>
      {data.precision !== 'ok' ? <p><Badge kind="warn" label={t('cohort.precision.' + data.precision)} /></p> : null}
      {data.suppressed ? <p class="muted small">{t('cohort.suppressed')}</p> : null}
      <ScrollX name={t('cohort.title')}>
        <table class="table">
          <thead><tr><th>{t('cohort.measure')}</th><th class="num">{t('cohort.value')}</th><th class="num">{t('cohort.interval')}</th></tr></thead>
          <tbody>
            {rows.map(([key, r]) => (
              <tr key={key} data-measure={key.split('.')[1]}>
                <td>{t(key)}</td>
                <td class="num">{fmtNumber(r.per_1000, 1)}</td>
                <td class="num">{r.lower === null || r.upper === null ? '—' : `${fmtNumber(r.lower, 1)} – ${fmtNumber(r.upper, 1)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
      <p class="muted small">{t('cohort.method')} {t('cohort.gso')}</p>
    </section>
  );
}
