// What deaths still wait for in the user's org units (GET /death-followups, deadlines in
// data/schedules/deaths.json): notification details to complete, reviews due (the review board
// only), actions falling due for the org unit that owns them. Each links where it is done.
import { fmtDate, pick, t } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { useApi } from '../lib/useApi';
import { Badge } from './Status';

interface FollowUp { kind: string; record_id: string; person_id: string; due: string; overdue: boolean; message?: string; message_vi?: string; message_en?: string }

const hrefOf = (f: FollowUp) =>
  f.kind === 'action_due' ? `/review-actions/${f.record_id}` : f.kind === 'review_due' ? `/deaths/${f.record_id}/review` : `/persons/${f.person_id}`;

export function DeathFollowUps() {
  const fu = useApi<{ items: FollowUp[] }>('/death-followups');
  const items = fu.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section class="card" aria-labelledby="h-dfu" data-testid="death-followups">
      <h2 id="h-dfu">{t('deaths.followups')}</h2>
      <ul class="plain action-list">
        {items.map((f) => (
          <li key={f.kind + f.record_id} class="action-row" data-kind={f.kind} data-record={f.record_id}>
            <a href={hrefOf(f)} onClick={linkClick}>{pick(f, 'message')}</a>
            <span class="small"> · {t('deaths.due', { date: fmtDate(f.due) })} </span>
            {f.overdue && <Badge kind="bad" label={t('deaths.action_status.overdue')} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
