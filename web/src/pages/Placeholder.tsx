import { t } from '../lib/i18n';

export function Placeholder() {
  return (
    <section class="page">
      <h1>{t('admin.title')}</h1>
      <p class="empty">{t('admin.later')}</p>
    </section>
  );
}
