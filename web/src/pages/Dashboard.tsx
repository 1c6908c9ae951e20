import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { currentLang, fmtNumber, pick, t } from '../lib/i18n';
import { currentUser } from '../lib/session';
import { useOrgUnitNames } from '../lib/orgunits';
import { Badge, CiText, DEFAULT_SMALL, ErrorBox, Loading, NoData, SmallMark, SmallNumbers } from '../components/Status';
import { Chart } from '../components/Chart';
import { CommuneMap, Geo } from '../components/CommuneMap';
import { KEY_INDICATORS } from '../forms/indicators';
import { CohortMortality } from '../components/CohortMortality';
import { DeathAnalysis } from '../components/DeathAnalysis';
import { ScrollX } from '../components/ScrollX';
import { gapText, opLabel, provinceOf, unitText } from '../lib/targets';

/** The 95 % interval and the small-number mark the API gives beside a value (docs/api.md). */
export interface Precision { ci_low?: number | null; ci_high?: number | null; ci_method?: string | null; small?: boolean }
export interface Group extends Precision { numerator: number; denominator: number; value?: number | null; suppressed?: boolean }
export interface IndicatorValue extends Precision {
  indicator: string; name_vi: string; name_en: string; unit: string; multiplier: number; direction: string;
  value: number | null; numerator?: number; denominator?: number; reason?: string;
  breakdown?: { by: string; groups: Record<string, Group> };
}
interface Evaluation extends Precision {
  plan: string; indicator: string; year: number; operator: string; target: number; printed: string; printed_vi?: string; printed_en?: string; value: number | null; value_year: number | null;
  projected: number | null; status: string; reason: string; numerator: number; denominator: number; uncertain?: boolean;
  gap: number | null;
}
interface EvalResponse { plan: string; province: string; province_vi?: string; province_en?: string; orgunit: string; as_of: string; items: Evaluation[] }

export const STATUS_KIND: Record<string, string> = { achieved: 'ok', on_track: 'ok', at_risk: 'warn', off_track: 'bad', not_computable: 'muted' };
const name = (v: { name_vi: string; name_en: string }) => (currentLang() === 'vi' ? v.name_vi : v.name_en || v.name_vi);

export function rate(num: number, den: number, multiplier: number) {
  return den > 0 ? (num / den) * multiplier : null;
}

/** The target that applies to a year: the first plan year at or after it. */
function targetFor(evals: Evaluation[], indicator: string, year: number): Evaluation | undefined {
  return evals.filter((e) => e.indicator === indicator && e.year >= year).sort((a, b) => a.year - b.year)[0];
}

function KpiCard({ v, target, selected, onSelect, sn }: { v: IndicatorValue; target?: Evaluation; selected: boolean; onSelect: () => void; sn: SmallNumbers }) {
  const kind = target ? STATUS_KIND[target.status] ?? 'muted' : 'muted';
  // An uncertain verdict colours nothing: the card's edge stays grey like the badge.
  const edge = target?.uncertain ? 'muted' : kind;
  return (
    <button type="button" class={`kpi k-${edge}${selected ? ' selected' : ''}`} aria-pressed={selected} onClick={onSelect} data-indicator={v.indicator} data-testid="kpi">
      <span class="kpi-name">{name(v)}</span>
      <span class="kpi-value" data-testid="kpi-value">{v.value === null ? '—' : fmtNumber(v.value, 1)}<small>{v.value === null ? '' : unitText(v.unit)}</small>{v.value !== null && v.small ? <SmallMark sn={sn} /> : null}</span>
      <span class="kpi-sub">
        {v.denominator !== undefined ? t('dash.num_den', { num: v.numerator ?? 0, den: v.denominator }) : v.reason ? t('dash.no_value') : ''}
      </span>
      {v.value !== null ? <span class="kpi-sub"><CiText low={v.ci_low} high={v.ci_high} /></span> : null}
      <span class="kpi-sub">
        {target ? <>{t('dash.target', { year: String(target.year), target: pick(target, 'printed') })} <Badge kind={kind} label={t('dash.status.' + target.status)} uncertain={target.uncertain} /></> : t('dash.no_target')}
      </span>
      {target ? <GapLine target={target} direction={v.direction} unit={v.unit} /> : null}
    </button>
  );
}

