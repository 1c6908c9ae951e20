import { useMemo, useState } from 'preact/hooks';
import { currentLang, fmtDate, fmtNumber, t } from '../lib/i18n';
import { Chart } from './Chart';
import { Badge } from './Status';

export interface GrowthPoint {
  id: string;
  date: string;
  age_days: number;
  weight_kg?: number;
  length_cm?: number;
  head_circumference_cm?: number;
  bmi?: number;
  z_wfa?: number;
  z_lhfa?: number;
  z_wflh?: number;
  z_hc?: number;
  stunting?: string;
  underweight?: string;
  wasting?: string;
  weight_for_length?: string;
  sam?: boolean;
  remeasure?: boolean;
  wfl_chart: string;
}
export interface GrowthData {
  points: GrowthPoint[];
  charts: { id: string; x_unit: 'days' | 'cm'; y_field: string; z_field: string; sd_lines: number[]; curve: number[][] }[];
  source: string;
}

const DAYS_PER_MONTH = 30.4375;
const SD_COLOURS: Record<number, string> = { [-3]: '#b3261e', [-2]: '#d9822b', [-1]: '#9aa5b1', 0: '#2e7d32', 1: '#9aa5b1', 2: '#d9822b', 3: '#b3261e' };

export function statusKind(s: string | undefined): string {
  if (!s || s === 'not_assessed') return 'muted';
  if (s === 'normal') return 'ok';
  if (s === 'implausible') return 'info';
  if (s.startsWith('severe') || s === 'obese') return 'bad';
  return 'warn';
}

export function NutritionStatus({ p }: { p: GrowthPoint }) {
  const rows: [string, string | undefined][] = [
    ['underweight', p.underweight],
    ['stunting', p.stunting],
    ['wasting', p.wasting],
    ['weight_for_length', p.weight_for_length],
  ];
  return (
    <div class="nutrition" data-testid="nutrition-status">
      <p class="muted small">{t('growth.latest', { date: fmtDate(p.date) })}</p>
      <ul class="status-list">
        {rows.map(([k, v]) => (
          <li key={k}>
            <span>{t('growth.indicator.' + k)}</span>
            <Badge kind={statusKind(v)} label={t('nutrition.' + (v ?? 'not_assessed'))} />
          </li>
        ))}
      </ul>
      {p.sam && <p class="alert error" role="status">{t('growth.sam')}</p>}
      {p.remeasure && <p class="alert info" role="status">{t('growth.remeasure')}</p>}
    </div>
  );
}

