import { useEffect, useMemo, useState } from 'preact/hooks';
import { CommuneMap, type Geo } from '../components/CommuneMap';
import { Chart } from '../components/Chart';
import { ScrollX } from '../components/ScrollX';
import { currentLang, fmtNumber, fmtTimestamp, onLangChange, pick, setLang, t } from '../lib/i18n';
import type { IndexFile, Publication, PubIndicator, PubTable } from './types';

// The mark of a suppressed cell: never its count (docs/publication.md, small-cell suppression).
const MARK = '*';
const MULTIPLIER: Record<string, number> = { '‰': 1000, '%': 100, 'per 100,000': 100000 };
const unitText = (u: string) => (u === 'count' ? '' : u === 'per 100,000' ? ' / 100.000' : ' ' + u);

// "/public/12/2026S1" → ["12", "2026S1"]; "/public/" → null.
function route(): { orgunit: string; period: string } | null {
  const m = /^\/public\/([^/]+)\/([^/]+)\/?$/.exec(location.pathname);
  return m ? { orgunit: decodeURIComponent(m[1]), period: decodeURIComponent(m[2]) } : null;
}

function Num({ cell, digits = 1 }: { cell: { value: number | null; suppressed?: boolean }; digits?: number }) {
  if (cell.suppressed) return <abbr class="suppressed" title={t('public.suppressed_tip')} data-testid="suppressed">{MARK}</abbr>;
  return <>{fmtNumber(cell.value, digits)}</>;
}

function Count({ n }: { n: number | null }) {
  if (n === null) return <abbr class="suppressed" title={t('public.suppressed_tip')} data-testid="suppressed">{MARK}</abbr>;
  return <>{fmtNumber(n, 0)}</>;
}

function LangSwitch() {
  const other = currentLang() === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" class="lang-switch no-print" lang={other} onClick={() => setLang(other)} aria-label={t('nav.switch_language')} data-testid="lang-switch">
      {t('nav.other_language')}
    </button>
  );
}

function Picker({ index, current }: { index: IndexFile; current: { orgunit: string; period: string } | null }) {
  const [ou, setOu] = useState(current?.orgunit ?? index.provinces[0]?.orgunit ?? '');
  const prov = index.provinces.find((p) => p.orgunit === ou);
  const periods = prov?.publications ?? [];
  const [period, setPeriod] = useState(current?.period ?? periods[0]?.period ?? '');
  const go = (e: Event) => {
    e.preventDefault();
    const p = periods.some((x) => x.period === period) ? period : periods[0]?.period;
    if (ou && p) location.assign(`/public/${encodeURIComponent(ou)}/${encodeURIComponent(p)}`);
  };
  return (
    <form class="pub-picker no-print" onSubmit={go} data-testid="picker">
      <label>{t('public.province')}
        <select value={ou} onChange={(e) => { setOu((e.target as HTMLSelectElement).value); setPeriod(''); }} data-testid="pick-province">
          {index.provinces.map((p) => <option key={p.orgunit} value={p.orgunit}>{pick(p, 'name')}</option>)}
        </select>
      </label>
      <label>{t('public.period')}
        <select value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value)} data-testid="pick-period">
          {periods.map((p) => <option key={p.period} value={p.period}>{pick(p, 'label')}</option>)}
        </select>
      </label>
      <button type="submit" class="btn">{t('public.show')}</button>
    </form>
  );
}