/** The target in force (an edit shows at once) and the gap to it (value − target) signed in the
 * indicator's unit, with "còn thiếu" / "vượt". */
function GapLine({ target, direction, unit }: { target: Evaluation; direction: string; unit: string }) {
  const g = gapText(target.gap, direction, unit);
  return (
    <span class="kpi-sub" data-testid="kpi-gap" data-target={target.target} data-gap={target.gap ?? ''}>
      {opLabel(target.operator)} {fmtNumber(target.target, 2)}{unitText(unit)}
      {target.gap !== null ? <> · {t('targets.gap')}: {g.signed} ({g.words})</> : null}
    </span>
  );
}

function GapCell({ gap, direction, unit }: { gap: number | null; direction: string; unit: string }) {
  const g = gapText(gap, direction, unit);
  return <td class="num" data-testid="plan-gap" data-gap={gap ?? ''}>{g.signed}{g.words ? <span class="muted small"><br />{g.words}</span> : null}</td>;
}

function Trend({ v, ou, year, evals }: { v: IndicatorValue; ou: string; year: number; evals: Evaluation[] }) {
  const [series, setSeries] = useState<{ year: number; value: number | null; lo: number | null; hi: number | null }[] | null>(null);
  useEffect(() => {
    let live = true;
    const years = [year - 4, year - 3, year - 2, year - 1, year];
    Promise.all(years.map((y) => api.get<{ items: IndicatorValue[] }>('/indicators' + qs({ orgunit: ou, period: y, ids: v.indicator })).then((r) => ({ year: y, value: r.items[0]?.value ?? null, lo: r.items[0]?.ci_low ?? null, hi: r.items[0]?.ci_high ?? null })).catch(() => ({ year: y, value: null, lo: null, hi: null }))))
      .then((s) => live && setSeries(s));
    return () => { live = false; };
  }, [v.indicator, ou, year]);
  const targets = evals.filter((e) => e.indicator === v.indicator).sort((a, b) => a.year - b.year);
  const planYear = targets.length ? targets[targets.length - 1] : undefined;
  const option = useMemo(() => {
    if (!series) return null;
    const last = [...series].reverse().find((p) => p.value !== null);
    const maxYear = Math.max(year, planYear?.year ?? year);
    const s: any[] = [
      { type: 'line', id: 'value', name: t('dash.value'), data: series.map((p) => [p.year, p.value]), symbolSize: 8, lineStyle: { width: 3, color: '#0b6e4f' }, itemStyle: { color: '#0b6e4f' }, connectNulls: true },
    ];
    // The 95 % interval of each year as two thin dashed lines: a year on few events shows wide.
    if (series.some((p) => p.lo !== null))
      for (const k of ['lo', 'hi'] as const)
        s.push({ type: 'line', id: 'ci_' + k, name: t('dash.ci_band'), data: series.map((p) => [p.year, p[k]]), symbol: 'none', lineStyle: { width: 1, type: 'dashed', color: '#6b7785' }, itemStyle: { color: '#6b7785' }, connectNulls: false });
    if (targets.length)
      s.push({ type: 'line', id: 'target', name: t('dash.target_line'), step: 'end', data: targets.map((e) => [e.year, e.target]), lineStyle: { type: 'dashed', color: '#b3261e', width: 2 }, itemStyle: { color: '#b3261e' }, symbol: 'diamond', symbolSize: 9 });
    if (planYear && planYear.projected !== null && last)
      s.push({ type: 'line', id: 'projection', name: t('dash.projection'), data: [[last.year, last.value], [planYear.year, planYear.projected]], lineStyle: { type: 'dotted', color: '#1d4ed8', width: 2 }, itemStyle: { color: '#1d4ed8' }, symbolSize: 6 });
    return {
      animation: false,
      grid: { left: 48, right: 20, top: 36, bottom: 30 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (x: number) => fmtNumber(x, 1) },
      // Years are labels, not quantities: ECharts would print them "2,026" on the axis and in the tooltip.
      xAxis: { type: 'value', min: year - 4, max: maxYear, interval: 1, axisLabel: { formatter: (x: number) => String(x) }, axisPointer: { label: { formatter: (p: { value: number }) => String(Math.round(p.value)) } } },
      yAxis: { type: 'value', scale: true, name: v.unit === 'count' ? '' : v.unit },
      series: s,
    };
  }, [series, evals, v.indicator, currentLang()]);
  if (!series || !option) return <Loading />;
  return <Chart option={option} height={280} label={t('dash.trend_label', { name: name(v) })} testid="trend-chart" />;
}

