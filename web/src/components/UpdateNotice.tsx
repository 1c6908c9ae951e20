import { t } from '../lib/i18n';
import { applyUpdate, useUpdateWaiting } from '../lib/sw';

/** A new version of the app is ready: said once, applied by the button or at the next safe move. */
export function UpdateNotice() {
  if (!useUpdateWaiting()) return null;
  return (
    <div class="update-bar" role="status" data-testid="update-notice">
      <span>{t('update.ready')}</span>
      <button type="button" class="btn small" onClick={applyUpdate}>{t('update.now')}</button>
    </div>
  );
}
