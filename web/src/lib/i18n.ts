// Translation lookup and Vietnamese-first formatting. Every visible string lives in i18n/*.json.
import vi from '../i18n/vi.json';
import en from '../i18n/en.json';

export type Lang = 'vi' | 'en';
type Dict = { [k: string]: string | Dict };
const dicts: Record<Lang, Dict> = { vi, en };
const listeners = new Set<() => void>();

function initialLang(): Lang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('u5.lang') : null;
  return saved === 'en' ? 'en' : 'vi';
}

let lang: Lang = initialLang();

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem('u5.lang', l);
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function onLangChange(f: () => void) {
  listeners.add(f);
  return () => listeners.delete(f);
}

function lookup(d: Dict, key: string): string | undefined {
  let cur: string | Dict | undefined = d;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = cur[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

export function has(key: string): boolean {
  return lookup(dicts[lang], key) !== undefined;
}

/**
 * t(key, {n: 3}) with {n} placeholders; falls back to Vietnamese, then to the key (visible in tests).
 * A number is a quantity and gets the locale's separators ("1.234"); pass identifiers that happen to
 * be numeric, such as years and codes, as strings ("2030", never "2.030").
 */
export function t(key: string, params?: Record<string, string | number>): string {
  let s = lookup(dicts[lang], key) ?? lookup(dicts.vi, key) ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(typeof v === 'number' ? fmtNumber(v) : v);
  return s;
}

/** Optional label: the translation when one exists, else the fallback text (e.g. a server-provided name). */
export function tOr(key: string, fallback: string): string {
  return lookup(dicts[lang], key) ?? lookup(dicts.vi, key) ?? fallback;
}

/** A text the server sends in both languages (`<field>_vi` and `<field>_en`, docs/api.md "Languages"): the
 * reader's, else `<field>` itself (Vietnamese), so an older answer still shows something. */
export function pick(o: { [k: string]: any } | null | undefined, field: string): string {
  if (!o) return '';
  return o[`${field}_${lang}`] || o[field] || '';
}

const locale = () => (lang === 'vi' ? 'vi-VN' : 'en-GB');

/** ISO date (YYYY-MM-DD or a date-time) to dd/mm/yyyy, read as a civil date (no time zone shift). */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** A moment (ISO with its zone, as the server stores them in UTC) as the reader's civil
 * dd/mm/yyyy hh:mm[:ss] in the browser's time zone: a user created at 01:00 in Vietnam was
 * created that day, not the day before. */
export function fmtTimestamp(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad2(d.getDate())}/${pad2(d.getMonth() + 1)}/${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}` +
    (seconds ? ':' + pad2(d.getSeconds()) : '');
}

export function fmtNumber(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}