function IndexView({ index }: { index: IndexFile }) {
  return (
    <section class="card" data-testid="pub-index">
      <h2>{t('public.list_title')}</h2>
      {index.provinces.length === 0 && <p>{t('public.none_yet')}</p>}
      <ul>
        {index.provinces.map((p) => (
          <li key={p.orgunit}>
            <strong>{pick(p, 'name')}</strong>:{' '}
            {p.publications.map((x, i) => (
              <span key={x.period}>{i > 0 && ', '}<a href={`/public/${p.orgunit}/${x.period}`}>{pick(x, 'label')}</a></span>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Trend({ ind, pub }: { ind: PubIndicator; pub: Publication }) {
  const points = [...ind.trend.map((p) => ({ period: p.period, value: p.value })), { period: pub.period.code, value: ind.total.suppressed ? null : ind.total.value }];
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: points.map((p) => p.period) },
    yAxis: { type: 'value' },
    series: [
      { id: 'value', name: pick(ind, 'name'), type: 'line', data: points.map((p) => p.value), connectNulls: false, symbolSize: 8 },
      ...(ind.target ? [{ id: 'target', name: t('public.target'), type: 'line', data: points.map(() => ind.target!.value), lineStyle: { type: 'dashed' }, symbol: 'none' }] : []),
    ],
  }), [ind, currentLang()]);
  return (
    <div data-testid="trend">
      <h3>{t('public.trend')}</h3>
      <Chart option={option} height={240} label={t('public.trend_label', { name: pick(ind, 'name'), n: points.length })} testid="trend-chart" />
      <p class="muted">{points.length > 1 ? t('public.trend_note') : t('public.trend_first')}</p>
    </div>
  );
}

function Communes({ ind, pub, geo }: { ind: PubIndicator; pub: Publication; geo: Geo | null }) {
  // The dashboard's map, fed with the published cells only: a suppressed commune has no value to colour.
  const mapInput = useMemo(() => {
    const multiplier = MULTIPLIER[ind.unit] ?? 1;
    const groups: Record<string, any> = {};
    for (const c of ind.communes) {
      if (c.suppressed || c.value === null) continue;
      groups[c.orgunit] = c.denominator ? { numerator: c.numerator, denominator: c.denominator, small: false } : { numerator: c.value, denominator: 1, small: false };
    }
    const mul = ind.communes.some((c) => c.denominator) ? multiplier : 1;
    return { indicator: { indicator: ind.id, name_vi: ind.name_vi, name_en: ind.name_en, unit: ind.unit, multiplier: mul, direction: ind.lower_is_better ? 'lower_is_better' : 'higher_is_better', value: ind.total.value, breakdown: { by: 'commune', groups } } as any,
      names: Object.fromEntries(ind.communes.map((c) => [c.orgunit, c.name])) };
  }, [ind]);
  return (
    <div>
      <h3>{t('public.by_commune')}</h3>
      {geo && <CommuneMap geo={geo} indicator={mapInput.indicator} names={mapInput.names} mine="" sn={{ confidence: 0.95, min_events: pub.suppression.threshold, min_denominator: 0 }} />}
      <ScrollX name={t('public.by_commune')}>
        <table class="table compact" data-testid="commune-table">
          <thead><tr><th scope="col">{t('public.commune')}</th><th scope="col" class="num">{t('public.numerator')}</th><th scope="col" class="num">{t('public.denominator')}</th><th scope="col" class="num">{t('public.value')}{unitText(ind.unit)}</th></tr></thead>
          <tbody>
            {ind.communes.map((c) => (
              <tr key={c.orgunit} data-orgunit={c.orgunit}>
                <th scope="row">{c.name}</th>
                <td class="num"><Count n={c.suppressed ? null : c.numerator} /></td>
                <td class="num">{c.denominator === null && !c.suppressed ? '—' : <Count n={c.suppressed ? null : c.denominator} />}</td>
                <td class="num"><Num cell={c} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </div>
  );
}

function Table2D({ table }: { table: PubTable }) {
  const title = pick(table, 'title');
  return (
    <section class="card" data-testid={`table-${table.id}`}>
      <h2>{title}</h2>
      <ScrollX name={title}>
        <table class="table compact">
          <thead><tr><th scope="col">{t('public.commune')}</th>{table.columns.map((c) => <th key={c.id} scope="col" class="num">{pick(c, 'label')}</th>)}<th scope="col" class="num">{t('public.total')}</th></tr></thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.orgunit}><th scope="row">{r.name}</th>{r.cells.map((n, i) => <td key={i} class="num"><Count n={n} /></td>)}<td class="num"><Count n={r.total} /></td></tr>
            ))}
          </tbody>
          <tfoot><tr><th scope="row">{t('public.total')}</th>{table.column_totals.map((n, i) => <td key={i} class="num"><Count n={n} /></td>)}<td class="num" data-testid="grand-total"><Count n={table.grand_total} /></td></tr></tfoot>
        </table>
      </ScrollX>
    </section>
  );
}

function PublicationView({ pub, geo }: { pub: Publication; geo: Geo | null }) {
  const [sel, setSel] = useState(pub.indicators[0]?.id ?? '');
  const ind = pub.indicators.find((i) => i.id === sel);
  const base = `/public/data/${encodeURIComponent(pub.orgunit.id)}/${encodeURIComponent(pub.period.code)}`;
  return (
    <>
      <section class="card" data-testid="pub-head">
        <p class="muted">{t('public.published', { at: fmtTimestamp(pub.published_at), v: String(pub.version) })}</p>
        {pub.plan && <p>{t('public.plan')}: {pick(pub.plan, 'title')}</p>}
        <p class="no-print downloads">
          {t('public.download')}: <a href={`${base}.json`} download data-testid="dl-json">JSON</a> · <a href={`${base}.csv`} download data-testid="dl-csv">CSV</a>
        </p>
      </section>
      <section class="card">
        <h2>{t('public.indicators')}</h2>
        <ScrollX name={t('public.indicators')}>
          <table class="table" data-testid="indicator-table">
            <thead><tr><th scope="col">{t('public.indicator')}</th><th scope="col" class="num">{t('public.value')}</th><th scope="col">{t('public.target')}</th><th scope="col">{t('public.status')}</th></tr></thead>
            <tbody>
              {pub.indicators.map((i) => (
                <tr key={i.id} data-indicator={i.id}>
                  <th scope="row">{pick(i, 'name')}</th>
                  <td class="num" data-testid="total"><Num cell={i.total} />{!i.total.suppressed && i.total.value !== null ? unitText(i.unit) : ''}
                    {!i.total.suppressed && i.total.ci_low != null && i.total.ci_high != null && <div class="muted small">{t('public.ci', { low: fmtNumber(i.total.ci_low, 1), high: fmtNumber(i.total.ci_high, 1) })}</div>}
                  </td>
                  <td>{i.target ? `${pick(i.target, 'printed')} (${i.target.year})` : '—'}</td>
                  <td><span class={`pub-status st-${i.status}`} data-status={i.status}>{t('public.status_label.' + i.status)}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
        <p class="muted small" data-testid="suppression-note">{MARK} {pick(pub.suppression, 'note') || t('public.suppressed_tip')}</p>
      </section>
      {pub.indicators.length > 0 && (
        <section class="card" data-testid="indicator-detail">
          <label class="no-print">{t('public.choose_indicator')}{' '}
            <select value={sel} onChange={(e) => setSel((e.target as HTMLSelectElement).value)} data-testid="pick-indicator">
              {pub.indicators.map((i) => <option key={i.id} value={i.id}>{pick(i, 'name')}</option>)}
            </select>
          </label>
          {ind && <h2>{pick(ind, 'name')}</h2>}
          {ind && <Trend ind={ind} pub={pub} />}
          {ind && <Communes ind={ind} pub={pub} geo={geo} />}
        </section>
      )}
      {pub.tables.map((tb) => <Table2D key={tb.id} table={tb} />)}
    </>
  );
}

export function PublicPage() {
  const [, rerender] = useState(0);
  useEffect(() => onLangChange(() => rerender((n) => n + 1)), []);
  const here = route();
  const [index, setIndex] = useState<IndexFile | null>(null);
  const [pub, setPub] = useState<Publication | null | 'missing'>(null);
  const [geo, setGeo] = useState<Geo | null>(null);
  useEffect(() => {
    fetch('/public/data/index.json').then((r) => (r.ok ? r.json() : { provinces: [] })).then(setIndex).catch(() => setIndex({ format: '', generated_at: '', provinces: [] }));
    if (!here) return;
    const base = `/public/data/${encodeURIComponent(here.orgunit)}/${encodeURIComponent(here.period)}`;
    fetch(`${base}.json`).then((r) => (r.ok ? r.json() : 'missing')).then(setPub).catch(() => setPub('missing'));
    // The province's commune boundaries, shipped with the web app; no map when it has none.
    fetch(`/geo/${encodeURIComponent(here.orgunit)}.json`).then((r) => (r.ok ? r.json() : null)).then(setGeo).catch(() => setGeo(null));
  }, []);
  const published = pub && pub !== 'missing' ? pub : null;
  useEffect(() => {
    document.title = published ? `${pick(published.orgunit, 'name')} · ${pick(published.period, 'label')} · ${t('public.title')}` : t('public.title');
  });
  return (
    <>
      <header class="pub-header">
        <div>
          <p class="pub-kicker">{t('public.kicker')}</p>
          <h1>{published ? `${pick(published.orgunit, 'name')} · ${pick(published.period, 'label')}` : t('public.title')}</h1>
        </div>
        <LangSwitch />
      </header>
      <main class="pub-main">
        {index && index.provinces.length > 0 && <Picker index={index} current={here} />}
        {!here && index && <IndexView index={index} />}
        {here && pub === null && <p aria-live="polite">{t('public.loading')}</p>}
        {here && pub === 'missing' && (
          <section class="card" data-testid="not-published">
            <h2>{t('public.not_published')}</h2>
            <p>{t('public.not_published_text', { orgunit: here.orgunit, period: here.period })}</p>
            <p><a href="/public/">{t('public.see_list')}</a></p>
          </section>
        )}
        {published && <PublicationView pub={published} geo={geo} />}
      </main>
      <footer class="pub-footer muted small">{t('public.footer')}</footer>
    </>
  );
}
