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
import { ErrorBox, Loading, NoData } from '../components/Status';
import { DateInput } from '../components/DateInput';
import { ScrollX } from '../components/ScrollX';
import { actionOverdue, ReviewBadge } from './DeathReview';

interface Row { rec: Rec; review?: Rec; open: number; overdue: number }

const list = (coll: string, params: Record<string, string | number>) =>
  api.get<{ items: Rec[] }>(`/${coll}` + qs({ ...params, limit: 1000 })).then((r) => r.items);

export function Deaths({ query }: { query: URLSearchParams }) {
  const board = can(currentUser(), 'death.review');
  const from = query.get('from') || addDays(todayIso(), -365);
  const to = query.get('to') || todayIso();
  const category = query.get('category') || '';
  const [rows, setRows] = useState<Row[] | null>(null);
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
    ]).then(([deaths, stillbirths, reviews, actions]) => {
      const today = todayIso();
      const out: Row[] = [...deaths, ...stillbirths]
        .filter((r) => !category || r.category === category)
        .map((rec) => {
          const review = reviews.filter((v) => v.death_id === rec.id).pop();
          const mine = review ? actions.filter((a) => a.review_id === review.id && a.status === 'open') : [];
          return { rec, review, open: mine.length, overdue: mine.filter((a) => actionOverdue(a, today)).length };
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
                {rows.map(({ rec, review, open, overdue }) => (
                  <tr key={rec.id} data-id={rec.id} data-type={rec.type}>
                    <td>{fmtDate(rec.date)}</td>
                    <td>{rec.category ? tOr('enum.category.' + rec.category, rec.category) : t('record.' + rec.type)}</td>
                    <td><OrgUnitName id={rec.orgunit} /></td>
                    <td><Notified rec={rec} /></td>
                    {board && (
                      <td>
                        {rec.type === 'death'
                          ? <a href={`/deaths/${rec.id}/review`} onClick={linkClick} data-testid="open-review"><ReviewBadge status={review?.status ?? 'none'} /></a>
                          : <ReviewBadge status={review?.status ?? 'none'} />}
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

function Notified({ rec }: { rec: Rec }) {
  if (typeof rec.hours_to_notification !== 'number') return <span class="muted">{t('deaths.not_notified')}</span>;
  return <span>{t('deaths.hours', { n: fmtNumber(rec.hours_to_notification, 0) })}</span>;
}
