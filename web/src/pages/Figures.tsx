// Entered figures (issue 22): the values no register holds — surveys, population, doctors per
// facility, budget, reference death ratios — per org unit and period, each with the document it
// comes from and who entered it, and the history of its changes (docs/web.md "Entered figures").
import { useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { fmtNumber, fmtTimestamp, pick, t } from '../lib/i18n';
import { useOrgUnitNames } from '../lib/orgunits';
import { can, currentUser } from '../lib/session';
import { useApi } from '../lib/useApi';
import { OrgUnitSelect } from '../components/OrgUnitSelect';
import { ErrorBox, Loading, NoData } from '../components/Status';
import { ScrollX } from '../components/ScrollX';

interface Element { id: string; label_vi: string; label_en: string; unit: string; max: number }
interface Group { id: string; label_vi: string; label_en: string; source: string; level: 'area' | 'facility'; elements: Element[] }
interface Value {
  element: string; orgunit: string; period: string; source: string; value: number | null; document: string; note: string;
  entered_by: string; entered_at: string;
}
interface Version extends Value { deleted: boolean; old: { value: number | null; document: string } | null }
interface Verdict { plan: string; indicator: string; total: number; specialist: number; meets: boolean | null }
interface Facility { id: string; name: string; kind: string; verdicts: Verdict[] }
interface Norm {
  plan: string; indicator: string; scope: string; printed: string; min_total: number; min_specialist: number;
  facilities: number; entered: number; meeting: number; share: number | null;
}

const SOURCES = ['survey', 'routine', 'estimate', 'statistical_yearbook'];
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmtNumber(v, Number.isInteger(v) ? 0 : 1));

export function Figures() {
  const me = currentUser()!;
  const [orgunit, setOrgunit] = useState(me.orgunits[0] ?? '');
  const [period, setPeriod] = useState(String(new Date().getFullYear()));
  const [shown, setShown] = useState({ orgunit, period });
  const [groupId, setGroupId] = useState('survey');
  const [facility, setFacility] = useState('');
  const figures = useApi<{ groups: Group[] }>('/indicator-values/figures');
  const group = figures.data?.groups.find((g) => g.id === groupId);
  const staffing = useApi<{ facilities: Facility[]; norms: Norm[] }>(
    group?.level === 'facility' && shown.orgunit ? '/indicator-values/staffing' + qs(shown) : null);
  const where = group?.level === 'facility' ? facility : shown.orgunit;
  const nameOf = useOrgUnitNames([shown.orgunit]);

  const show = (e: Event) => {
    e.preventDefault();
    setShown({ orgunit, period: period.trim() });
    setFacility('');
  };

  return (
    <section class="page">
      <h1>{t('figures.title')}</h1>
      <p class="muted">{t('figures.hint')}</p>
      <form class="card filters" onSubmit={show} data-testid="figures-filter">
        <div class="field">
          <label for="fg-orgunit">{t('figures.orgunit')}</label>
          <OrgUnitSelect id="fg-orgunit" name="orgunit" value={orgunit} onChange={setOrgunit} />
        </div>
        <div class="field">
          <label for="fg-period">{t('figures.period')}</label>
          <input id="fg-period" value={period} inputMode="numeric" autocomplete="off" maxLength={10}
            aria-describedby="fg-period-hint" onInput={(e) => setPeriod(e.currentTarget.value)} />
          <p class="hint" id="fg-period-hint">{t('figures.period_hint')}</p>
        </div>
        <div class="actions"><button class="btn primary" type="submit">{t('figures.show')}</button></div>
      </form>
      {figures.loading && <Loading />}
      {figures.error && <ErrorBox error={figures.error} />}
      {figures.data && (
        <>
          <div class="filters" role="group" aria-label={t('figures.groups')}>
            {figures.data.groups.map((g) => (
              <button key={g.id} type="button" class={g.id === groupId ? 'btn small primary' : 'btn small'} aria-pressed={g.id === groupId}
                data-testid={`group-${g.id}`} onClick={() => setGroupId(g.id)}>{pick(g, 'label')}</button>
            ))}
          </div>
          <h2>{group ? pick(group, 'label') : ''} · {nameOf(shown.orgunit)} · {shown.period}</h2>
          {group?.level === 'facility' && (
            <Staffing data={staffing.data} error={staffing.error} loading={staffing.loading} facility={facility} setFacility={setFacility} />
          )}
          {group && where && (
            <Values key={group.id + where + shown.period} group={group} orgunit={where} period={shown.period}
              canEnter={can(me, 'aggregate.enter')} onSaved={staffing.reload} />
          )}
        </>
      )}
    </section>
  );
}

