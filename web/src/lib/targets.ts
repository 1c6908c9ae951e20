// A plan target beside its current value: the gap in the indicator's unit and
// the words that say which way it lies (docs/indicators.md "Plan evaluation").
import { fmtNumber, t } from './i18n';

/** The unit after a number: nothing for a count, "/ 100.000" for a ratio per 100,000, else the unit. */
export const unitText = (u: string) => (u === 'count' || !u ? '' : u === 'per 100,000' ? ' / 100.000' : ' ' + u);

/** What a target operator reads as ("<" → "dưới", "reduce_by_pct" → "giảm … %"), in the reader's language. */
export const opLabel = (op: string) => t('targets.op.' + op);

/**
 * The gap (value − target, as the API gives it) signed, with its unit, and in words that follow the
 * indicator's direction: a mortality rate above its target is "còn thiếu" (short of it), a coverage
 * above its target is "vượt" (beyond it).
 */
export function gapText(gap: number | null | undefined, direction: string, unit: string): { signed: string; words: string; met: boolean | null } {
  if (gap === null || gap === undefined) return { signed: '—', words: '', met: null };
  const signed = (gap > 0 ? '+' : gap < 0 ? '−' : '') + fmtNumber(Math.abs(gap), 2) + unitText(unit);
  if (gap === 0) return { signed, words: t('targets.gap_at'), met: true };
  const met = direction === 'lower_is_better' ? gap < 0 : gap > 0;
  return { signed, words: t(met ? 'targets.gap_beyond' : 'targets.gap_short'), met };
}

/** The province of the user's unit: itself when it has a map, else the one whose map lists it (/geo/index.json). */
export function provinceOf(ou: string): Promise<string | null> {
  return fetch('/geo/index.json').then((r) => r.json()).then((idx: Record<string, string>) =>
    Object.values(idx).includes(ou) ? ou : idx[ou] ?? null);
}
