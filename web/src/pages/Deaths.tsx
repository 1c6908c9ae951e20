// The deaths and stillbirths of the user's org units: when, where, what category, whether the
// notification came in time, how far the review is and its actions. No names: the list is for
// following up deaths as a programme, the handbook has the person.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtDate, fmtNumber, t, tOr } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { addDays, Rec, todayIso } from '../lib/person';
import { schemaType } from '../lib/schema';
import { can, currentUser } from '../lib/session';
import { OrgUnitName } from '../lib/orgunits';
import { Badge, ErrorBox, Loading, NoData } from '../components/Status';
import { DateInput } from '../components/DateInput';
import { ScrollX } from '../components/ScrollX';
import { actionOverdue, ReviewBadge } from './DeathReview';

interface Row { rec: Rec; review?: Rec; open: number; overdue: number; reviewLate: boolean; detailsDue?: FollowUp }
// GET /death-followups: what each death still waits for, by its deadline (data/schedules/deaths.json).
interface FollowUp { kind: string; record_id: string; due: string; overdue: boolean }
interface FollowUps { notification_within_hours: number; items: FollowUp[] }

const list = (coll: string, params: Record<string, string | number>) =>
  api.get<{ items: Rec[] }>(`/${coll}` + qs({ ...params, limit: 1000 })).then((r) => r.items);

export function Deaths({ query }: { query: URLSearchParams }) {
  const board = can(currentUser(), 'death.review');
  const from = query.get('from') || addDays(todayIso(), -365);
  const to = query.get('to') || todayIso();
  const category = query.get('category') || '';
  const [rows, setRows] = useState<Row[] | null>(null);
  const [withinHours, setWithinHours] = useState<number | null>(null);
  const [categories, setCategories] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ from, to, category });

  useEffect(() => {
    Promise.all([schemaType('death'), schemaType('stillbirth')]).then((ts) =>
      setCategories(ts.flatMap((x) => x?.fields.find((f) => f.name === 'category')?.values ?? []))).catch(setError);
  }, []);

  useEffect(() => {
    setRows(null);
    const period = { from, to };
    // Reviews and actions come after the death: they are asked from the period's start to today.
    const since = { from };
    Promise.all([
      list('deaths', period), list('stillbirths', period),
      board ? list('death-reviews', since) : Promise.resolve([]), board ? list('review-actions', since) : Promise.resolve([]),
      api.get<FollowUps>('/death-followups'),
    ]).then(([deaths, stillbirths, reviews, actions, follow]) => {
      setWithinHours(follow.notification_within_hours);
      const out: Row[] = [...deaths, ...stillbirths]
        .filter((r) => !category || r.category === category)
        .map((rec) => {
          const review = reviews.filter((v) => v.death_id === rec.id).pop();
          const mine = review ? actions.filter((a) => a.review_id === review.id && a.status === 'open') : [];
          const waits = follow.items.filter((f) => f.record_id === rec.id);
          return {
            rec, review, open: mine.length, overdue: mine.filter(actionOverdue).length,
            reviewLate: waits.some((f) => f.kind === 'review_due' && f.overdue), detailsDue: waits.find((f) => f.kind === 'notification_incomplete'),
          };
        })
        .sort((a, b) => (b.rec.date ?? '').localeCompare(a.rec.date ?? ''));
      setRows(out);
    }).catch(setError);
  }, [from, to, category]);

  const apply = (e: Event) => {
    e.preventDefault();
    navigate('/deaths' + qs(form));
  };

  return (
    <section class="page deaths">
      <h1>{t('deaths.title')}</h1>
      <form class="card filters" onSubmit={apply} data-testid="deaths-filters">
        <div class="field">
          <label for="d-from">{t('deaths.from')}</label>
          <DateInput id="d-from" name="from" value={form.from} onChange={(v) => setForm({ ...form, from: v })} />
        </div>
        <div class="field">
          <label for="d-to">{t('deaths.to')}</label>
          <DateInput id="d-to" name="to" value={form.to} onChange={(v) => setForm({ ...form, to: v })} />
        </div>
        <div class="field">
          <label for="d-category">{t('field.category')}</label>
          <select id="d-category" name="category" value={form.category} onChange={(e) => setForm({ ...form, category: e.currentTarget.value })}>
            <option value="">{t('deaths.all_categories')}</option>
            {categories.map((c) => <option key={c} value={c}>{tOr('enum.category.' + c, c)}</option>)}
          </select>
        </div>
        <button class="btn" type="submit">{t('deaths.apply')}</button>
      </form>
      {error ? <ErrorBox error={error} /> : !rows ? <Loading /> : rows.length === 0 ? <NoData text={t('deaths.none')} /> : (
        <section class="card">
          <p class="muted" data-testid="deaths-count">{t('deaths.count', { n: rows.length })}</p>
          <ScrollX name={t('deaths.title')}>
            <table class="table" data-testid="deaths-table">
              <thead>
                <tr>
                  <th scope="col">{t('field.date')}</th>
                  <th scope="col">{t('field.category')}</th>
                  <th scope="col">{t('deaths.commune')}</th>
                  <th scope="col">{t('deaths.notified')}</th>
                  {board && <th scope="col">{t('deaths.review_status')}</th>}
                  {board && <th scope="col">{t('deaths.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map(({ rec, review, open, overdue, reviewLate, detailsDue }) => (
                  <tr key={rec.id} data-id={rec.id} data-type={rec.type}>
                    <td>{fmtDate(rec.date)}</td>
                    <td>{rec.category ? tOr('enum.category.' + rec.category, rec.category) : t('record.' + rec.type)}</td>
                    <td><OrgUnitName id={rec.orgunit} /></td>
                    <td><Notified rec={rec} withinHours={withinHours} detailsDue={detailsDue} /></td>
                    {board && (
                      <td>
                        <a href={`/deaths/${rec.id}/review`} onClick={linkClick} data-testid="open-review"><ReviewBadge status={reviewLate ? 'overdue' : review?.status ?? 'none'} /></a>
                      </td>
                    )}
                    {board && (
                      <td data-testid="action-counts">
                        {t('deaths.open_actions', { n: open })}
                        {overdue > 0 && <span class="overdue"> · {t('deaths.overdue_actions', { n: overdue })}</span>}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        </section>
      )}
    </section>
  );
}

/** Hours from death to notification, judged against the deadline; or what is still missing, red once late. */
function Notified({ rec, withinHours, detailsDue }: { rec: Rec; withinHours: number | null; detailsDue?: FollowUp }) {
  if (typeof rec.hours_to_notification !== 'number') {
    return detailsDue?.overdue
      ? <span data-testid="notified" data-status="late"><Badge kind="bad" label={t('deaths.details_overdue')} /></span>
      : <span class="muted" data-testid="notified" data-status="unknown">{t('deaths.not_notified')}</span>;
  }
  const inTime = withinHours !== null && rec.hours_to_notification <= withinHours;
  return (
    <span data-testid="notified" data-status={inTime ? 'in_time' : 'late'}>
      <Badge kind={inTime ? 'ok' : 'warn'} label={t(inTime ? 'deaths.in_time' : 'deaths.late')} />{' '}
      {t('deaths.hours', { n: fmtNumber(rec.hours_to_notification, 1) })}
    </span>
  );
}
