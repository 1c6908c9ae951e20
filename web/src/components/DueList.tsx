import { fmtDate, pick, t } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { formForItem } from '../forms/care-links';
import { Badge } from './Status';

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
}

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
      </span>
      <ItemStatus item={item} />
      {href && (
        <a class="btn small" href={href} onClick={linkClick} aria-label={t('care.record_item', { item: itemLabel(item) })}>
          {t('care.record')}
        </a>
      )}
    </li>
  );
}
