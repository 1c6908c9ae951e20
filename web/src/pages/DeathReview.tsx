// The review of one death (QĐ 4869/QĐ-BYT 2014) and the actions it decided, for the review board
// (permission death.review; the server enforces it again). The death is summarised with no name:
// the board reviews what happened, and the page stays as confidential as the review itself.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, FieldError, qs } from '../lib/api';
import { fmtDate, fmtNumber, has, t, tOr } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { Rec, todayIso } from '../lib/person';
import { SchemaType, schemaType } from '../lib/schema';
import { can, currentUser } from '../lib/session';
import { OrgUnitName } from '../lib/orgunits';
import { fieldErrorText } from '../forms/errors';
import { createdAll, createId } from '../forms/records';
import { Badge, ErrorBox, Loading, NoData } from '../components/Status';
import { DateInput } from '../components/DateInput';
import { Icd10Input } from '../components/CodePicker';
import { OrgUnitSelect } from '../components/OrgUnitSelect';

type Values = Record<string, string | string[]>;

const BOARD = ['board_chair', 'board_secretary', 'board_obstetrician', 'board_paediatrician', 'board_midwife', 'board_commune_health'];
const DELAYS: [string, string][] = [['delay1_seeking', 'delay1_note'], ['delay2_reaching', 'delay2_note'], ['delay3_receiving', 'delay3_note']];
const FACTORS = ['factors_family', 'factors_administrative', 'factors_health_worker'];
const SUMMARY = ['category', 'gestational_weeks', 'birth_weight_g', 'time_of_death', 'age_at_death_days', 'place', 'cause_category', 'cause_text', 'icd10', 'notified_at', 'hours_to_notification'];

const optLabel = (field: string, v: string) => tOr(`enum.${field}.${v}`, tOr(`enum.any.${v}`, v));
const isMaternal = (d: Rec) => d.category === 'maternal' || d.maternal_death === true || d.maternal_candidate === true;
// ICD-PM covers stillbirths and deaths in the first week (the server's category).
const isPerinatal = (d: Rec) => d.category === 'early_neonatal' || String(d.category ?? '').startsWith('stillbirth');

/** An action is overdue when still open after its due date: the server derives it as it answers. */
export const actionOverdue = (a: Rec) => a.status === 'open' && a.overdue === true;

function summaryValue(k: string, v: unknown): string {
  if (typeof v === 'number') return fmtNumber(v, k === 'hours_to_notification' ? 1 : 0);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDate(v) + ' ' + v.slice(11, 16);
  return typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : optLabel(k, String(v));
}

function fromRecord(r: Rec | null): Values {
  const v: Values = { date: todayIso(), review_type: 'community' };
  if (!r) return v;
  for (const [k, x] of Object.entries(r)) {
    if (typeof x === 'boolean') v[k] = x ? 'yes' : 'no';
    else if (Array.isArray(x)) v[k] = x;
    else if (typeof x === 'string') v[k] = x;
  }
  return v;
}

function toBody(v: Values, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of fields) {
    const x = v[k];
    if (x === undefined || x === '' || (Array.isArray(x) && x.length === 0)) continue;
    out[k] = DELAYS.some(([d]) => d === k) ? x === 'yes' : x;
  }
  return out;
}

