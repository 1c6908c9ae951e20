import { useMemo } from 'preact/hooks';
import { fmtNumber, t } from '../lib/i18n';
import { Chart } from './Chart';
import type { IndicatorValue } from '../pages/Dashboard';

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

export function CommuneMap({ geo, indicator, names, mine }: { geo: Geo; indicator: IndicatorValue; names: Record<string, string>; mine: string }) {
  const mapName = 'prov-' + geo.province;
  const { option, colours, breaks, lowerBetter } = useMemo(() => {
    const groups = indicator.breakdown?.groups ?? {};
    const vals: Record<string, number | null> = {};
    for (const [code, g] of Object.entries(groups)) if (names[code]) vals[code] = g.denominator > 0 ? (g.numerator / g.denominator) * indicator.multiplier : null;
    const present = Object.values(vals).filter((v): v is number => v !== null);
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
      return {
        name: code, value: v ?? null,
        itemStyle: { areaColor: colour, borderColor: code === mine ? '#111' : '#fff', borderWidth: code === mine ? 2 : 0.6 },
      };
    });
    const option = {
      animation: false,
      tooltip: { trigger: 'item', formatter: (p: any) => `${names[p.name] ?? p.name}<br/>${p.value === null || p.value === undefined || Number.isNaN(p.value) ? t('common.no_data') : fmtNumber(p.value, 1)}` },
      series: [{ type: 'map', map: mapName, nameProperty: 'code', roam: false, selectedMode: false, data, emphasis: { label: { show: false }, itemStyle: { areaColor: '#0b6e4f' } } }],
    };
    return { option, colours, breaks, lowerBetter };
  }, [geo, indicator, names]);

  // One legend entry a value class, ascending values; the word names how good the class is.
  const legend = PALETTE.map((_, k) => {
    const pi = lowerBetter ? PALETTE.length - 1 - k : k;
    return { c: PALETTE[pi], pi, lo: k === 0 ? null : breaks[k - 1] ?? null, hi: k < breaks.length ? breaks[k] : null };
  });
  return (
    <div data-testid="commune-map" data-mine={mine} data-mine-colour={colours[mine] ?? ''} data-colours={JSON.stringify(colours)}>
      <Chart option={option} height={340} label={t('dash.map_label', { n: Object.keys(colours).length })} prepare={(ec) => ec.registerMap(mapName, geo as any)} />
      <div class="map-legend" aria-label={t('dash.legend')}>
        {legend.map((l) => (
          <span key={l.pi}><i style={{ background: l.c }} aria-hidden="true" />{t('dash.legend_class.' + l.pi)}{l.lo !== null || l.hi !== null ? ` (${l.lo !== null ? fmtNumber(l.lo, 1) : ''}–${l.hi !== null ? fmtNumber(l.hi, 1) : ''})` : ''}</span>
        ))}
        <span><i style={{ background: NO_DATA }} aria-hidden="true" />{t('common.no_data')}</span>
      </div>
      <p class="attribution">{t('dash.attribution')}</p>
    </div>
  );
}
