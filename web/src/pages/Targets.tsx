import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { currentLang, fmtNumber, fmtTimestamp, pick, t } from '../lib/i18n';
import { can, currentUser } from '../lib/session';
import { useOrgUnitNames } from '../lib/orgunits';
import { gapText, opLabel, provinceOf, unitText } from '../lib/targets';
import { Badge, ErrorBox, Loading, NoData } from '../components/Status';
import { ScrollX } from '../components/ScrollX';
import { STATUS_KIND } from './Dashboard';

// The plan's targets with their source text, current value and gap; an edit is
// a new version (PUT /plans/{id}/targets, reason required), each version listed
// with who, when and why (GET /plans/{id}/targets?indicator=&year=).

interface PlanItem { id: string; province: string; province_en?: string; orgunit: string; document: string; applies_to: string | null }
interface Item {
  indicator: string; year: number; operator: string; target: number; threshold: number | null; printed: string; printed_vi?: string; printed_en?: string;
  note?: string; value: number | null; value_year: number | null; gap: number | null; status: string; reason: string; uncertain?: boolean;
}
interface Evaluation { plan: string; document: string; orgunit: string; as_of: string; items: Item[] }
interface Indicator { id: string; name_vi: string; name_en: string; unit: string; direction: string }
interface Version { version: number; op: string; value: number; baseline_year: number | null; origin: string; by: string; at: string; reason: string; note: string }
interface History { document: string; indicator: string; year: number; versions: Version[] }

// Operators a person may choose; an operator read from the plan file that is not here is kept as it is.
const EDIT_OPS = ['<', '<=', '>', '>=', '='];
const BASELINE_OPS = ['increase_pct_vs_2020', 'reduce_by_points', 'reduce_by_pct'];

function EditForm({ plan, item, ind, onSaved, onCancel }: { plan: string; item: Item; ind?: Indicator; onSaved: (v: number) => void; onCancel: () => void }) {
  const [latest, setLatest] = useState<Version | null>(null);
  const [op, setOp] = useState(item.operator);
  const [value, setValue] = useState(String(item.target));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.get<History>(`/plans/${plan}/targets` + qs({ indicator: item.indicator, year: String(item.year) }))
      .then((h) => setLatest(h.versions[h.versions.length - 1] ?? null)).catch(() => setLatest(null));
  }, [plan, item.indicator, item.year]);
  const ops = EDIT_OPS.includes(item.operator) ? EDIT_OPS : [item.operator, ...EDIT_OPS];
  const submit = (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const n = Number(value.replace(',', '.'));
    if (value.trim() === '' || !Number.isFinite(n)) errs.value = t('targets.value_required');
    if (!reason.trim()) errs.reason = t('targets.reason_required');
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(errs.value ? 't-value' : 't-reason')?.focus();
      return;
    }
    const body: Record<string, unknown> = { indicator: item.indicator, year: item.year, op, value: n, reason: reason.trim() };
    // An operator against a baseline keeps the baseline year of the version it replaces.
    if (BASELINE_OPS.includes(op) && latest?.baseline_year) body.baseline_year = latest.baseline_year;
    setBusy(true);
    api.put<{ version: number }>(`/plans/${plan}/targets`, body, latest?.version ?? 0)
      .then((r) => onSaved(r.version))
      .catch((err) => {
        const f = err instanceof ApiError && err.field && ['op', 'value', 'reason'].includes(err.field) ? err.field : 'form';
        setErrors({ [f]: err instanceof ApiError ? err.message : t('error.server') });
      })
      .finally(() => setBusy(false));
  };
  const invalid = (k: string) => (errors[k] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `t-${k}-err` } : {});
  const err = (k: string) => (errors[k] ? <p class="field-error" id={`t-${k}-err`} data-testid={`error-${k}`}>{errors[k]}</p> : null);
  const name = ind ? (currentLang() === 'vi' ? ind.name_vi : ind.name_en || ind.name_vi) : item.indicator;
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="h-edit" data-testid="target-edit">
      <h2 id="h-edit">{t('targets.edit_title', { name, year: String(item.year) })}</h2>
      <p class="muted small">{t('targets.printed')}: {pick(item, 'printed')}</p>
      <div class="field">
        <label for="t-op">{t('targets.operator')}</label>
        <select id="t-op" value={op} onChange={(e) => setOp(e.currentTarget.value)} {...invalid('op')}>
          {ops.map((o) => <option key={o} value={o}>{opLabel(o)}</option>)}
        </select>
        {err('op')}
      </div>
      <div class="field">
        <label for="t-value">{t('targets.value')}{ind ? unitText(ind.unit) : ''}</label>
        <input id="t-value" type="text" inputMode="decimal" value={value} onInput={(e) => setValue(e.currentTarget.value)} {...invalid('value')} />
        {err('value')}
      </div>
      <div class="field">
        <label for="t-reason">{t('targets.reason')}</label>
        <textarea id="t-reason" rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalid('reason')} />
        {err('reason')}
      </div>
      {err('form')}
      <div class="actions">
        <button class="btn primary" type="submit" disabled={busy} data-testid="target-save">{t('targets.save')}</button>
        <button class="btn" type="button" onClick={onCancel}>{t('targets.cancel')}</button>
      </div>
    </form>
  );
}

