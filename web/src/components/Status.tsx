import { t } from '../lib/i18n';

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

/** Status shown as a word with a colour and a symbol, never colour alone. */
export function Badge({ kind, label }: { kind: string; label: string }) {
  const sym: Record<string, string> = { ok: '✓', good: '✓', warn: '!', bad: '✕', info: '•', muted: '–' };
  return (
    <span class={`badge badge-${kind}`}>
      <span aria-hidden="true">{sym[kind] ?? '•'}</span> {label}
    </span>
  );
}
