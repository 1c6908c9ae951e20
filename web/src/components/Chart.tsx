import { useEffect, useRef } from 'preact/hooks';

type EC = typeof import('./../lib/echarts').default;
let loader: Promise<EC> | null = null;
export function loadEcharts(): Promise<EC> {
  if (!loader) loader = import('../lib/echarts').then((m) => m.default);
  return loader;
}

/** Draws `option` and records which series the chart really holds (data-series: ids, else names), for tests. */
function apply(chart: any, el: HTMLDivElement, option: any) {
  chart.setOption(option, true);
  el.dataset.series = (chart.getOption().series ?? []).map((s: any) => s.id ?? s.name).join(',');
}

/**
 * An ECharts canvas sized by CSS; `prepare` may register maps before the option is set. The option
 * can change while the library is still loading (data arriving first): the newest one is drawn.
 */
export function Chart({ option, label, height = 320, prepare, testid }: { option: any; label: string; height?: number; prepare?: (ec: EC) => void; testid?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<any>(null);
  const latest = useRef({ option, prepare });
  latest.current = { option, prepare };
  useEffect(() => {
    let live = true;
    let ro: ResizeObserver | null = null;
    loadEcharts().then((ec) => {
      if (!live || !el.current) return;
      latest.current.prepare?.(ec);
      chart.current = ec.init(el.current, undefined, { renderer: 'canvas' });
      apply(chart.current, el.current, latest.current.option);
      el.current.dataset.ready = '1';
      ro = new ResizeObserver(() => chart.current?.resize());
      ro.observe(el.current);
    });
    return () => {
      live = false;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    if (chart.current && el.current) apply(chart.current, el.current, option);
  }, [option]);
  return <div ref={el} class="chart" style={{ height: `${height}px` }} role="img" aria-label={label} data-testid={testid} />;
}
