import { useEffect, useRef } from 'preact/hooks';

type EC = typeof import('./../lib/echarts').default;
let loader: Promise<EC> | null = null;
export function loadEcharts(): Promise<EC> {
  if (!loader) loader = import('../lib/echarts').then((m) => m.default);
  return loader;
}
let mapLoader: Promise<EC> | null = null;
function loadEchartsMap(): Promise<EC> {
  if (!mapLoader) mapLoader = Promise.all([loadEcharts(), import('../lib/echarts-map')]).then(([ec]) => ec);
  return mapLoader;
}

/** An ECharts canvas sized by CSS; `prepare` may register maps before the option is set; `map` for a map series. */
export function Chart({ option, label, height = 320, prepare, testid, map = false }: { option: any; label: string; height?: number; prepare?: (ec: EC) => void; testid?: string; map?: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<any>(null);
  useEffect(() => {
    let live = true;
    let ro: ResizeObserver | null = null;
    (map ? loadEchartsMap() : loadEcharts()).then((ec) => {
      if (!live || !el.current) return;
      prepare?.(ec);
      chart.current = ec.init(el.current, undefined, { renderer: 'canvas' });
      chart.current.setOption(option, true);
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
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} class="chart" style={{ height: `${height}px` }} role="img" aria-label={label} data-testid={testid} />;
}
