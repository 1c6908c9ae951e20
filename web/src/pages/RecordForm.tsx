import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { fmtDate, has, t, tOr } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { Person, Rec, todayIso } from '../lib/person';
import { SchemaField, SchemaType, schemaType } from '../lib/schema';
import { currentUser } from '../lib/session';
import { FieldDef, FORMS, FormDef } from '../forms/specs';
import { fieldErrorText } from '../forms/errors';
import { ErrorBox, Loading } from '../components/Status';
import { DateInput, DateTimeInput, dateProblem, dateTimeProblem } from '../components/DateInput';
import { DueItem, itemLabel, tooEarly } from '../components/DueList';
import { itemForDose } from '../forms/care-links';
import { Icd10Input } from '../components/CodePicker';
import { OrgUnitSelect } from '../components/OrgUnitSelect';
import { createdAll, createId, Values, valuesOf } from '../forms/records';
import { ENVELOPE } from '../lib/offline/local';
import { outboxEntry, OutboxEntry } from '../lib/offline/store';
import { resolve } from '../lib/offline/sync';

function draftKey(form: string, person: string) {
  return `u5.draft.${form}.${person}`;
}

function toBody(def: FormDef, values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = { ...def.fixed };
  for (const fd of def.fields) {
    const v = values[fd.name];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (fd.widget === 'int' || fd.widget === 'options') out[fd.name] = /^-?\d+$/.test(v as string) ? Number(v) : v;
    else if (fd.widget === 'number') {
      const s = (v as string).replace(',', '.');
      out[fd.name] = s !== '' && !Number.isNaN(Number(s)) ? Number(s) : v;
    } else if (fd.widget === 'yesno') out[fd.name] = v === 'yes';
    else if (fd.widget === 'datetime') out[fd.name] = (v as string).length === 16 ? `${v}:00+07:00` : v;
    else out[fd.name] = v;
  }
  return out;
}

// A pregnancy is required where the form names one, unless the record only may name it.
const isRequired = (fd: FieldDef, sf?: SchemaField) => !!sf?.required || (fd.name === 'pregnancy_id' && !fd.optional);

function Field({ fd, sf, value, error, onChange, pregnancies }: {
  fd: FieldDef; sf?: SchemaField; value: string | string[] | undefined; error?: string; onChange: (v: string | string[]) => void; pregnancies: Rec[];
}) {
  const id = 'f-' + fd.name;
  const errId = id + '-err';
  const required = isRequired(fd, sf);
  const common = {
    id, name: fd.name, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': error ? errId : undefined, required,
  };
  const str = (value as string) ?? '';
  const optLabel = (v: string) => tOr(`enum.${fd.name}.${v}`, tOr(`enum.any.${v}`, v));
  let input;
  switch (fd.widget) {
    case 'select':
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          {(sf?.values ?? []).map((v) => <option key={v} value={v}>{optLabel(v)}</option>)}
        </select>
      );
      break;
    case 'options':
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          {(fd.options ?? []).map((v) => <option key={v} value={String(v)}>{optLabel(String(v))}</option>)}
        </select>
      );
      break;
    case 'pregnancy':
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          {pregnancies.map((p) => <option key={p.id} value={p.id}>{t('form.pregnancy_option', { lmp: fmtDate(p.lmp), edd: fmtDate(p.edd) })}</option>)}
        </select>
      );
      break;
    case 'yesno':
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('form.unknown')}</option>
          <option value="yes">{t('common.yes')}</option>
          <option value="no">{t('common.no')}</option>
        </select>
      );
      break;
    case 'multi': {
      const sel = Array.isArray(value) ? value : [];
      return (
        <fieldset class={error ? 'field invalid' : 'field'} aria-describedby={error ? errId : undefined}>
          <legend>{t('field.' + fd.name)}</legend>
          <div class="checks">
            {(sf?.values ?? []).map((v) => (
              <label key={v} class="check">
                <input type="checkbox" name={fd.name} value={v} checked={sel.includes(v)}
                  onChange={(e) => onChange(e.currentTarget.checked ? [...sel, v] : sel.filter((x) => x !== v))} />
                {optLabel(v)}
              </label>
            ))}
          </div>
          {error && <p class="field-error" id={errId} role="alert">{error}</p>}
        </fieldset>
      );
    }
    case 'icd10':
      input = <Icd10Input id={id} name={fd.name} value={str} onChange={onChange} required={required} invalid={!!error} describedBy={error ? errId : undefined} />;
      break;
    case 'orgunit':
      input = <OrgUnitSelect id={id} name={fd.name} value={str} onChange={onChange} required={required} invalid={!!error} describedBy={error ? errId : undefined} />;
      break;
    case 'textarea':
      input = <textarea {...common} rows={2} value={str} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    case 'date':
    case 'datetime': {
      const Input = fd.widget === 'date' ? DateInput : DateTimeInput;
      input = <Input id={id} name={fd.name} value={str} onChange={onChange} required={required} invalid={!!error} describedBy={error ? errId : undefined} />;
      break;
    }
    default: {
      const type = fd.widget === 'tel' ? 'tel' : 'text';
      const inputMode = fd.widget === 'int' || fd.widget === 'citizen_id' ? 'numeric' : fd.widget === 'number' ? 'decimal' : fd.widget === 'tel' ? 'tel' : undefined;
      input = <input {...common} type={type} inputMode={inputMode} value={str} autocomplete="off" onInput={(e) => onChange(e.currentTarget.value)} />;
    }
  }
  const hintKey = 'hint.' + fd.name;
  const range = sf && (sf.min !== undefined || sf.max !== undefined) && (fd.widget === 'int' || fd.widget === 'number')
    ? t('form.range', { min: sf.min ?? '', max: sf.max ?? '' }) : '';
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{t('field.' + fd.name)}{required && <span class="req" aria-hidden="true"> *</span>}</label>
      {input}
      {(has(hintKey) || range) && <p class="hint">{has(hintKey) ? t(hintKey) : ''}{range}</p>}
      {error && <p class="field-error" id={errId} role="alert" data-testid={`error-${fd.name}`}>{error}</p>}
    </div>
  );
}

