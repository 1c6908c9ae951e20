import { fmtDate, pick, t, tOr } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { formForItem } from '../forms/care-links';
import { Badge } from './Status';
import { todayIso } from '../lib/person';

export interface DueItem {
  id: string;
  rule: string;
  group: string;
  label: string;
  label_vi?: string;
  label_en?: string;
  status: 'done' | 'upcoming' | 'due' | 'overdue' | 'missed';
  earliest: string;
  due: string;
  late: string;
  done?: string;
  pregnancy_id?: string;
  days_overdue?: number;
  waiting_for?: string;
  /** Doses recorded but not counted for this item (given too early or too late), with the engine's reason. */
  not_counted?: { event_id: string; date: string; reason: string }[];
}

/** The engine's reasons (src/care/plan.cpp) as translation keys. */
const NOT_COUNTED_KEY: Record<string, string> = {
  'before the minimum age': 'min_age',
  'before the minimum interval': 'min_interval',
  'after the maximum age': 'max_age',
};
export const notCountedReason = (reason: string) => tOr('early_dose.reason.' + (NOT_COUNTED_KEY[reason] ?? ''), reason);

/** Whether a dose given on `date` (YYYY-MM-DD) would come before the item's earliest valid date. */
export const tooEarly = (item: DueItem, date: string) => item.status !== 'done' && item.status !== 'missed' && !!date && date < item.earliest;

export const STATUS_KIND: Record<string, string> = { done: 'ok', due: 'warn', overdue: 'bad', upcoming: 'info', missed: 'muted' };

export function ItemStatus({ item }: { item: DueItem }) {
  return <Badge kind={STATUS_KIND[item.status] ?? 'info'} label={t('care.status.' + item.status)} />;
}

export function itemLabel(item: { id: string; label: string; label_vi?: string; label_en?: string }) {
  return pick(item, 'label');
}

/** One row a care item: what, when, its state, and a button to record it when it is open. */
export function DueRow({ item, personId, canRecord }: { item: DueItem; personId: string; canRecord: boolean }) {
  const href = canRecord && item.status !== 'done' && item.status !== 'missed' ? formForItem(item.id, personId, item.pregnancy_id) : null;
  // Not yet valid today: the button says so, and the form warns before saving (a dose given early does not count).
  const early = tooEarly(item, todayIso());
  return (
    <li class={`due-row st-${item.status}`} data-item={item.id} data-status={item.status}>
      <span class="grow">
        <strong>{itemLabel(item)}</strong>
        <span class="meta">
          {item.status === 'done'
            ? t('care.done_on', { date: fmtDate(item.done) })
            : item.status === 'overdue'
            ? t('care.overdue_since', { date: fmtDate(item.late), n: item.days_overdue ?? 0 })
            : t('care.due_on', { date: fmtDate(item.due) })}
        </span>
        {early && <span class="meta" data-testid="earliest">{t('early_dose.earliest_on', { date: fmtDate(item.earliest) })}</span>}
        {item.status !== 'done' && (item.not_counted ?? []).map((n) => (
          <span key={n.event_id} class="meta not-counted" data-testid="not-counted">
            {t('early_dose.not_counted', { date: fmtDate(n.date), reason: notCountedReason(n.reason) })}
          </span>
        ))}
      </span>
      <ItemStatus item={item} />
      {href && (
        <a class="btn small" href={href} onClick={linkClick}
          aria-label={t(early ? 'early_dose.record_item' : 'care.record_item', { item: itemLabel(item) })}>
          {t(early ? 'early_dose.record' : 'care.record')}
        </a>
      )}
    </li>
  );
}
