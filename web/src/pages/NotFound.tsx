import { t } from '../lib/i18n';
import { linkClick } from '../lib/router';

export function NotFound() {
  return (
    <section class="page">
      <h1>{t('notfound.title')}</h1>
      <p><a href="/" onClick={linkClick}>{t('notfound.back')}</a></p>
    </section>
  );
}