function Staffing({ data, error, loading, facility, setFacility }: {
  data: { facilities: Facility[]; norms: Norm[] } | null; error: unknown; loading: boolean; facility: string; setFacility: (f: string) => void;
}) {
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!data) return null;
  if (!data.facilities.length) return <NoData text={t('figures.no_facilities')} />;
  const verdict = (v: Verdict) => (v.meets === null ? t('figures.norm.not_entered') : v.meets ? t('figures.norm.meets') : t('figures.norm.fails'));
  return (
    <div class="card">
      <div class="field">
        <label for="fg-facility">{t('figures.facility')}</label>
        <select id="fg-facility" value={facility} onChange={(e) => setFacility(e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          {data.facilities.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
        </select>
      </div>
      <ScrollX name={t('figures.norm.table')}>
        <table class="table compact" data-testid="norm-table">
          <caption class="sr-only">{t('figures.norm.table')}</caption>
          <thead><tr><th scope="col">{t('figures.facility')}</th><th scope="col">{t('figures.norm.plan')}</th>
            <th scope="col">{t('figures.norm.indicator')}</th><th scope="col" class="num">{t('figures.norm.doctors')}</th>
            <th scope="col">{t('figures.norm.verdict')}</th></tr></thead>
          <tbody>
            {data.facilities.flatMap((f) => f.verdicts.map((v) => (
              <tr key={f.id + v.plan + v.indicator} data-testid={`verdict-${f.id}-${v.indicator}`}>
                <td>{f.name}</td><td>{v.plan}</td><td>{t('figures.norm.' + v.indicator)}</td>
                <td class="num">{v.meets === null ? '—' : `${num(v.total)} (${t('figures.norm.specialist', { n: num(v.specialist) })})`}</td>
                <td><span class={v.meets === null ? 'badge badge-muted' : v.meets ? 'badge badge-good' : 'badge badge-bad'}>{verdict(v)}</span></td>
              </tr>
            )))}
          </tbody>
        </table>
      </ScrollX>
      <ul class="plain" data-testid="norm-compliance">
        {data.norms.map((n) => (
          <li key={n.plan + n.indicator}>
            <strong>{t('figures.norm.' + n.indicator)}</strong> ({n.plan}: ≥ {n.min_total}
            {n.min_specialist > 0 ? ', ' + t('figures.norm.specialist', { n: n.min_specialist }) : ''}) —{' '}
            {n.share === null ? t('figures.norm.no_share') : t('figures.norm.share', { share: num(n.share), meeting: n.meeting, entered: n.entered, facilities: n.facilities })}
            <br /><span class="muted">“{n.printed}”</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Values({ group, orgunit, period, canEnter, onSaved }: {
  group: Group; orgunit: string; period: string; canEnter: boolean; onSaved: () => void;
}) {
  const values = useApi<{ items: Value[] }>('/indicator-values' + qs({ orgunit, period }));
  const [editing, setEditing] = useState<string>('');
  const [historyOf, setHistoryOf] = useState<string>('');
  if (values.loading && !values.data) return <Loading />;
  if (values.error) return <ErrorBox error={values.error} />;
  const current = (el: string) => values.data?.items.filter((v) => v.element === el) ?? [];
  return (
    <div class="card">
      <ScrollX name={pick(group, 'label')}>
        <table class="table figures-table" data-testid="values-table">
          <caption class="sr-only">{pick(group, 'label')}</caption>
          <thead><tr><th scope="col">{t('figures.element')}</th><th scope="col" class="num">{t('figures.value')}</th>
            <th scope="col">{t('figures.document')}</th><th scope="col">{t('figures.entered')}</th><th scope="col"><span class="sr-only">{t('figures.actions')}</span></th></tr></thead>
          <tbody>
            {group.elements.map((el) => {
              const vs = current(el.id);
              return (
                <tr key={el.id} data-testid={`row-${el.id}`}>
                  <th scope="row">{pick(el, 'label')} <span class="muted">({el.unit})</span></th>
                  <td class="num" data-testid={`value-${el.id}`}>{vs.length ? vs.map((v) => num(v.value)).join(' / ') : '—'}</td>
                  <td data-testid={`document-${el.id}`}>{vs.map((v) => v.document || t('figures.source.' + v.source)).join(' / ')}
                    {vs.some((v) => v.note) && <div class="muted">{vs.map((v) => v.note).filter(Boolean).join(' / ')}</div>}</td>
                  <td data-testid={`entered-${el.id}`}>{vs.map((v) => `${v.entered_by}, ${fmtTimestamp(v.entered_at)}`).join(' / ')}</td>
                  <td>
                    {canEnter && <button type="button" class="btn small" data-testid={`edit-${el.id}`}
                      aria-label={t('figures.edit_label', { name: pick(el, 'label') })} onClick={() => setEditing(el.id)}>{t('figures.edit')}</button>}
                    {' '}
                    <button type="button" class="btn small" data-testid={`history-${el.id}`}
                      aria-label={t('figures.history_label', { name: pick(el, 'label') })} onClick={() => setHistoryOf(el.id)}>{t('figures.history')}</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollX>
      {editing && (
        <ValueForm key={editing} element={group.elements.find((e) => e.id === editing)!} group={group} orgunit={orgunit} period={period}
          current={current(editing)[0]} onDone={(saved) => {
            setEditing('');
            if (saved) {
              values.reload();
              onSaved();
              setHistoryOf(saved);
            }
          }} />
      )}
      {historyOf && <History key={historyOf + values.data?.items.length + JSON.stringify(values.data?.items)} element={group.elements.find((e) => e.id === historyOf)!}
        orgunit={orgunit} period={period} />}
    </div>
  );
}

type Errors = Record<string, string>;

function ValueForm({ element, group, orgunit, period, current, onDone }: {
  element: Element; group: Group; orgunit: string; period: string; current?: Value; onDone: (saved: string) => void;
}) {
  const [form, setForm] = useState({
    value: current?.value != null ? String(current.value) : '', source: current?.source ?? group.source,
    document: current?.document ?? '', note: current?.note ?? '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const set = (k: keyof typeof form, v: string) => setForm({ ...form, [k]: v });
  const invalid = (k: string) => (errors[k] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `fv-${k}-err` } : {});
  const FieldError = ({ k }: { k: string }) => (errors[k] ? <p class="field-error" id={`fv-${k}-err`} data-testid={`error-${k}`}>{errors[k]}</p> : null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = Number(form.value.replace(',', '.'));
    if (form.value.trim() === '' || !Number.isFinite(n)) {
      setErrors({ value: t('figures.error.number') });
      document.getElementById('fv-value')?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.post('/indicator-values', {
        element: element.id, orgunit, period, source: form.source, value: n, document: form.document.trim(), note: form.note.trim(),
      });
      onDone(element.id);
    } catch (err) {
      const ae = err as ApiError;
      const field = ae.field && ['value', 'source', 'document', 'note'].includes(ae.field) ? ae.field : 'form';
      // The server's bound check is worded in English; the reader gets the bound in their language.
      const message = field === 'value' && ae.status === 422 && n > element.max
        ? t('figures.error.max', { max: fmtNumber(element.max, 0), unit: element.unit }) : ae.message;
      setErrors({ [field]: message });
      document.getElementById(field === 'form' ? 'fv-value' : 'fv-' + field)?.focus();
    } finally {
      setBusy(false);
    }
  };

  // A value entered for the wrong unit or period leaves the indicators; its history keeps it with the reason.
  const remove = async () => {
    if (!current) return;
    if (!reason.trim()) {
      setErrors({ reason: t('figures.error.reason') });
      document.getElementById('fv-reason')?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.del('/indicator-values', { element: element.id, orgunit, period, source: current.source, reason: reason.trim() });
      onDone(element.id);
    } catch (err) {
      setErrors({ reason: (err as ApiError).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} noValidate data-testid="value-form">
      <h3>{pick(element, 'label')}</h3>
      {errors.form && <p class="alert error" role="alert">{errors.form}</p>}
      <div class={errors.value ? 'field invalid' : 'field'}>
        <label for="fv-value">{t('figures.value')} ({element.unit}, ≤ {fmtNumber(element.max, 0)})</label>
        <input id="fv-value" value={form.value} inputMode="decimal" autocomplete="off" onInput={(e) => set('value', e.currentTarget.value)} {...invalid('value')} />
        <FieldError k="value" />
      </div>
      <div class={errors.source ? 'field invalid' : 'field'}>
        <label for="fv-source">{t('figures.source_kind')}</label>
        <select id="fv-source" value={form.source} onChange={(e) => set('source', e.currentTarget.value)} {...invalid('source')}>
          {SOURCES.map((s) => <option key={s} value={s}>{t('figures.source.' + s)}</option>)}
        </select>
        <FieldError k="source" />
      </div>
      <div class={errors.document ? 'field invalid' : 'field'}>
        <label for="fv-document">{t('figures.document')}</label>
        <input id="fv-document" value={form.document} maxLength={500} autocomplete="off" onInput={(e) => set('document', e.currentTarget.value)} {...invalid('document')} />
        <FieldError k="document" />
      </div>
      <div class={errors.note ? 'field invalid' : 'field'}>
        <label for="fv-note">{t('figures.note')}</label>
        <input id="fv-note" value={form.note} maxLength={500} autocomplete="off" onInput={(e) => set('note', e.currentTarget.value)} {...invalid('note')} />
        <FieldError k="note" />
      </div>
      <div class="actions">
        <button class="btn primary" type="submit" disabled={busy} data-testid="value-save">{t('figures.save')}</button>
        <button class="btn" type="button" onClick={() => onDone('')}>{t('figures.cancel')}</button>
      </div>
      {current && (
        <fieldset class={errors.reason ? 'field invalid' : 'field'}>
          <legend>{t('figures.delete_title', { source: t('figures.source.' + current.source) })}</legend>
          <label for="fv-reason">{t('figures.delete_reason')}</label>
          <input id="fv-reason" value={reason} maxLength={500} autocomplete="off" onInput={(e) => setReason(e.currentTarget.value)} {...invalid('reason')} />
          <FieldError k="reason" />
          <div class="actions">
            <button class="btn" type="button" disabled={busy} data-testid="value-delete" onClick={remove}>{t('figures.delete')}</button>
          </div>
        </fieldset>
      )}
    </form>
  );
}

function History({ element, orgunit, period }: { element: Element; orgunit: string; period: string }) {
  const h = useApi<{ items: Version[] }>('/indicator-values/history' + qs({ element: element.id, orgunit, period }));
  if (h.loading) return <Loading />;
  if (h.error) return <ErrorBox error={h.error} />;
  return (
    <section aria-labelledby="fg-history-h" data-testid="history">
      <h3 id="fg-history-h">{t('figures.history_of', { name: pick(element, 'label') })}</h3>
      {!h.data?.items.length ? <NoData text={t('figures.no_history')} /> : (
        <ScrollX name={t('figures.history')}>
          <table class="table compact">
            <thead><tr><th scope="col">{t('figures.when')}</th><th scope="col">{t('figures.who')}</th>
              <th scope="col">{t('figures.change')}</th><th scope="col">{t('figures.document')}</th><th scope="col">{t('figures.note')}</th></tr></thead>
            <tbody>
              {h.data.items.map((v, i) => (
                <tr key={i} data-testid="history-row">
                  <td>{fmtTimestamp(v.entered_at)}</td><td>{v.entered_by}</td>
                  <td>{v.deleted ? `${num(v.old?.value)} → ${t('figures.deleted')}`
                    : v.old ? `${num(v.old.value)} → ${num(v.value)}` : `${t('figures.first')} ${num(v.value)}`}</td>
                  <td>{v.document || t('figures.source.' + v.source)}</td><td>{v.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
    </section>
  );
}
