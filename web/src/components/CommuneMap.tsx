import { useMemo } from 'preact/hooks';
import { currentLang, fmtNumber, t } from '../lib/i18n';
import { Chart } from './Chart';
import type { IndicatorValue } from '../pages/Dashboard';
import type { SmallNumbers } from './Status';

export interface Geo {
  type: 'FeatureCollection';
  province: string;
  features: { properties: { code: string; name: string } }[];
}

// Five classes from worst to best; the colour is repeated as a word in the legend and the table.
const PALETTE = ['#b3261e', '#e07b39', '#f2c14e', '#8cc084', '#2e7d32'];
const NO_DATA = '#d5dae0';

function classes(values: number[]): number[] {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return [];
  return [0.2, 0.4, 0.6, 0.8].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]);
}

// Communes whose value rests on few events are hatched (and outlined dashed): their colour is chance
// as much as performance. The hatching is a pattern, so it reads without colour too.
const HATCH = { symbol: 'rect', symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -Math.PI / 4, color: 'rgba(17, 17, 17, 0.45)' };

/** A map coloured by category instead of value (the reports page: sign-off status per commune): each
 * commune's colour, the legend's words for the colours, and the tooltip text of a commune. */
export interface MapFill {
  colours: Record<string, string>;
  legend: { colour: string; label: string }[];
  tip: (code: string) => string;
}

type MapProps = { geo: Geo; names: Record<string, string>; mine: string } &
  ({ indicator: IndicatorValue; sn: SmallNumbers; fill?: undefined } | { fill: MapFill; indicator?: undefined; sn?: undefined });

export function CommuneMap(props: MapProps) {
  return props.fill ? <FillMap {...props} fill={props.fill} /> : <ValueMap {...props} indicator={props.indicator!} sn={props.sn!} />;
}

const seriesOf = (mapName: string, data: unknown[]) => [
  { type: 'map', id: 'communes', map: mapName, nameProperty: 'code', roam: false, selectedMode: false, data, emphasis: { label: { show: false }, itemStyle: { areaColor: '#0b6e4f' } } },
];

function FillMap({ geo, names, mine, fill }: { geo: Geo; names: Record<string, string>; mine: string; fill: MapFill }) {
  const mapName = 'prov-' + geo.province;
  const option = useMemo(() => {
    const data = geo.features.map((f) => {
      const code = f.properties.code;
      return { name: code, value: 1, itemStyle: { areaColor: fill.colours[code] ?? NO_DATA, borderColor: code === mine ? '#111' : '#fff', borderWidth: code === mine ? 2 : 0.6 } };
    });
    return { animation: false, tooltip: { trigger: 'item', formatter: (p: any) => fill.tip(p.name) }, series: seriesOf(mapName, data) };
  }, [geo, fill, mine, currentLang()]);
  return (
    <div data-testid="commune-map" data-mine={mine} data-colours={JSON.stringify(fill.colours)}>
      <Chart map option={option} height={340} label={t('dash.map_label', { n: Object.keys(names).length })} prepare={(ec) => ec.registerMap(mapName, geo as any)} />
      <div class="map-legend" aria-label={t('dash.legend')}>
        {fill.legend.map((l) => <span key={l.label}><i style={{ background: l.colour }} aria-hidden="true" />{l.label}</span>)}
      </div>
      <p class="attribution">{t('dash.attribution')}</p>
    </div>
  );
}

