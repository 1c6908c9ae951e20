// The periodic health check (TT 23/2017, QĐ 2246/2024): the child's age band and its milestones,
// weight and length, the child's vaccines due or overdue (from the care engine), conclusion,
// counselling and referral. Saving also records the weight and length as a growth measurement,
// so the growth chart, faltering and the growth indicators see them (docs/care.md).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { currentLang, fmtDate, fmtNumber, has, pick, t, tOr } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { Person, Rec, todayIso } from '../lib/person';
import { SchemaType, schemaType } from '../lib/schema';
import { fieldErrorText } from '../forms/errors';
import { createdAll, createId } from '../forms/records';
import { bandOn, BANDS } from '../forms/milestones';
import { ErrorBox, Loading } from '../components/Status';
import { DateInput, dateProblem } from '../components/DateInput';
import { DueItem, ItemStatus, itemLabel } from '../components/DueList';

type Errors = Record<string, string>;

const num = (s: string) => {
  const x = s.replace(',', '.').trim();
  return x !== '' && !Number.isNaN(Number(x)) ? Number(x) : s;
};

export function HealthCheckForm({ query }: { query: URLSearchParams }) {
  const personId = query.get('person') ?? '';
  const [schema, setSchema] = useState<SchemaType | null>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [due, setDue] = useState<DueItem[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [date, setDate] = useState(todayIso());
  const [achieved, setAchieved] = useState<Set<string>>(new Set());
  const [v, setV] = useState<Record<string, string>>({ measure: '', development: '', conclusion: '', referral: '' });
  const [counselling, setCounselling] = useState<string[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Rec | null>(null);
  const top = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!personId) return;
    schemaType('health_check').then((s) => (s ? setSchema(s) : setLoadError(new Error('/schema has no record type health_check')))).catch(setLoadError);
    api.get<{ person: Person }>(`/persons/${personId}/handbook`).then((h) => setPerson(h.person)).catch(setLoadError);
    api.get<{ items: DueItem[] }>(`/persons/${personId}/due`).then((d) => setDue(d.items)).catch(setLoadError);
  }, []);

  if (!personId) return <section class="page"><p class="alert error">{t('form.needs_person')}</p></section>;
  if (loadError) return <ErrorBox error={loadError} />;
  if (!schema || !person || !due) return <Loading />;

  const values = (f: string) => schema.fields.find((x) => x.name === f)?.values ?? [];
  const enumLabel = (f: string, x: string) => tOr(`enum.${f}.${x}`, x);
  const band = bandOn(person.birth_date, date);
  const vaccines = due.filter((i) => i.group === 'epi' && (i.status === 'due' || i.status === 'overdue'));
  const set = (k: string, x: string) => {
    setV((o) => ({ ...o, [k]: x }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    const local: Errors = {};
    const dp = dateProblem(date, t('field.date'));
    if (dp) local.date = dp;
    else if (!band) local.date = t('hc.no_band');
    if (!v.conclusion) local.conclusion = t('validation.required');
    setErrors(local);
    if (Object.keys(local).length) {
      setTimeout(() => document.getElementById('hc-' + Object.keys(local)[0])?.focus(), 0);
      return;
    }
    const body: Record<string, unknown> = { person_id: person.id, orgunit: person.orgunit, date, conclusion: v.conclusion };
    const ms = band!.milestones.map((m) => m.id);
    body.milestones_achieved = ms.filter((m) => achieved.has(m));
    body.milestones_not_achieved = ms.filter((m) => !achieved.has(m));
    for (const k of ['milestones_achieved', 'milestones_not_achieved']) if ((body[k] as string[]).length === 0) delete body[k];
    for (const k of ['weight_kg', 'length_cm']) if (v[k]?.trim()) body[k] = num(v[k]);
    for (const k of ['measure', 'development', 'referral_to', 'note']) if (v[k]?.trim()) body[k] = v[k].trim();
    if (v.referral) body.referral = v.referral === 'yes';
    if (counselling.length) body.counselling = counselling;
    setBusy(true);
    try {
      const draft = `u5.create.health_check.${person.id}`;
      const rec = await api.post<Rec>(`/${schema.collection}`, { ...body, id: createId(draft, 'check') });
      // The same measurement as a growth record: it validated with the same bounds just now.
      if (body.weight_kg !== undefined || body.length_cm !== undefined) {
        const g: Record<string, unknown> = { person_id: person.id, orgunit: person.orgunit, date };
        for (const k of ['weight_kg', 'length_cm', 'measure']) if (body[k] !== undefined) g[k] = body[k];
        await api.post('/growth-measurements', { ...g, id: createId(draft, 'growth') });
      }
      createdAll(draft, ['check', 'growth']);
      setSaved(rec);
      setBusy(false);
      setTimeout(() => top.current?.focus(), 0);
    } catch (err) {
      const ae = err as ApiError;
      setBusy(false);
      const listed = ae.errors.length ? ae.errors : ae.field ? [{ field: ae.field, reason: ae.message }] : [];
      if (ae.status === 422 && listed.length) {
        const errs: Errors = {};
        for (const x of listed) errs[x.field] ??= x.field === 'date' && /age bands/.test(x.reason) ? t('hc.no_band') : fieldErrorText(x.reason);
        setErrors(errs);
        setFormError(listed.map((x) => (has('field.' + x.field) ? `${t('field.' + x.field)}: ` : '') + errs[x.field]).join(' '));
      } else {
        setFormError(ae.status === 403 ? t('error.forbidden') : ae.status === 0 ? t('error.network') : t('error.server'));
      }
      top.current?.focus();
    }
  };

  const err = (k: string) => errors[k] ? <p class="field-error" id={`hc-${k}-err`} role="alert" data-testid={`error-${k}`}>{errors[k]}</p> : null;
  const described = (k: string) => (errors[k] ? `hc-${k}-err` : undefined);

  if (saved) {
    const zs = ['z_wfa', 'z_lhfa', 'z_wflh'].filter((k) => typeof saved[k] === 'number');
    const savedBand = BANDS.find((b) => b.id === saved.age_band);
    return (
      <section class="page narrow">
        <div ref={top} tabIndex={-1}>
          <h1>{t('record.health_check')}</h1>
          <p class="alert ok" role="status" data-testid="hc-saved">{t('hc.saved', { name: person.full_name, band: savedBand ? pick(savedBand, 'label') : '' })}</p>
        </div>
        <div class="card">
          <dl class="kv" data-testid="hc-result">
            {saved.weight_kg !== undefined && <><dt>{t('field.weight_kg')}</dt><dd>{fmtNumber(saved.weight_kg, 2)}</dd></>}
            {saved.length_cm !== undefined && <><dt>{t('field.length_cm')}</dt><dd>{fmtNumber(saved.length_cm, 1)}</dd></>}
            {zs.map((k) => <><dt>{t('hc.' + k)}</dt><dd data-testid={k}>{fmtNumber(saved[k], 2)}</dd></>)}
            {['underweight', 'stunting', 'wasting'].filter((k) => saved[k]).map((k) => (
              <><dt>{t('field.' + k)}</dt><dd>{enumLabel(k, saved[k])}</dd></>
            ))}
            <dt>{t('field.conclusion')}</dt><dd>{enumLabel('conclusion', saved.conclusion)}</dd>
          </dl>
          {zs.length === 0 && <p class="muted">{t('hc.no_measurement')}</p>}
          <div class="actions">
            <a class="btn primary" href={`/persons/${person.id}`} onClick={linkClick} data-testid="hc-back">{t('hc.back', { name: person.full_name })}</a>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section class="page narrow">
      <p class="crumbs"><a href={`/persons/${person.id}`} onClick={linkClick}>← {person.full_name}</a></p>
      <h1>{t('record.health_check')}</h1>
      <div ref={top} tabIndex={-1}>{formError && <p class="alert error" role="alert" data-testid="form-error">{formError}</p>}</div>
      <form class="card form" onSubmit={submit} noValidate data-testid="form-health_check">
        <div class={errors.date ? 'field invalid' : 'field'}>
          <label for="hc-date">{t('field.date')}<span class="req" aria-hidden="true"> *</span></label>
          <DateInput id="hc-date" name="date" value={date} onChange={(x) => { setDate(x); setAchieved(new Set()); setErrors((e) => ({ ...e, date: '' })); }}
            required invalid={!!errors.date} describedBy={described('date')} />
          {err('date')}
        </div>
        <p class="muted" data-testid="hc-band" data-band={band?.id ?? ''}>
          {band ? t('hc.band', { band: pick(band, 'label'), birth: fmtDate(person.birth_date) }) : t('hc.no_band')}
        </p>

        {band && (
          <fieldset class={errors.milestones_achieved || errors.milestones_not_achieved ? 'field invalid' : 'field'} data-testid="hc-milestones">
            <legend>{t('hc.milestones', { band: pick(band, 'label') })}</legend>
            <p class="hint">{t('hc.milestones_hint')}</p>
            <div class="checks">
              {band.milestones.map((m) => (
                <label key={m.id} class="check">
                  <input type="checkbox" name="milestone" value={m.id} checked={achieved.has(m.id)}
                    onChange={(e) => {
                      const next = new Set(achieved);
                      if (e.currentTarget.checked) next.add(m.id);
                      else next.delete(m.id);
                      setAchieved(next);
                    }} />
                  {currentLang() === 'en' ? m.label_en : m.label_vi}
                </label>
              ))}
            </div>
            {err('milestones_achieved')}{err('milestones_not_achieved')}
          </fieldset>
        )}
        <div class={errors.development ? 'field invalid' : 'field'}>
          <label for="hc-development">{t('field.development')}</label>
          <select id="hc-development" value={v.development} onChange={(e) => set('development', e.currentTarget.value)} aria-describedby={described('development')}>
            <option value="">{t('form.choose')}</option>
            {values('development').map((x) => <option key={x} value={x}>{enumLabel('development', x)}</option>)}
          </select>
          {err('development')}
        </div>

        {(['weight_kg', 'length_cm'] as const).map((k) => (
          <div key={k} class={errors[k] ? 'field invalid' : 'field'}>
            <label for={`hc-${k}`}>{t('field.' + k)}</label>
            <input id={`hc-${k}`} type="text" inputMode="decimal" autocomplete="off" value={v[k] ?? ''} aria-invalid={errors[k] ? 'true' : undefined}
              aria-describedby={described(k)} onInput={(e) => set(k, e.currentTarget.value)} />
            {err(k)}
          </div>
        ))}
        <div class={errors.measure ? 'field invalid' : 'field'}>
          <label for="hc-measure">{t('field.measure')}</label>
          <select id="hc-measure" value={v.measure} onChange={(e) => set('measure', e.currentTarget.value)} aria-describedby={described('measure')}>
            <option value="">{t('form.choose')}</option>
            {values('measure').map((x) => <option key={x} value={x}>{enumLabel('measure', x)}</option>)}
          </select>
          {err('measure')}
        </div>
        <p class="hint">{t('hc.z_after_save')}</p>

        <section class="hc-vaccines" aria-labelledby="hc-vacc-h" data-testid="hc-vaccines">
          <h2 id="hc-vacc-h">{t('hc.vaccines')}</h2>
          {vaccines.length === 0
            ? <p data-testid="hc-vaccines-ok">{t('hc.vaccines_ok')}</p>
            : <ul class="due-list">{vaccines.map((i) => (
                <li key={i.id} class={`due-row st-${i.status}`} data-item={i.id} data-status={i.status}>
                  <span class="grow"><strong>{itemLabel(i)}</strong>
                    <span class="meta">{i.status === 'overdue' ? t('care.overdue_since', { date: fmtDate(i.late), n: i.days_overdue ?? 0 }) : t('care.due_on', { date: fmtDate(i.due) })}</span>
                  </span>
                  <ItemStatus item={i} />
                </li>))}
              </ul>}
        </section>

        <div class={errors.conclusion ? 'field invalid' : 'field'}>
          <label for="hc-conclusion">{t('field.conclusion')}<span class="req" aria-hidden="true"> *</span></label>
          <select id="hc-conclusion" value={v.conclusion} required aria-invalid={errors.conclusion ? 'true' : undefined}
            aria-describedby={described('conclusion')} onChange={(e) => set('conclusion', e.currentTarget.value)}>
            <option value="">{t('form.choose')}</option>
            {values('conclusion').map((x) => <option key={x} value={x}>{enumLabel('conclusion', x)}</option>)}
          </select>
          {err('conclusion')}
        </div>
        <fieldset class="field">
          <legend>{t('field.counselling')}</legend>
          <div class="checks">
            {values('counselling').map((x) => (
              <label key={x} class="check">
                <input type="checkbox" name="counselling" value={x} checked={counselling.includes(x)}
                  onChange={(e) => setCounselling(e.currentTarget.checked ? [...counselling, x] : counselling.filter((c) => c !== x))} />
                {enumLabel('counselling', x)}
              </label>
            ))}
          </div>
        </fieldset>
        <div class={errors.referral ? 'field invalid' : 'field'}>
          <label for="hc-referral">{t('field.referral')}</label>
          <select id="hc-referral" value={v.referral} aria-invalid={errors.referral ? 'true' : undefined} aria-describedby={described('referral')}
            onChange={(e) => set('referral', e.currentTarget.value)}>
            <option value="">{t('form.unknown')}</option>
            <option value="yes">{t('common.yes')}</option>
            <option value="no">{t('common.no')}</option>
          </select>
          {err('referral')}
        </div>
        {v.referral === 'yes' && (
          <div class={errors.referral_to ? 'field invalid' : 'field'}>
            <label for="hc-referral_to">{t('field.referral_to')}</label>
            <input id="hc-referral_to" type="text" autocomplete="off" value={v.referral_to ?? ''} aria-describedby={described('referral_to')}
              onInput={(e) => set('referral_to', e.currentTarget.value)} />
            {err('referral_to')}
          </div>
        )}
        <div class="field">
          <label for="hc-note">{t('field.note')}</label>
          <textarea id="hc-note" rows={2} value={v.note ?? ''} onInput={(e) => set('note', e.currentTarget.value)} />
        </div>
        <p class="muted small">{t('form.required_note')}</p>
        <div class="actions">
          <button class="btn primary" type="submit" disabled={busy}>{busy ? t('form.saving') : t('form.save')}</button>
          <button class="btn" type="button" onClick={() => navigate(`/persons/${person.id}`)}>{t('form.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
