import { useEffect, useState } from 'preact/hooks';
import { fmtDate, t } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { onSyncState, SyncState, syncNow, syncState } from '../lib/offline/sync';

export function useSyncState(): SyncState {
  const [s, set] = useState(syncState());
  useEffect(() => {
    // A change between the first render and this effect would otherwise be missed.
    set(syncState());
    return onSyncState(set);
  }, []);
  return s;
}

/** The time of the last sync: the hour alone today, else the day and the hour. */
function when(iso: string) {
  const d = new Date(iso);
  const hm = d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', hour12: false });
  return d.toDateString() === new Date().toDateString() ? hm : `${fmtDate(iso.slice(0, 10))} ${hm}`;
}

/** The layout's line about the offline copy: offline, writes waiting, last sync, syncing, needs login. */
export function SyncStatus() {
  const s = useSyncState();
  if (!s.enabled) return null;
  const parts: string[] = [];
  if (!s.online) parts.push(t('sync.offline'));
  if (s.needsLogin) parts.push(t('sync.needs_login'));
  if (s.syncing) parts.push(t('sync.syncing'));
  if (s.waiting) parts.push(t('sync.waiting', { n: s.waiting }));
  if (s.conflicts) parts.push(t('sync.conflicts', { n: s.conflicts }));
  if (s.rejected) parts.push(t('sync.rejected', { n: s.rejected }));
  if (!s.syncing && s.failed && s.online) parts.push(t('sync.failed'));
  parts.push(s.lastSync ? t('sync.last', { time: when(s.lastSync) }) : t('sync.never'));
  const kind = !s.online || s.needsLogin || s.conflicts || s.rejected ? 'warn' : s.waiting ? 'info' : 'ok';
  return (
    <div class={`sync-bar sync-${kind}`} role="status" aria-live="polite" data-testid="sync-status"
      data-online={String(s.online)} data-waiting={s.waiting} data-conflicts={s.conflicts} data-rejected={s.rejected} data-syncing={String(s.syncing)}>
      <span class="sync-text">{parts.join(' · ')}</span>
      <a href="/sync" onClick={linkClick} class="sync-link">{t('sync.open')}</a>
      <button type="button" class="btn small" onClick={() => void syncNow()} disabled={s.syncing || !s.online} data-testid="sync-now">{t('sync.now')}</button>
    </div>
  );
}