function ValueMap({ geo, indicator, names, mine, sn }: { geo: Geo; indicator: IndicatorValue; names: Record<string, string>; mine: string; sn: SmallNumbers }) {
  const mapName = 'prov-' + geo.province;
  const { option, colours, breaks, lowerBetter, small } = useMemo(() => {
    const groups = indicator.breakdown?.groups ?? {};
    const vals: Record<string, number | null> = {};
    const small: string[] = [];
    for (const [code, g] of Object.entries(groups)) {
      if (!names[code]) continue;
      vals[code] = g.denominator > 0 ? (g.numerator / g.denominator) * indicator.multiplier : null;
      if (vals[code] !== null && g.small) small.push(code);
    }
    // Classes from the communes with enough events, so a few extreme small ones do not set them.
    const present = Object.entries(vals).filter(([c, v]) => v !== null && !small.includes(c)).map(([, v]) => v as number);
    const breaks = classes(present);
    const lowerBetter = indicator.direction === 'lower_is_better';
    const cls = (v: number) => {
      let i = breaks.findIndex((b) => v <= b);
      if (i < 0) i = breaks.length;
      return lowerBetter ? PALETTE.length - 1 - i : i;
    };
    const colours: Record<string, string> = {};
    const data = geo.features.map((f) => {
      const code = f.properties.code;
      const v = vals[code];
      const colour = v === null || v === undefined ? NO_DATA : PALETTE[cls(v)];
      colours[code] = colour;
      const isSmall = small.includes(code);
      return {
        name: code, value: v ?? null,
        itemStyle: {
          areaColor: colour, borderColor: code === mine ? '#111' : isSmall ? '#333' : '#fff', borderWidth: code === mine ? 2 : isSmall ? 1 : 0.6,
          borderType: isSmall ? 'dashed' : 'solid', ...(isSmall ? { decal: HATCH } : {}),
        },
      };
    });
    const tip = (code: string, value: any) => {
      const g = groups[code];
      if (value === null || value === undefined || Number.isNaN(value) || !g) return `${names[code] ?? code}<br/>${t('common.no_data')}`;
      const ci = g.ci_low !== null && g.ci_low !== undefined && g.ci_high !== null && g.ci_high !== undefined
        ? '<br/>' + t('dash.ci', { low: fmtNumber(g.ci_low, 1), high: fmtNumber(g.ci_high, 1) }) : '';
      return `${names[code] ?? code}${g.small ? ' *' : ''}<br/>${fmtNumber(value, 1)} (${fmtNumber(g.numerator, 0)}/${fmtNumber(g.denominator, 0)})${ci}${g.small ? '<br/>* ' + t('dash.small_mark') : ''}`;
    };
    const option = {
      animation: false,
      tooltip: { trigger: 'item', formatter: (p: any) => tip(p.name, p.value) },
      series: seriesOf(mapName, data),
    };
    return { option, colours, breaks, lowerBetter, small };
  }, [geo, indicator, names, currentLang()]);

  // One legend entry a value class, ascending values; the word names how good the class is.
  const legend = PALETTE.map((_, k) => {
    const pi = lowerBetter ? PALETTE.length - 1 - k : k;
    return { c: PALETTE[pi], pi, lo: k === 0 ? null : breaks[k - 1] ?? null, hi: k < breaks.length ? breaks[k] : null };
  });
  return (
    <div data-testid="commune-map" data-mine={mine} data-mine-colour={colours[mine] ?? ''} data-colours={JSON.stringify(colours)} data-small={JSON.stringify(small)}>
      <Chart map option={option} height={340} label={t('dash.map_label', { n: Object.keys(colours).length })} prepare={(ec) => ec.registerMap(mapName, geo as any)} />
      <div class="map-legend" aria-label={t('dash.legend')}>
        {legend.map((l) => (
          <span key={l.pi}><i style={{ background: l.c }} aria-hidden="true" />{t('dash.legend_class.' + l.pi)}{l.lo !== null || l.hi !== null ? ` (${l.lo !== null ? fmtNumber(l.lo, 1) : ''}–${l.hi !== null ? fmtNumber(l.hi, 1) : ''})` : ''}</span>
        ))}
        <span><i style={{ background: NO_DATA }} aria-hidden="true" />{t('common.no_data')}</span>
        <span data-testid="map-small-legend" title={t('dash.small_tip', { events: sn.min_events, den: sn.min_denominator })}><i class="hatch" aria-hidden="true" />{t('dash.small_mark')} ({small.length})</span>
      </div>
      <p class="attribution">{t('dash.attribution')}</p>
    </div>
  );
}