export function RecordForm({ form, query }: { form: string; query: URLSearchParams }) {
  const def = FORMS.find((x) => x.form === form);
  const personId = query.get('person') ?? '';
  const motherId = query.get('mother') ?? '';
  // Editing a stored record (`edit`), or fixing a write the server refused at sync (`outbox`, its place in the outbox).
  const editId = query.get('edit') ?? '';
  const outboxSeq = query.get('outbox') ? Number(query.get('outbox')) : 0;
  const key = draftKey(form, (editId || (outboxSeq ? 'outbox' + outboxSeq : '')) + (personId || motherId));
  const [editing, setEditing] = useState<Rec | null>(null);
  const [fixing, setFixing] = useState<OutboxEntry | null>(null);
  const [schema, setSchema] = useState<SchemaType | null>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [mother, setMother] = useState<Person | null>(null);
  const [pregnancies, setPregnancies] = useState<Rec[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [values, setValues] = useState<Values>(() => {
    const saved = sessionStorage.getItem(key);
    if (saved) return JSON.parse(saved);
    const v: Values = {};
    if (def?.fields.some((x) => x.name === 'date')) v.date = todayIso();
    for (const k of ['vaccine', 'dose', 'pregnancy']) if (query.get(k)) v[k === 'pregnancy' ? 'pregnancy_id' : k] = query.get(k)!;
    return v;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const top = useRef<HTMLDivElement>(null);
  // A dose given before its earliest valid date is recorded but not counted: the form warns and asks to confirm.
  const [dueItems, setDueItems] = useState<DueItem[]>([]);
  const [earlyConfirmed, setEarlyConfirmed] = useState(false);
  const confirmBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!def) return;
    schemaType(def.type).then((st) => {
      if (!st) return setLoadError(new Error(`/schema has no record type ${def.type}`));
      if (editId) {
        api.get<Rec>(`/${st.collection}/${encodeURIComponent(editId)}`).then((r) => {
          setEditing(r);
          if (!sessionStorage.getItem(key)) setValues(valuesOf(def, r));
          setSchema(st);
        }).catch(setLoadError);
      } else if (outboxSeq) {
        outboxEntry(outboxSeq).then((e) => {
          if (!e) return setLoadError(new Error(`no outbox entry ${outboxSeq}`));
          setFixing(e);
          if (!sessionStorage.getItem(key)) setValues(valuesOf(def, e.body ?? {}));
          // The server's refusal, shown beside each field as a form's own 422 would be.
          const listed = e.errors?.length ? e.errors : e.field ? [{ field: e.field, reason: e.message ?? '' }] : [];
          const errs: Record<string, string> = {};
          for (const x of listed) errs[x.field] ??= fieldErrorText(x.reason);
          setErrors(errs);
          setFormError(listed.filter((x) => !def.fields.some((fd) => fd.name === x.field)).map((x) => `${t('field.' + x.field)}: ${fieldErrorText(x.reason)}`).join(' ') || null);
          setSchema(st);
        }).catch(setLoadError);
      } else setSchema(st);
    }).catch(setLoadError);
    const who = personId || motherId;
    if (who) {
      api.get<{ person: Person; events: Rec[] }>(`/persons/${who}/handbook`).then((h) => {
        if (personId) setPerson(h.person);
        else {
          setMother(h.person);
          setValues((v) => ({ village: h.person.village ?? '', phone: h.person.phone ?? '', ...v }));
        }
        const pregs = h.events.filter((e) => e.type === 'pregnancy').reverse();
        setPregnancies(pregs);
        const optional = def.fields.some((x) => x.name === 'pregnancy_id' && x.optional);
        if (pregs.length && !optional) setValues((v) => (v.pregnancy_id ? v : { ...v, pregnancy_id: pregs[0].id }));
      }).catch(setLoadError);
    }
    if (def.type === 'immunization' && personId) api.get<{ items: DueItem[] }>(`/persons/${personId}/due`).then((d) => setDueItems(d.items)).catch(setLoadError);
  }, []);

  if (!def) return <section class="page"><h1>{t('notfound.title')}</h1></section>;
  if (loadError) return <ErrorBox error={loadError} />;
  if (!schema || ((personId || motherId) && !person && !mother)) return <Loading />;
  if (def.type !== 'person' && !personId) return <section class="page"><p class="alert error">{t('form.needs_person')}</p></section>;

  const sfOf = (n: string) => schema.fields.find((x) => x.name === n);
  const set = (name: string, v: string | string[]) => {
    setValues((old) => {
      const next = { ...old, [name]: v };
      sessionStorage.setItem(key, JSON.stringify(next));
      return next;
    });
    if (errors[name]) setErrors((e) => ({ ...e, [name]: '' }));
  };

  const earlyItem = def.type === 'immunization' ? itemForDose(dueItems, values.vaccine as string ?? '', values.dose as string ?? '') : undefined;
  const early = earlyItem && tooEarly(earlyItem, (values.date as string) ?? '') ? earlyItem : undefined;

  const focusFirst = (errs: Record<string, string>) => {
    const first = def.fields.find((fd) => errs[fd.name]);
    if (first) setTimeout(() => document.getElementById('f-' + first.name)?.focus(), 0);
  };

  // What the form can tell before asking the server: each required field left empty and each date
  // that does not exist, all at once. The server checks the rest and also answers with every field.
  const localErrors = (): Record<string, string> => {
    const errs: Record<string, string> = {};
    for (const fd of def.fields) {
      const v = values[fd.name];
      const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
      const label = t('field.' + fd.name);
      if (empty && isRequired(fd, sfOf(fd.name))) errs[fd.name] = t('validation.required');
      else if (fd.widget === 'date' && dateProblem(v as string ?? '', label)) errs[fd.name] = dateProblem(v as string, label);
      else if (fd.widget === 'datetime' && dateTimeProblem(v as string ?? '', label)) errs[fd.name] = dateTimeProblem(v as string, label);
    }
    return errs;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (early && !earlyConfirmed) {
      confirmBox.current?.focus();
      return;
    }
    setFormError(null);
    const local = localErrors();
    setErrors(local);
    if (Object.keys(local).length) {
      focusFirst(local);
      return;
    }
    setBusy(true);
    const base = editing ?? (fixing ? (fixing.body as Rec) : null);
    if (base) {
      // The record's other fields as stored; the form's fields as typed (an emptied one is removed).
      const body: Record<string, unknown> = {};
      const derived = new Set(schema.fields.filter((x) => x.derived).map((x) => x.name));
      for (const [k, v] of Object.entries(base)) if (!ENVELOPE.includes(k) && !derived.has(k) && !def.fields.some((fd) => fd.name === k)) body[k] = v;
      Object.assign(body, toBody(def, values));
      try {
        if (fixing) await resolve(fixing, body);
        else await api.put(`/${schema.collection}/${encodeURIComponent(editing!.id)}`, body, editing!.version);
        sessionStorage.removeItem(key);
        sessionStorage.setItem('u5.flash', fixing ? 'sync.resent' : 'form.saved');
        navigate(fixing ? '/sync' : `/persons/${def.type === 'person' ? editing!.id : person!.id}`);
      } catch (err) {
        const ae = err as ApiError;
        setBusy(false);
        const listed = ae.errors.length ? ae.errors : ae.field ? [{ field: ae.field, reason: ae.message }] : [];
        const errs: Record<string, string> = {};
        for (const x of listed) if (def.fields.some((fd) => fd.name === x.field)) errs[x.field] ??= fieldErrorText(x.reason);
        setErrors(errs);
        focusFirst(errs);
        if (!Object.keys(errs).length) {
          setFormError(ae.status === 409 ? t('error.conflict') : ae.status === 0 ? t('error.network') : ae.status === 403 ? t('error.forbidden') : fieldErrorText(ae.message));
          top.current?.focus();
        }
      }
      return;
    }
    const body = toBody(def, values);
    if (def.type === 'person') {
      body.orgunit = mother?.orgunit ?? currentUser()!.orgunits[0];
      if (mother) body.mother_id = mother.id;
    } else {
      body.person_id = person!.id;
      body.orgunit = person!.orgunit;
      if (def.type === 'referral') body.from_orgunit = person!.orgunit;
    }
    try {
      const saved = await api.post<Rec>(`/${schema.collection}`, { ...body, id: createId(key) });
      sessionStorage.removeItem(key);
      createdAll(key);
      sessionStorage.setItem('u5.flash', 'form.saved');
      navigate(`/persons/${def.type === 'person' ? saved.id : person!.id}`);
    } catch (err) {
      const ae = err as ApiError;
      setBusy(false);
      const listed = ae.errors.length ? ae.errors : ae.field ? [{ field: ae.field, reason: ae.message }] : [];
      const onForm = listed.filter((x) => def.fields.some((fd) => fd.name === x.field));
      if (ae.status === 422 && onForm.length) {
        const errs: Record<string, string> = {};
        for (const x of onForm) errs[x.field] ??= fieldErrorText(x.reason);
        setErrors(errs);
        focusFirst(errs);
        const elsewhere = listed.filter((x) => !onForm.includes(x));
        if (elsewhere.length) setFormError(elsewhere.map((x) => (has('field.' + x.field) ? `${t('field.' + x.field)}: ` : '') + fieldErrorText(x.reason)).join(' '));
      } else if (ae.status === 422 || ae.status === 400) {
        setFormError(ae.field && has('field.' + ae.field) ? `${t('field.' + ae.field)}: ${fieldErrorText(ae.message)}` : fieldErrorText(ae.message));
        top.current?.focus();
      } else {
        setFormError(ae.status === 403 ? t('error.forbidden') : ae.status === 409 ? t('error.conflict') : ae.status === 0 ? t('error.network') : t('error.server'));
        top.current?.focus();
      }
    }
  };

  const title = editing || fixing ? t('sync.edit_title', { what: t('record.' + def.type) }) : form === 'woman' ? t('form.new_woman') : form === 'child' ? t('form.new_child') : has('deaths.notify_title.' + def.type) ? t('deaths.notify_title.' + def.type) : t('record.' + def.type);
  return (
    <section class="page narrow">
      <p class="crumbs">
        {person && <a href={`/persons/${person.id}`} onClick={linkClick}>← {person.full_name}</a>}
        {mother && <a href={`/persons/${mother.id}`} onClick={linkClick}>← {mother.full_name}</a>}
      </p>
      <h1>{title}</h1>
      {mother && <p class="muted">{t('form.child_of', { name: mother.full_name })}</p>}
      <div ref={top} tabIndex={-1}>{formError && <p class="alert error" role="alert" data-testid="form-error">{formError}</p>}</div>
      <form class="card form" onSubmit={submit} noValidate data-testid={`form-${form}`}>
        {def.fields.filter((fd) => !(fd.optional && pregnancies.length === 0)).map((fd) => (
          <Field key={fd.name} fd={fd} sf={sfOf(fd.name)} value={values[fd.name]} error={errors[fd.name]} onChange={(v) => set(fd.name, v)} pregnancies={pregnancies} />
        ))}
        {early && (
          <div class="alert warn" role="alert" data-testid="early-warning">
            <p>{t('early_dose.warning', { item: itemLabel(early), date: fmtDate(early.earliest), given: fmtDate(values.date as string) })}</p>
            <label class="check">
              <input type="checkbox" ref={confirmBox} checked={earlyConfirmed} data-testid="early-confirm"
                onChange={(e) => setEarlyConfirmed(e.currentTarget.checked)} />
              {t('early_dose.confirm')}
            </label>
          </div>
        )}
        <p class="muted small">{t('form.required_note')}</p>
        <div class="actions">
          <button class="btn primary" type="submit" disabled={busy}>{busy ? t('form.saving') : t('form.save')}</button>
          <button class="btn" type="button" onClick={() => history.back()}>{t('form.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
