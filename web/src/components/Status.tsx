import { fmtNumber, t } from '../lib/i18n';

export function Loading() {
  return <p class="loading" role="status" aria-live="polite">{t('common.loading')}</p>;
}

export function ErrorBox({ error }: { error: unknown }) {
  const e = error as { status?: number };
  const key = e?.status === 403 ? 'error.forbidden' : e?.status === 404 ? 'error.not_found' : e?.status === 0 ? 'error.network' : 'error.server';
  return <p class="alert error" role="alert">{t(key)}</p>;
}

export function NoData({ text }: { text?: string }) {
  return <p class="empty" data-testid="no-data">{text ?? t('common.no_data')}</p>;
}

/**
 * Status shown as a word with a colour and a symbol, never colour alone. An uncertain verdict (its
 * 95 % interval contains the target) keeps its word but is grey, with a "?" and a tooltip saying why.
 */
export function Badge({ kind, label, uncertain }: { kind: string; label: string; uncertain?: boolean }) {
  const sym: Record<string, string> = { ok: '✓', good: '✓', warn: '!', bad: '✕', info: '•', muted: '–' };
  if (uncertain)
    return (
      <span class={`badge badge-uncertain badge-was-${kind}`} title={t('dash.uncertain_tip')} data-testid="uncertain">
        <span aria-hidden="true">?</span> {label} <span class="sr-only">({t('dash.uncertain')}: {t('dash.uncertain_tip')})</span>
      </span>
    );
  return (
    <span class={`badge badge-${kind}`}>
      <span aria-hidden="true">{sym[kind] ?? '•'}</span> {label}
    </span>
  );
}

/** The thresholds of the small-number mark, from the catalogue (data/indicators/catalogue.json). */
export interface SmallNumbers { confidence: number; min_events: number; min_denominator: number }
export const DEFAULT_SMALL: SmallNumbers = { confidence: 0.95, min_events: 20, min_denominator: 30 };

/** The small-number footnote mark: a value on too few events to judge or rank alone. */
export function SmallMark({ sn }: { sn: SmallNumbers }) {
  const tip = t('dash.small_tip', { events: sn.min_events, den: sn.min_denominator });
  return (
    <span class="small-mark" title={tip} data-testid="small-mark">
      <span aria-hidden="true">*</span><span class="sr-only">({t('dash.small_mark')})</span>
    </span>
  );
}

/** "95% CI: 0.4–92.9" for a value with an interval, else nothing. */
export function CiText({ low, high, digits = 1 }: { low?: number | null; high?: number | null; digits?: number }) {
  if (low === null || low === undefined || high === null || high === undefined) return null;
  return <span class="ci" data-testid="ci">{t('dash.ci', { low: fmtNumber(low, digits), high: fmtNumber(high, digits) })}</span>;
}
