// Raising a red alert (POST /emergencies): built for a phone held in one hand in a hurry, so the
// choices are large buttons, the reasons are only those of the patient's kind, and the sending
// facility is the user's own, chosen for them.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { pick, t } from '../lib/i18n';
import { navigate } from '../lib/router';
import { currentUser } from '../lib/session';
import { fieldErrorText } from '../forms/errors';
import { Person } from '../lib/person';
import { communesOf, enclosing, facilitiesIn, OrgUnit, orgUnitOf, useOrgUnitNames } from '../lib/orgunits';
import { Emergency, kindLabel, PATIENT_KINDS, Place, useConfig } from '../lib/emergency';
import { ErrorBox, Loading } from '../components/Status';

type Errors = Record<string, string>;
const FIELDS = ['patient_kind', 'person_id', 'patient_label', 'level', 'reason', 'from_orgunit', 'to_orgunit', 'note'];

/** The server's 422 names each field it refused; other failures are said above the form. */
function errorsOf(err: unknown): Errors {
  const e = err as ApiError;
  const out: Errors = {};
  const list = e.errors?.length ? e.errors : e.field ? [{ field: e.field, reason: e.message }] : [];
  for (const { field, reason } of list) if (FIELDS.includes(field) && !out[field]) out[field] = fieldErrorText(reason);
  if (!Object.keys(out).length) out.form = t(e.status === 403 ? 'error.forbidden' : e.status === 0 ? 'error.network' : 'error.server');
  return out;
}

function FieldError({ k, errors }: { k: string; errors: Errors }) {
  return errors[k] ? <p class="field-error" id={`em-${k}-err`} data-testid={`error-${k}`}>{errors[k]}</p> : null;
}
const invalid = (k: string, errors: Errors) => (errors[k] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `em-${k}-err` } : {});

// The receiving facilities this browser sent to last, offered first: a commune refers to the same few hospitals.
const RECENT = 'u5.redalert.recent_to';
const recentTo = (): Place[] => {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT) ?? '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.id === 'string' && typeof x.name === 'string') : [];
  } catch {
    return [];
  }
};
const rememberTo = (p: Place) => localStorage.setItem(RECENT, JSON.stringify([p, ...recentTo().filter((x) => x.id !== p.id)].slice(0, 5)));