function HistoryList({ plan, item, stamp }: { plan: string; item: Item; stamp: number }) {
  const [h, setH] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setH(null);
    api.get<History>(`/plans/${plan}/targets` + qs({ indicator: item.indicator, year: String(item.year) })).then(setH).catch(setError);
  }, [plan, item.indicator, item.year, stamp]);
  if (error) return <ErrorBox error={error} />;
  if (!h) return <Loading />;
  const target = (v: Version) => `${opLabel(v.op)} ${fmtNumber(v.value, 2)}`;
  return (
    <ScrollX name={t('targets.history')}>
      <table class="table" data-testid="target-history">
        <thead><tr><th class="num">{t('targets.version')}</th><th>{t('targets.when')}</th><th>{t('targets.who')}</th><th>{t('targets.change')}</th><th>{t('targets.reason')}</th></tr></thead>
        <tbody>
          {h.versions.map((v, i) => (
            <tr key={v.version} data-version={v.version} data-origin={v.origin}>
              <td class="num">{v.version}</td>
              <td>{fmtTimestamp(v.at)}</td>
              <td>{v.origin === 'data' ? <Badge kind="info" label={t('targets.from_plan_file')} /> : v.by}</td>
              <td>{i > 0 ? <>{target(h.versions[i - 1])} → <strong>{target(v)}</strong></> : target(v)}</td>
              <td>{v.origin === 'data' ? h.document : v.reason || v.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

export function Targets() {
  const user = currentUser()!;
  const ou = user.orgunits[0] ?? '';
  const nameOf = useOrgUnitNames(user.orgunits);
  const [plans, setPlans] = useState<PlanItem[] | null>(null);
  const [planId, setPlanId] = useState('');
  const [ev, setEv] = useState<Evaluation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cat, setCat] = useState<Record<string, Indicator>>({});
  const [editing, setEditing] = useState<Item | null>(null);
  const [showing, setShowing] = useState<Item | null>(null);
  const [stamp, setStamp] = useState(0);
  const [saved, setSaved] = useState('');

  useEffect(() => {
    api.get<{ indicators: Indicator[] }>('/indicators/catalogue').then((c) => setCat(Object.fromEntries(c.indicators.map((i) => [i.id, i])))).catch(() => setCat({}));
    Promise.all([api.get<{ items: PlanItem[] }>('/plans'), ou ? provinceOf(ou).catch(() => null) : Promise.resolve(null)])
      .then(([r, province]) => {
        setPlans(r.items);
        // Default: the plan of the user's province, else the national plan.
        const mine = r.items.find((p) => p.orgunit === province) ?? r.items.find((p) => p.applies_to) ?? r.items[0];
        setPlanId(mine?.id ?? '');
      }).catch(setError);
  }, []);

  const plan = plans?.find((p) => p.id === planId);
  useEffect(() => {
    if (!plan) return;
    setEv(null);
    setError(null);
    // The current values are the user's unit's (the plan's own unit for a country-wide role).
    api.get<Evaluation>(`/plans/${plan.id}/evaluation` + qs({ orgunit: ou || undefined })).then(setEv).catch(setError);
  }, [planId, stamp]);

  // The server decides (plan.manage, and the national plan only for a country-wide role); this only offers the button.
  const canEdit = !!plan && can(user, 'plan.manage') && (plan.applies_to ? user.orgunits.length === 0 : user.orgunits.length > 0);
  const indName = (id: string) => (cat[id] ? (currentLang() === 'vi' ? cat[id].name_vi : cat[id].name_en || cat[id].name_vi) : id);

  return (
    <section class="page targets">
      <div class="page-head">
        <div>
          <h1>{t('targets.title')}</h1>
          {ev ? <p class="muted small" data-testid="plan-document">{t('targets.document')}: {ev.document}</p> : null}
          {ev ? <p class="muted small">{t('targets.values_of', { ou: nameOf(ev.orgunit), date: ev.as_of.split('-').reverse().join('/') })}</p> : null}
        </div>
        {plans && (
          <div class="filters">
            <div class="field">
              <label for="plan">{t('targets.plan')}</label>
              <select id="plan" value={planId} onChange={(e) => { setPlanId(e.currentTarget.value); setEditing(null); setShowing(null); }}>
                {plans.map((p) => <option key={p.id} value={p.id}>{pick(p, 'province')} — {p.id}</option>)}
              </select>
            </div>
          </div>
        )}
      </div>
      {!canEdit && ev ? <p class="muted" data-testid="read-only">{t('targets.read_only')}</p> : null}
      {saved ? <p class="alert ok" role="status" data-testid="target-saved">{saved}</p> : null}
      {error ? <ErrorBox error={error} /> : null}
      {!ev && !error && <Loading />}
      {editing && plan && (
        <EditForm plan={plan.id} item={editing} ind={cat[editing.indicator]} key={editing.indicator + editing.year}
          onCancel={() => setEditing(null)}
          onSaved={(v) => { setSaved(t('targets.saved', { version: v })); setShowing(editing); setEditing(null); setStamp((s) => s + 1); }} />
      )}
      {showing && plan && (
        <section class="card" aria-labelledby="h-history">
          <h2 id="h-history">{t('targets.history_of', { name: indName(showing.indicator), year: String(showing.year) })}</h2>
          <HistoryList plan={plan.id} item={showing} stamp={stamp} />
        </section>
      )}
      {ev && (ev.items.length === 0 ? <NoData /> : (
        <section class="card" aria-labelledby="h-targets">
          <h2 id="h-targets">{t('targets.table')}</h2>
          <ScrollX name={t('targets.table')}>
            <table class="table targets-table" data-testid="targets-table">
              <thead><tr>
                <th>{t('targets.indicator')}</th><th class="num">{t('targets.year')}</th><th>{t('targets.printed')}</th><th>{t('targets.target')}</th>
                <th class="num">{t('targets.current')}</th><th class="num">{t('targets.gap')}</th><th>{t('targets.status')}</th><th>{t('targets.actions')}</th>
              </tr></thead>
              <tbody>
                {ev.items.map((e) => {
                  const ind = cat[e.indicator];
                  const g = gapText(e.gap, ind?.direction ?? 'higher_is_better', ind?.unit ?? '');
                  return (
                    <tr key={e.indicator + e.year} data-indicator={e.indicator} data-year={e.year}>
                      <td>{indName(e.indicator)}</td>
                      <td class="num">{e.year}</td>
                      <td>{pick(e, 'printed')}{e.note ? <span class="muted small"><br />{e.note}</span> : null}</td>
                      <td data-testid="target-value" data-op={e.operator} data-target={e.target}>{opLabel(e.operator)} {fmtNumber(e.target, 2)}{ind ? unitText(ind.unit) : ''}
                        {e.threshold !== null && e.threshold !== e.target ? <span class="muted small"><br />{t('targets.threshold', { n: fmtNumber(e.threshold, 2) })}</span> : null}</td>
                      <td class="num">{fmtNumber(e.value, 2)}{e.value_year ? <span class="muted small"> ({e.value_year})</span> : null}</td>
                      <td class="num" data-testid="gap" data-gap={e.gap ?? ''}>{g.signed}{g.words ? <span class="small"><br />{g.words}</span> : null}</td>
                      <td><Badge kind={STATUS_KIND[e.status] ?? 'muted'} label={t('dash.status.' + e.status)} uncertain={e.uncertain} /></td>
                      <td>
                        <div class="actions tight">
                          <button type="button" class="btn small" data-testid="target-history-btn" aria-label={t('targets.history_of', { name: indName(e.indicator), year: String(e.year) })}
                            onClick={() => setShowing(e)}>{t('targets.history')}</button>
                          {canEdit && <button type="button" class="btn small" data-testid="target-edit-btn" aria-label={t('targets.edit_title', { name: indName(e.indicator), year: String(e.year) })}
                            onClick={() => { setSaved(''); setEditing(e); }}>{t('targets.edit')}</button>}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollX>
        </section>
      ))}
    </section>
  );
}