export function DeathReview({ id }: { id: string }) {
  const user = currentUser();
  const allowed = can(user, 'death.review');
  const [death, setDeath] = useState<Rec | null>(null);
  const [review, setReview] = useState<Rec | null>(null);
  const [actions, setActions] = useState<Rec[]>([]);
  const [schema, setSchema] = useState<{ review: SchemaType; action: SchemaType } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [values, setValues] = useState<Values>(fromRecord(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const loadActions = (deathRec: Rec, reviewId: string) =>
    api.get<{ items: Rec[] }>('/review-actions' + qs({ person_id: deathRec.person_id, limit: 1000 }))
      .then((r) => setActions(r.items.filter((a) => a.review_id === reviewId)));

  useEffect(() => {
    if (!allowed) return;
    Promise.all([schemaType('death_review'), schemaType('review_action')])
      .then(([review, action]) => (review && action ? setSchema({ review, action }) : setLoadError(new Error('no death_review in /schema'))))
      .catch(setLoadError);
    // The id is a death's or a stillbirth's (reviewed on the mother, ICD-PM).
    api.get<Rec>(`/deaths/${id}`).catch((e) => (e instanceof ApiError && e.status === 404 ? api.get<Rec>(`/stillbirths/${id}`) : Promise.reject(e))).then(async (d) => {
      const rs = await api.get<{ items: Rec[] }>('/death-reviews' + qs({ person_id: d.person_id, limit: 1000 }));
      const r = rs.items.filter((x) => x.death_id === id).pop() ?? null;
      setDeath(d);
      setReview(r);
      setValues(fromRecord(r));
      if (r) await loadActions(d, r.id);
    }).catch(setLoadError);
  }, [id]);

  if (!allowed) return <section class="page narrow"><h1>{t('deaths.review_title')}</h1><p class="alert error" role="alert" data-testid="forbidden">{t('deaths.review_forbidden')}</p></section>;
  if (loadError) return <ErrorBox error={loadError} />;
  if (!death || !schema) return <Loading />;

  const sf = (n: string) => schema.review.fields.find((x) => x.name === n);
  const set = (k: string, v: string | string[]) => {
    setValues((o) => ({ ...o, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };
  const err = (k: string) => errors[k] ? <p class="field-error" id={`r-${k}-err`} role="alert" data-testid={`error-${k}`}>{errors[k]}</p> : null;
  const aria = (k: string) => ({ 'aria-invalid': errors[k] ? ('true' as const) : undefined, 'aria-describedby': errors[k] ? `r-${k}-err` : undefined });
  const text = (k: string, area = false) => (
    <div class={errors[k] ? 'field invalid' : 'field'} key={k}>
      <label for={'r-' + k}>{t('field.' + k)}</label>
      {area
        ? <textarea id={'r-' + k} name={k} rows={2} value={(values[k] as string) ?? ''} onInput={(e) => set(k, e.currentTarget.value)} {...aria(k)} />
        : <input id={'r-' + k} name={k} type="text" autocomplete="off" value={(values[k] as string) ?? ''} onInput={(e) => set(k, e.currentTarget.value)} {...aria(k)} />}
      {err(k)}
    </div>
  );
  const select = (k: string, required = false) => (
    <div class={errors[k] ? 'field invalid' : 'field'} key={k}>
      <label for={'r-' + k}>{t('field.' + k)}{required && <span class="req" aria-hidden="true"> *</span>}</label>
      <select id={'r-' + k} name={k} value={(values[k] as string) ?? ''} required={required} onChange={(e) => set(k, e.currentTarget.value)} {...aria(k)}>
        <option value="">{t('form.choose')}</option>
        {(sf(k)?.values ?? []).map((v) => <option key={v} value={v}>{optLabel(k, v)}</option>)}
      </select>
      {err(k)}
    </div>
  );
  const icd = (k: string, list = false) => (
    <div class={errors[k] ? 'field invalid' : 'field'} key={k}>
      <label for={'r-' + k}>{t('field.' + k)}</label>
      <Icd10Input id={'r-' + k} name={k} value={(values[k] as string) ?? ''} onChange={(v) => set(k, v)} list={list} invalid={!!errors[k]} describedBy={errors[k] ? `r-${k}-err` : undefined} />
      {has('hint.' + k) && <p class="hint">{t('hint.' + k)}</p>}
      {err(k)}
    </div>
  );

  const reviewFields = ['date', 'review_type', ...BOARD, 'board_other', 'underlying_icd10', 'contributing_icd10', 'icd_mm_group', 'icd_pm_timing', 'icd_pm_maternal',
    ...DELAYS.flat(), ...FACTORS, 'avoidability', 'findings'];

  const save = async (status: 'draft' | 'complete') => {
    setMessage(null);
    setBusy(true);
    const body = { ...toBody(values, reviewFields), death_id: death.id, person_id: death.person_id, orgunit: death.orgunit, status };
    try {
      const draftKey = `u5.create.death_review.${death.id}`;
      const saved = review ? await api.put<Rec>(`/death-reviews/${review.id}`, body, review.version)
        : await api.post<Rec>('/death-reviews', { ...body, id: createId(draftKey) });
      createdAll(draftKey);
      setReview(saved);
      setValues(fromRecord(saved));
      setErrors({});
      setMessage({ kind: 'ok', text: t(status === 'complete' ? 'deaths.saved_complete' : 'deaths.saved_draft') });
    } catch (e) {
      const ae = e as ApiError;
      const listed: FieldError[] = ae.errors.length ? ae.errors : ae.field ? [{ field: ae.field, reason: ae.message }] : [];
      if (ae.status === 422 && listed.length) {
        const errs: Record<string, string> = {};
        for (const x of listed) errs[x.field] ??= fieldErrorText(x.reason);
        setErrors(errs);
        const first = listed.find((x) => document.getElementById('r-' + x.field));
        if (first) setTimeout(() => document.getElementById('r-' + first.field)?.focus(), 0);
        setMessage({ kind: 'error', text: t('deaths.fix_fields') });
      } else {
        setMessage({ kind: 'error', text: ae.status === 409 ? t('deaths.conflict') : ae.status === 403 ? t('error.forbidden') : ae.status === 0 ? t('error.network') : t('error.server') });
      }
    } finally {
      setBusy(false);
    }
  };

  const complete = review?.status === 'complete';
  return (
    <section class="page narrow death-review">
      <p class="crumbs"><a href="/deaths" onClick={linkClick}>← {t('deaths.title')}</a></p>
      <h1>{t('deaths.review_title')}</h1>
      <section class="card" aria-labelledby="h-death">
        <h2 id="h-death">{t('deaths.summary')}</h2>
        <dl class="kv" data-testid="death-summary">
          <dt>{t('field.date')}</dt><dd>{fmtDate(death.date)}</dd>
          <dt>{t('field.orgunit')}</dt><dd><OrgUnitName id={death.orgunit} /></dd>
          {SUMMARY.filter((k) => death[k] !== undefined && death[k] !== '').map((k) => (
            <><dt>{t('field.' + k)}</dt><dd>{summaryValue(k, death[k])}</dd></>
          ))}
        </dl>
        <p class="small">{t('deaths.review_status')}: <ReviewBadge status={review?.status ?? 'none'} /></p>
      </section>

      <form class="card form" noValidate onSubmit={(e) => { e.preventDefault(); save('draft'); }} data-testid="review-form">
        <h2>{t('deaths.review')}</h2>
        <div class={errors.date ? 'field invalid' : 'field'}>
          <label for="r-date">{t('deaths.review_date')}<span class="req" aria-hidden="true"> *</span></label>
          <DateInput id="r-date" name="date" value={(values.date as string) ?? ''} onChange={(v) => set('date', v)} required invalid={!!errors.date} describedBy={errors.date ? 'r-date-err' : undefined} />
          {err('date')}
        </div>
        {select('review_type', true)}
        <fieldset class="field">
          <legend>{t('deaths.board')}</legend>
          {BOARD.map((k) => text(k))}
          {text('board_other', true)}
        </fieldset>
        <fieldset class="field">
          <legend>{t('deaths.causes')}</legend>
          {icd('underlying_icd10')}
          {icd('contributing_icd10', true)}
          {isMaternal(death) && select('icd_mm_group')}
          {isPerinatal(death) && select('icd_pm_timing')}
          {isPerinatal(death) && select('icd_pm_maternal')}
        </fieldset>
        <fieldset class="field">
          <legend>{t('deaths.delays')}</legend>
          {DELAYS.map(([d, n]) => (
            <div class="delay" key={d}>
              <div class={errors[d] ? 'field invalid' : 'field'}>
                <label for={'r-' + d}>{t('field.' + d)}</label>
                <select id={'r-' + d} name={d} value={(values[d] as string) ?? ''} onChange={(e) => set(d, e.currentTarget.value)} {...aria(d)}>
                  <option value="">{t('form.unknown')}</option>
                  <option value="yes">{t('common.yes')}</option>
                  <option value="no">{t('common.no')}</option>
                </select>
                {err(d)}
              </div>
              {text(n, true)}
            </div>
          ))}
        </fieldset>
        {FACTORS.map((k) => {
          const sel = Array.isArray(values[k]) ? (values[k] as string[]) : [];
          return (
            <fieldset class={errors[k] ? 'field invalid' : 'field'} key={k}>
              <legend>{t('field.' + k)}</legend>
              <div class="checks">
                {(sf(k)?.values ?? []).map((v) => (
                  <label key={v} class="check">
                    <input type="checkbox" name={k} value={v} checked={sel.includes(v)}
                      onChange={(e) => set(k, e.currentTarget.checked ? [...sel, v] : sel.filter((x) => x !== v))} />
                    {optLabel(k, v)}
                  </label>
                ))}
              </div>
              {err(k)}
            </fieldset>
          );
        })}
        {select('avoidability')}
        {text('findings', true)}
        <div aria-live="polite">{message && <p class={`alert ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="review-message">{message.text}</p>}</div>
        <div class="actions">
          <button class="btn" type="submit" disabled={busy} data-testid="save-draft">{t('deaths.save_draft')}</button>
          <button class="btn primary" type="button" disabled={busy} onClick={() => save('complete')} data-testid="save-complete">
            {complete ? t('deaths.save_changes') : t('deaths.complete')}
          </button>
        </div>
      </form>

      {review ? <Actions review={review} death={death} actions={actions} reload={() => loadActions(death, review.id)} /> : (
        <section class="card"><h2>{t('deaths.actions')}</h2><NoData text={t('deaths.actions_after_save')} /></section>
      )}
    </section>
  );
}

export function ReviewBadge({ status }: { status: string }) {
  const kind: Record<string, string> = { complete: 'ok', draft: 'info', none: 'muted', overdue: 'bad' };
  return <span data-testid="review-status" data-status={status}><Badge kind={kind[status] ?? 'muted'} label={t('deaths.status.' + status)} /></span>;
}

function Actions({ review, death, actions, reload }: { review: Rec; death: Rec; actions: Rec[]; reload: () => Promise<void> }) {
  const empty = { what: '', owner_orgunit: '', due_date: '' };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (e: unknown) => {
    const ae = e as ApiError;
    const listed: FieldError[] = ae.errors.length ? ae.errors : ae.field ? [{ field: ae.field, reason: ae.message }] : [];
    const errs: Record<string, string> = {};
    for (const x of listed) errs[x.field] ??= fieldErrorText(x.reason);
    setErrors(errs);
    setMessage(ae.status === 409 ? t('deaths.conflict') : ae.status === 422 ? t('deaths.fix_fields') : ae.status === 403 ? t('error.forbidden') : t('error.server'));
  };

  const add = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    for (const k of ['what', 'owner_orgunit', 'due_date'] as const) if (!draft[k]) local[k] = t('validation.required');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setMessage(null);
    try {
      const key = `u5.create.review_action.${review.id}`;
      await api.post('/review-actions', { ...draft, id: createId(key), review_id: review.id, status: 'open', person_id: death.person_id, orgunit: death.orgunit, date: todayIso() });
      createdAll(key);
      setDraft(empty);
      await reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldErr = (k: string) => errors[k] ? <p class="field-error" id={`a-${k}-err`} role="alert" data-testid={`action-error-${k}`}>{errors[k]}</p> : null;
  return (
    <section class="card" aria-labelledby="h-actions">
      <h2 id="h-actions">{t('deaths.actions')}</h2>
      {actions.length === 0 ? <NoData text={t('deaths.no_actions')} /> : (
        <ul class="plain action-list" data-testid="actions">
          {actions.map((a) => <ActionItem key={a.id} action={a} onChange={reload} />)}
        </ul>
      )}
      <form class="form" noValidate onSubmit={add} data-testid="action-form">
        <h3>{t('deaths.add_action')}</h3>
        <div class={errors.what ? 'field invalid' : 'field'}>
          <label for="a-what">{t('field.what')}<span class="req" aria-hidden="true"> *</span></label>
          <textarea id="a-what" rows={2} value={draft.what} onInput={(e) => setDraft({ ...draft, what: e.currentTarget.value })} required
            aria-invalid={errors.what ? 'true' : undefined} aria-describedby={errors.what ? 'a-what-err' : undefined} />
          {fieldErr('what')}
        </div>
        <div class={errors.owner_orgunit ? 'field invalid' : 'field'}>
          <label for="a-owner_orgunit">{t('field.owner_orgunit')}<span class="req" aria-hidden="true"> *</span></label>
          <OrgUnitSelect id="a-owner_orgunit" name="owner_orgunit" value={draft.owner_orgunit} onChange={(v) => setDraft({ ...draft, owner_orgunit: v })} required
            invalid={!!errors.owner_orgunit} describedBy={errors.owner_orgunit ? 'a-owner_orgunit-err' : undefined} />
          {fieldErr('owner_orgunit')}
        </div>
        <div class={errors.due_date ? 'field invalid' : 'field'}>
          <label for="a-due_date">{t('field.due_date')}<span class="req" aria-hidden="true"> *</span></label>
          <DateInput id="a-due_date" name="due_date" value={draft.due_date} onChange={(v) => setDraft({ ...draft, due_date: v })} required
            invalid={!!errors.due_date} describedBy={errors.due_date ? 'a-due_date-err' : undefined} />
          {fieldErr('due_date')}
        </div>
        {message && <p class="alert error" role="alert" data-testid="action-message">{message}</p>}
        <button class="btn" type="submit" disabled={busy} data-testid="add-action">{t('deaths.add_action')}</button>
      </form>
    </section>
  );
}

/**
 * One action with its status (open, done, or overdue in red) and "mark as done" with a follow-up
 * note: for the board on the review page, and for the users of the owner org unit on /review-actions/<id>
 * (the server lets them change only the status, done date and follow-up).
 */
export function ActionItem({ action: a, onChange }: { action: Rec; onChange: () => Promise<void> }) {
  const [closing, setClosing] = useState(false);
  const [followUp, setFollowUp] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const status = a.status === 'done' ? 'done' : actionOverdue(a) ? 'overdue' : 'open';

  const markDone = async () => {
    setBusy(true);
    setMessage(null);
    const { id: _id, type: _type, version: _version, created_at: _c, updated_at: _u, overdue: _o, ...fields } = a;
    try {
      await api.put(`/review-actions/${a.id}`, { ...fields, status: 'done', done_date: todayIso(), ...(followUp ? { follow_up: followUp } : {}) }, a.version);
      setClosing(false);
      await onChange();
    } catch (err) {
      const ae = err as ApiError;
      setMessage(ae.status === 409 ? t('deaths.conflict') : ae.status === 403 ? t('error.forbidden') : ae.status === 422 ? fieldErrorText(ae.message) : t('error.server'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li data-status={status} class="action-row">
      <p><strong>{a.what}</strong></p>
      <p class="small">
        <Badge kind={status === 'done' ? 'ok' : status === 'overdue' ? 'bad' : 'info'} label={t('deaths.action_status.' + status)} />
        {' '}<OrgUnitName id={a.owner_orgunit} /> · {t('deaths.due', { date: fmtDate(a.due_date) })}
        {a.done_date ? ' · ' + t('deaths.done_on', { date: fmtDate(a.done_date) }) : ''}
      </p>
      {a.follow_up && <p class="small muted">{a.follow_up}</p>}
      {message && <p class="alert error" role="alert" data-testid="action-message">{message}</p>}
      {a.status === 'open' && (closing ? (
        <div class="field">
          <label for={`fu-${a.id}`}>{t('field.follow_up')}</label>
          <textarea id={`fu-${a.id}`} rows={2} value={followUp} onInput={(e) => setFollowUp(e.currentTarget.value)} />
          <div class="actions">
            <button type="button" class="btn primary small" disabled={busy} onClick={markDone} data-testid="confirm-done">{t('deaths.mark_done')}</button>
            <button type="button" class="btn small" onClick={() => setClosing(false)}>{t('form.cancel')}</button>
          </div>
        </div>
      ) : (
        <button type="button" class="btn small" onClick={() => { setClosing(true); setFollowUp(''); }} data-testid="mark-done">{t('deaths.mark_done')}</button>
      ))}
    </li>
  );
}

/** An action as its owner org unit's users reach it from their worklist: the action alone, no review content. */
export function ReviewActionPage({ id }: { id: string }) {
  const [action, setAction] = useState<Rec | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => api.get<Rec>(`/review-actions/${id}`).then(setAction).catch(setError);
  useEffect(() => {
    load();
  }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (!action) return <Loading />;
  return (
    <section class="page narrow">
      <h1>{t('deaths.action_title')}</h1>
      <section class="card">
        <ul class="plain action-list" data-testid="actions"><ActionItem action={action} onChange={load} /></ul>
      </section>
    </section>
  );
}