export function GrowthChart({ data }: { data: GrowthData }) {
  const latest = data.points[data.points.length - 1];
  const wfl = latest?.wfl_chart ?? 'weight_for_length';
  const ids = ['weight_for_age', 'length_height_for_age', wfl, 'head_circumference_for_age'];
  const [which, setWhich] = useState('weight_for_age');
  const chart = data.charts.find((c) => c.id === which) ?? data.charts[0];

  const option = useMemo(() => {
    const byDays = chart.x_unit === 'days';
    const xOf = (p: GrowthPoint) => (byDays ? p.age_days / DAYS_PER_MONTH : p.length_cm);
    const pts = data.points.filter((p) => (p as any)[chart.y_field] !== undefined && xOf(p) !== undefined && (byDays || p.wfl_chart === which));
    const maxX = byDays ? Math.min(60, Math.max(12, ...pts.map((p) => xOf(p)! + 6))) : undefined;
    const curve = byDays ? chart.curve.filter((r) => r[0] / DAYS_PER_MONTH <= (maxX ?? 60) + 0.5) : chart.curve;
    const series: any[] = chart.sd_lines.map((sd, i) => ({
      type: 'line',
      id: `sd${sd}`,
      name: sd === 0 ? t('growth.median') : `${sd > 0 ? '+' : '−'}${Math.abs(sd)} SD`,
      showSymbol: false,
      silent: true,
      lineStyle: { width: sd === 0 ? 2 : 1, color: SD_COLOURS[sd], type: Math.abs(sd) === 1 ? 'dashed' : 'solid' },
      data: curve.map((r) => [byDays ? r[0] / DAYS_PER_MONTH : r[0], r[i + 1]]),
      endLabel: { show: true, formatter: sd === 0 ? '0' : String(sd), color: SD_COLOURS[sd], fontSize: 10 },
    }));
    series.push({
      type: 'line',
      id: 'child',
      name: t('growth.child'),
      symbol: 'circle',
      symbolSize: 9,
      z: 10,
      lineStyle: { color: '#1d4ed8', width: 2 },
      itemStyle: { color: '#1d4ed8', borderColor: '#fff', borderWidth: 1.5 },
      data: pts.map((p) => ({ value: [xOf(p), (p as any)[chart.y_field]], date: p.date, z: (p as any)[chart.z_field] })),
      tooltip: {
        formatter: (x: any) => `${fmtDate(x.data.date)}<br/>${fmtNumber(x.value[1], 2)} ${t('growth.unit.' + chart.y_field)} · z = ${fmtNumber(x.data.z, 2)}`,
      },
    });
    return {
      animation: false,
      grid: { left: 44, right: 34, top: 16, bottom: 40 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: byDays ? t('growth.axis_months') : t('growth.axis_length'), nameLocation: 'middle', nameGap: 26, min: byDays ? 0 : 'dataMin', max: maxX, splitLine: { lineStyle: { color: '#eef0f3' } } },
      yAxis: { type: 'value', name: t('growth.unit.' + chart.y_field), scale: true, splitLine: { lineStyle: { color: '#eef0f3' } } },
      series,
    };
  }, [chart, data, which, currentLang()]);

  const last = [...data.points].reverse().find((p) => (p as any)[chart.y_field] !== undefined);
  const label = t('growth.chart_label', { chart: t('growth.chart.' + chart.id), n: data.points.length }) +
    (last ? ' ' + t('growth.chart_last', { date: fmtDate(last.date), value: fmtNumber((last as any)[chart.y_field], 2), z: fmtNumber((last as any)[chart.z_field], 2) }) : '');

  return (
    <div class="growth">
      <div class="tabs" role="group" aria-label={t('growth.choose_chart')}>
        {ids.map((id) => (
          <button key={id} type="button" class={id === which ? 'tab active' : 'tab'} aria-pressed={id === which} onClick={() => setWhich(id)}>
            {t('growth.chart.' + id)}
          </button>
        ))}
      </div>
      <Chart option={option} label={label} testid="growth-chart" height={300} />
      <p class="muted small chart-legend">
        <span class="swatch" style={{ background: '#1d4ed8' }} aria-hidden="true" /> {t('growth.child')} ·{' '}
        <span class="swatch" style={{ background: '#2e7d32' }} aria-hidden="true" /> {t('growth.median')} ·{' '}
        <span class="swatch" style={{ background: '#d9822b' }} aria-hidden="true" /> ±2 SD ·{' '}
        <span class="swatch" style={{ background: '#b3261e' }} aria-hidden="true" /> ±3 SD — {t('growth.source')}
      </p>
      <table class="table compact sr-table" data-testid="growth-points">
        <caption class="sr-only">{t('growth.points_caption')}</caption>
        <thead><tr><th>{t('field.date')}</th><th>{t('field.weight_kg')}</th><th>{t('field.length_cm')}</th><th>z {t('growth.indicator.underweight')}</th></tr></thead>
        <tbody>
          {data.points.slice(-6).reverse().map((p) => (
            <tr key={p.id}><td>{fmtDate(p.date)}</td><td>{fmtNumber(p.weight_kg, 2)}</td><td>{fmtNumber(p.length_cm, 1)}</td><td>{fmtNumber(p.z_wfa, 2)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