export function Dashboard() {
  const user = currentUser()!;
  const nameOf = useOrgUnitNames(user.orgunits);
  const ou = user.orgunits[0] ?? '';
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [sel, setSel] = useState(KEY_INDICATORS[0]);
  const [values, setValues] = useState<IndicatorValue[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [evalResp, setEvalResp] = useState<EvalResponse | null>(null);
  const [breakdown, setBreakdown] = useState<IndicatorValue | null>(null);
  const [geo, setGeo] = useState<Geo | null>(null);
  const [province, setProvince] = useState<string | null>(null);
  const [catalogue, setCatalogue] = useState<Record<string, { name_vi: string; name_en: string; unit: string; direction: string }>>({});
  const [sn, setSn] = useState<SmallNumbers>(DEFAULT_SMALL);

  useEffect(() => {
    api.get<{ indicators: { id: string; name_vi: string; name_en: string; unit: string; direction: string }[]; small_numbers?: SmallNumbers }>('/indicators/catalogue')
      .then((c) => {
        setCatalogue(Object.fromEntries(c.indicators.map((i) => [i.id, i])));
        if (c.small_numbers) setSn(c.small_numbers);
      }).catch(() => setCatalogue({}));
  }, []);

  useEffect(() => {
    // The province of the user's unit: itself when it has a map, else the one whose map lists the commune.
    provinceOf(ou).then((p) => {
      setProvince(p);
      if (p) fetch(`/geo/${p}.json`).then((r) => r.json()).then(setGeo).catch(() => setGeo(null));
    }).catch(() => setProvince(null));
  }, []);

  useEffect(() => {
    setValues(null);
    api.get<{ items: IndicatorValue[] }>('/indicators' + qs({ orgunit: ou, period: year, ids: KEY_INDICATORS.join(',') }))
      .then((r) => setValues(r.items)).catch(setError);
  }, [year]);

  useEffect(() => {
    if (!province) return;
    api.get<{ items: { id: string; orgunit: string }[] }>('/plans').then((r) => {
      const plan = r.items.find((p) => p.orgunit === province);
      if (!plan) return;
      return api.get<EvalResponse>(`/plans/${plan.id}/evaluation` + qs({ orgunit: ou })).then(setEvalResp);
    }).catch(() => setEvalResp(null));
  }, [province]);

  useEffect(() => {
    setBreakdown(null);
    api.get<{ items: IndicatorValue[] }>('/indicators' + qs({ orgunit: ou, period: year, ids: sel, by: 'orgunit' }))
      .then((r) => setBreakdown(r.items[0] ?? null)).catch(() => setBreakdown(null));
  }, [year, sel]);

  const evals = evalResp?.items ?? [];
  const selected = values?.find((v) => v.indicator === sel);
  const communeNames = useMemo(() => Object.fromEntries((geo?.features ?? []).map((f) => [f.properties.code, f.properties.name])), [geo]);
  // The ranking: a rate on a handful of events says more about chance than about the commune, so
  // only communes without the small-number mark are ranked (by value, best first); the others are
  // listed after them by name, marked and unnumbered, with their interval (docs/indicators.md).
  const { league, smallOnes } = useMemo(() => {
    if (!breakdown?.breakdown) return { league: [], smallOnes: [] };
    const rows = Object.entries(breakdown.breakdown.groups)
      .filter(([code]) => communeNames[code])
      .map(([code, g]) => ({ code, name: communeNames[code], num: g.numerator, den: g.denominator, value: g.value ?? rate(g.numerator, g.denominator, breakdown.multiplier), lo: g.ci_low ?? null, hi: g.ci_high ?? null, small: !!g.small }));
    const league = rows.filter((r) => !r.small)
      .sort((a, b) => ((b.value ?? -1) - (a.value ?? -1)) * (breakdown.direction === 'lower_is_better' ? -1 : 1));
    const smallOnes = rows.filter((r) => r.small).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return { league, smallOnes };
  }, [breakdown, communeNames]);
  const leagueRow = (r: (typeof league)[number], rank: number | null) => (
    <tr key={r.code} class={(r.code === ou ? 'me' : '') + (r.small ? ' small-row' : '')} data-code={r.code} data-small={r.small ? '1' : undefined}>
      <td class="num">{rank ?? '—'}</td><td>{r.name}{r.small ? <SmallMark sn={sn} /> : null}</td><td class="num">{fmtNumber(r.num, 0)}</td><td class="num">{fmtNumber(r.den, 0)}</td>
      <td class="num">{r.value === null ? '—' : fmtNumber(r.value, 1) + unitText(breakdown!.unit)}</td>
      <td class="num">{r.lo === null || r.hi === null ? '—' : `${fmtNumber(r.lo, 1)}–${fmtNumber(r.hi, 1)}`}</td>
    </tr>
  );

  return (
    <section class="page dashboard">
      <div class="page-head">
        <div>
          <h1>{t('dash.title')}</h1>
          <p class="muted" data-testid="dash-scope">{t('dash.scope', { ou: nameOf(ou), year: String(year) })}</p>
        </div>
        <div class="filters">
          <div class="field">
            <label for="year">{t('dash.year')}</label>
            <select id="year" value={year} onChange={(e) => setYear(Number(e.currentTarget.value))}>
              {[0, 1, 2, 3, 4, 5].map((d) => <option key={d} value={thisYear - d}>{thisYear - d}</option>)}
            </select>
          </div>
        </div>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {!values && !error && <Loading />}
      {values && (
        <div class="kpis" role="group" aria-label={t('dash.indicators')}>
          {values.map((v) => <KpiCard key={v.indicator} v={v} target={targetFor(evals, v.indicator, year)} selected={v.indicator === sel} onSelect={() => setSel(v.indicator)} sn={sn} />)}
        </div>
      )}
      {/* Beside the period ratios: the five-year life-table probabilities (province, district). */}
      {ou && <CohortMortality ou={ou} year={year} />}
      {/* Deaths by category, cause, place, delay, avoidability, commune and month (issue 21). */}
      {ou && <DeathAnalysis ou={ou} year={year} />}
      {selected && (
        <div class="grid-2">
          <section class="card" aria-labelledby="h-trend">
            <h2 id="h-trend">{t('dash.trend', { name: name(selected) })}</h2>
            <Trend v={selected} ou={ou} year={year} evals={evals} />
          </section>
          <section class="card" aria-labelledby="h-map">
            <h2 id="h-map">{t('dash.map', { name: name(selected) })}</h2>
            {geo && breakdown ? <CommuneMap geo={geo} indicator={breakdown} names={communeNames} mine={ou} sn={sn} /> : province === null ? <NoData /> : <Loading />}
          </section>
        </div>
      )}
      {selected && (
        <section class="card" aria-labelledby="h-league">
          <h2 id="h-league">{t('dash.league')}</h2>
          {league.length + smallOnes.length === 0 ? <NoData /> : (
            <ScrollX name={t('dash.league')}>
              <p class="muted small">{t('dash.league_note')}</p>
              <table class="table" data-testid="league">
                <thead><tr><th class="num">#</th><th>{t('dash.commune')}</th><th class="num">{t('dash.numerator')}</th><th class="num">{t('dash.denominator')}</th><th class="num">{t('dash.value')}</th><th class="num">{t('dash.ci_col')}</th></tr></thead>
                <tbody>{league.map((r, i) => leagueRow(r, i + 1))}</tbody>
                {smallOnes.length ? (
                  <tbody data-testid="league-small">
                    <tr class="group-head"><th colSpan={6} scope="rowgroup">{t('dash.league_small', { n: smallOnes.length })}</th></tr>
                    {smallOnes.map((r) => leagueRow(r, null))}
                  </tbody>
                ) : null}
              </table>
              <p class="muted small" data-testid="small-legend">{t('dash.small_legend', { events: sn.min_events, den: sn.min_denominator })}</p>
            </ScrollX>
          )}
        </section>
      )}
      <section class="card" aria-labelledby="h-plan">
        <h2 id="h-plan">{t('dash.plan')}</h2>
        {!evalResp ? <NoData /> : (
          <>
            <p class="muted small">{t('dash.plan_of', { province: pick(evalResp, 'province'), date: evalResp.as_of.split('-').reverse().join('/') })}</p>
            <ScrollX name={t('dash.plan')}>
              <table class="table" data-testid="plan-eval">
                <thead><tr><th>{t('dash.indicator')}</th><th class="num">{t('dash.year')}</th><th>{t('dash.target_col')}</th><th class="num">{t('dash.value')}</th><th class="num">{t('dash.ci_col')}</th><th class="num">{t('dash.projected')}</th><th class="num">{t('targets.gap')}</th><th>{t('dash.status_col')}</th></tr></thead>
                <tbody>
                  {evals.map((e) => {
                    const v = catalogue[e.indicator] ?? values?.find((x) => x.indicator === e.indicator);
                    return (
                      <tr key={e.indicator + e.year} data-indicator={e.indicator} data-year={e.year} data-uncertain={e.uncertain ? '1' : undefined}>
                        <td>{v ? name(v) : e.indicator}</td><td class="num">{e.year}</td>
                        <td>{pick(e, 'printed')}<span class="muted small" data-testid="plan-target" data-target={e.target}><br />{opLabel(e.operator)} {fmtNumber(e.target, 2)}</span></td>
                        <td class="num">{fmtNumber(e.value, 1)}{e.value !== null && e.small ? <SmallMark sn={sn} /> : null}{e.value_year ? <span class="muted small"> ({e.value_year})</span> : null}
                          {e.value !== null && e.denominator > 0 ? <span class="muted small nd"><br />{fmtNumber(e.numerator, 0)}/{fmtNumber(e.denominator, 0)}</span> : null}</td>
                        <td class="num">{e.ci_low === null || e.ci_low === undefined || e.ci_high === null || e.ci_high === undefined ? '—' : `${fmtNumber(e.ci_low, 1)}–${fmtNumber(e.ci_high, 1)}`}</td>
                        <td class="num">{fmtNumber(e.projected, 1)}</td>
                        <GapCell gap={e.gap} direction={v?.direction ?? 'higher_is_better'} unit={v?.unit ?? ''} />
                        <td><Badge kind={STATUS_KIND[e.status] ?? 'muted'} label={t('dash.status.' + e.status)} uncertain={e.uncertain} /></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollX>
            <p class="muted small"><span class="badge badge-uncertain" aria-hidden="true">?</span> {t('dash.uncertain_tip')}</p>
          </>
        )}
      </section>
    </section>
  );
}