export function EmergencyNew({ query }: { query: URLSearchParams }) {
  const { cfg, error } = useConfig();
  const user = currentUser()!;
  const nameOf = useOrgUnitNames(user.orgunits);
  const personId = query.get('person') ?? '';
  const [person, setPerson] = useState<Person | null>(null);
  // Sending: the user's units and the facilities in them. Receiving: the facilities of a commune of the
  // province chosen in `area` (hospitals are filed under the commune where they stand), recent ones first.
  const [ownFacilities, setOwnFacilities] = useState<OrgUnit[]>([]);
  const [areas, setAreas] = useState<OrgUnit[]>([]);
  const [area, setArea] = useState('');
  const [areaFacilities, setAreaFacilities] = useState<OrgUnit[]>([]);
  const recent = recentTo();
  const [form, setForm] = useState({
    patient_kind: PATIENT_KINDS.includes(query.get('kind') ?? '') ? query.get('kind')! : '',
    patient_label: '', level: 'red', reason: '', from_orgunit: user.orgunits[0] ?? '', to_orgunit: '', note: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (personId) api.get<Person>('/persons/' + encodeURIComponent(personId)).then(setPerson, () => setPerson(null));
  }, [personId]);
  useEffect(() => {
    Promise.all(user.orgunits.map(facilitiesIn)).then((lists) => {
      const list = lists.flat();
      setOwnFacilities(list);
      // A commune's own health station sends, when it exists.
      if (list.length) setForm((f) => ({ ...f, from_orgunit: f.from_orgunit === user.orgunits[0] ? list[0].id : f.from_orgunit }));
    });
  }, [user.orgunits.join(',')]);
  useEffect(() => {
    if (!cfg) return;
    // The area shown first: where the province's coordinating hospital stands (the usual destination), else the user's commune.
    const home = user.orgunits[0] ?? '';
    Promise.all([enclosing(home, 'province'), enclosing(home, 'commune')]).then(async ([province, commune]) => {
      const coordinator = cfg.escalation?.coordinators?.find((c) => c.province === province)?.orgunit;
      const coordinatorArea = coordinator ? (await orgUnitOf(coordinator))?.parent : '';
      setAreas(province ? await communesOf(province) : []);
      setArea((a) => a || coordinatorArea || commune);
    });
  }, [cfg, user.orgunits.join(',')]);
  useEffect(() => {
    let live = true;
    if (area) facilitiesIn(area).then((list) => live && setAreaFacilities(list));
    return () => { live = false; };
  }, [area]);

  if (error) return <ErrorBox error={error} />;
  if (!cfg) return <Loading />;
  const set = (k: keyof typeof form, v: string) => {
    setForm((f) => ({ ...f, [k]: v, ...(k === 'patient_kind' ? { reason: '' } : {}) }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };
  const reasons = cfg.reasons.filter((r) => !form.patient_kind || r.patient.includes(form.patient_kind));
  const fromChoices = [...ownFacilities.map((f) => ({ id: f.id, name: pick(f, 'name') })), ...user.orgunits.map((id) => ({ id, name: nameOf(id) }))];
  const toChoices = areaFacilities.filter((f) => f.id !== form.from_orgunit).map((f) => ({ id: f.id, name: pick(f, 'name') }));
  const recentChoices = recent.filter((r) => r.id !== form.from_orgunit && !toChoices.some((c) => c.id === r.id));

  const submit = async (e: Event) => {
    e.preventDefault();
    // Everything the server would refuse as missing, said at once before sending.
    const missing: Errors = {};
    for (const k of ['patient_kind', 'level', 'reason', 'from_orgunit', 'to_orgunit'] as const) if (!form[k]) missing[k] = t('validation.required');
    if (!personId && !form.patient_label.trim()) missing.patient_label = t('validation.required');
    if (Object.keys(missing).length) {
      setErrors(missing);
      document.getElementById('em-' + Object.keys(missing)[0])?.focus();
      return;
    }
    setBusy(true);
    try {
      const body: Record<string, string> = { patient_kind: form.patient_kind, level: form.level, reason: form.reason, from_orgunit: form.from_orgunit, to_orgunit: form.to_orgunit };
      if (personId) body.person_id = personId;
      if (form.patient_label.trim()) body.patient_label = form.patient_label.trim();
      if (form.note.trim()) body.note = form.note.trim();
      const created = await api.post<Emergency>('/emergencies', body);
      rememberTo(created.to_orgunit);
      sessionStorage.setItem('u5.flash', 'redalert.raised');
      navigate('/emergencies?highlight=' + encodeURIComponent(created.id));
    } catch (err) {
      const errs = errorsOf(err);
      setErrors(errs);
      setBusy(false);
      const first = Object.keys(errs).find((k) => k !== 'form');
      if (first) document.getElementById('em-' + first)?.focus();
    }
  };

  return (
    <section class="page narrow">
      <h1>{t('redalert.new_title')}</h1>
      <p class="muted">{t('redalert.new_hint')}</p>
      <form class="card em-form" onSubmit={submit} noValidate data-testid="emergency-form">
        {errors.form && <p class="alert error" role="alert">{errors.form}</p>}
        <fieldset class={errors.patient_kind ? 'field invalid' : 'field'}>
          <legend id="em-patient_kind-legend">{t('redalert.field.patient_kind')} <span class="req" aria-hidden="true">*</span></legend>
          <div class="choice-row" role="radiogroup" aria-labelledby="em-patient_kind-legend" {...invalid('patient_kind', errors)}>
            {PATIENT_KINDS.map((k, i) => (
              <label key={k} class={form.patient_kind === k ? 'choice selected' : 'choice'}>
                <input type="radio" name="patient_kind" value={k} id={i === 0 ? 'em-patient_kind' : undefined}
                  checked={form.patient_kind === k} onChange={() => set('patient_kind', k)} />
                {kindLabel(cfg, k)}
              </label>
            ))}
          </div>
          <FieldError k="patient_kind" errors={errors} />
        </fieldset>

        {personId && (
          <div class={errors.person_id ? 'field invalid' : 'field'}>
            <span class="field-label">{t('redalert.field.person')}</span>
            <strong data-testid="em-person">{person?.full_name ?? personId}</strong>
            <FieldError k="person_id" errors={errors} />
          </div>
        )}
        <div class={errors.patient_label ? 'field invalid' : 'field'}>
          <label for="em-patient_label">{t(personId ? 'redalert.field.patient_label_extra' : 'redalert.field.patient_label')}
            {!personId && <span class="req" aria-hidden="true"> *</span>}</label>
          <input id="em-patient_label" value={form.patient_label} autocomplete="off" maxLength={200}
            onInput={(e) => set('patient_label', e.currentTarget.value)} {...invalid('patient_label', errors)} />
          <p class="hint">{t(personId ? 'redalert.hint.patient_label_person' : 'redalert.hint.patient_label')}</p>
          <FieldError k="patient_label" errors={errors} />
        </div>

        <fieldset class={errors.level ? 'field invalid' : 'field'}>
          <legend id="em-level-legend">{t('redalert.field.level')}</legend>
          <div class="choice-row" role="radiogroup" aria-labelledby="em-level-legend" {...invalid('level', errors)}>
            {cfg.levels.map((l, i) => (
              <label key={l.id} class={`choice level-${l.id}` + (form.level === l.id ? ' selected' : '')}>
                <input type="radio" name="level" value={l.id} id={i === 0 ? 'em-level' : undefined}
                  checked={form.level === l.id} onChange={() => set('level', l.id)} />
                {pick(l, 'label')}
              </label>
            ))}
          </div>
          <FieldError k="level" errors={errors} />
        </fieldset>

        <div class={errors.reason ? 'field invalid' : 'field'}>
          <label for="em-reason">{t('redalert.field.reason')} <span class="req" aria-hidden="true">*</span></label>
          <select id="em-reason" value={form.reason} onChange={(e) => set('reason', e.currentTarget.value)} {...invalid('reason', errors)}>
            <option value="">{form.patient_kind ? t('redalert.choose') : t('redalert.choose_kind_first')}</option>
            {reasons.map((r) => <option key={r.id} value={r.id}>{pick(r, 'label')}</option>)}
          </select>
          <FieldError k="reason" errors={errors} />
        </div>

        <div class={errors.from_orgunit ? 'field invalid' : 'field'}>
          <label for="em-from_orgunit">{t('redalert.field.from')}</label>
          <select id="em-from_orgunit" value={form.from_orgunit} onChange={(e) => set('from_orgunit', e.currentTarget.value)} {...invalid('from_orgunit', errors)}>
            {fromChoices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
          </select>
          <FieldError k="from_orgunit" errors={errors} />
        </div>

        <div class="field">
          <label for="em-to_area">{t('redalert.field.to_area')}</label>
          <select id="em-to_area" value={area} onChange={(e) => setArea(e.currentTarget.value)}>
            {areas.map((o) => <option key={o.id} value={o.id}>{pick(o, 'name')}</option>)}
          </select>
        </div>
        <div class={errors.to_orgunit ? 'field invalid' : 'field'}>
          <label for="em-to_orgunit">{t('redalert.field.to')} <span class="req" aria-hidden="true">*</span></label>
          <select id="em-to_orgunit" value={form.to_orgunit} onChange={(e) => set('to_orgunit', e.currentTarget.value)} {...invalid('to_orgunit', errors)}>
            <option value="">{t('redalert.choose')}</option>
            {recentChoices.length > 0 && (
              <optgroup label={t('redalert.recent')}>
                {recentChoices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </optgroup>
            )}
            {toChoices.length > 0 && (
              <optgroup label={areas.find((a) => a.id === area) ? pick(areas.find((a) => a.id === area)!, 'name') : t('redalert.field.to')}>
                {toChoices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </optgroup>
            )}
          </select>
          <p class="hint">{t('redalert.hint.to')}</p>
          <FieldError k="to_orgunit" errors={errors} />
        </div>

        <div class={errors.note ? 'field invalid' : 'field'}>
          <label for="em-note">{t('redalert.field.note')}</label>
          <textarea id="em-note" rows={3} value={form.note} onInput={(e) => set('note', e.currentTarget.value)} {...invalid('note', errors)} />
          <FieldError k="note" errors={errors} />
        </div>

        <button class="btn primary block big em-raise" type="submit" disabled={busy} data-testid="em-submit">{t('redalert.raise')}</button>
      </form>
    </section>
  );
}
