import { ComponentChildren } from 'preact';
import { t } from '../lib/i18n';

/**
 * A wide table's sideways scroller. It takes keyboard focus so that arrow keys scroll it (WCAG 2.1.1,
 * axe `scrollable-region-focusable`), and is named after its table so the tab stop says what it is.
 */
export function ScrollX({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <div class="scroll-x" tabIndex={0} role="region" aria-label={t('layout.scroll_table', { name })}>
      {children}
    </div>
  );
}
