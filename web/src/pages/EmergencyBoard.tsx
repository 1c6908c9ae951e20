// The live red-alert board (GET /emergencies, then the server-sent events of /emergencies/stream):
// one card per open emergency with its running timers, and the next step's button for the side
// that owns it. Closed emergencies are a second tab, fetched when opened.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { fmtTimestamp, pick, t } from '../lib/i18n';
import { linkClick, navigate, useLocation } from '../lib/router';
import { currentUser } from '../lib/session';
import { fieldErrorText } from '../forms/errors';
import { DateTimeInput, dateTimeProblem } from '../components/DateInput';
import { ErrorBox, Loading, NoData } from '../components/Status';
import { selfAndAncestors, useOrgUnitNames } from '../lib/orgunits';
import {
  byUrgency, canRaiseEmergency, kindLabel, Emergency, EmergencyConfig, Place, fmtDuration, labelOf, lastStepAt, LiveState, overdue,
  useConfig, useEmergencyStream, useServerClock,
} from '../lib/emergency';

type Tab = 'open' | 'closed';
interface ListAnswer { items: Emergency[]; now: string }

const pad = (n: number) => String(n).padStart(2, '0');
/** A moment as the DateTimeInput's local YYYY-MM-DDTHH:MM. */
const localMinute = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

// The chain of units above each org unit, shared by every card: the side a user may act for.
const chains = new Map<string, Promise<string[]>>();
const chainOf = (id: string) => {
  if (!chains.has(id)) chains.set(id, selfAndAncestors(id));
  return chains.get(id)!;
};

/** Whether the user's org units hold the sending and the receiving side of an emergency. */
function useSides(e: Emergency): { from: boolean; to: boolean } {
  const mine = currentUser()!.orgunits;
  const [sides, setSides] = useState({ from: false, to: false });
  useEffect(() => {
    let live = true;
    Promise.all([chainOf(e.from_orgunit.id), chainOf(e.to_orgunit.id)]).then(([f, to]) => {
      if (live) setSides({ from: f.some((id) => mine.includes(id)), to: to.some((id) => mine.includes(id)) });
    });
    return () => { live = false; };
  }, [e.from_orgunit.id, e.to_orgunit.id]);
  return sides;
}

/** The server's words for a refused step, as a sentence on the field it names. */
function stepErrorText(message: string): string {
  if (/future/i.test(message)) return t('validation.future');
  if (/before|earlier|order/i.test(message)) return t('redalert.err.order');
  if (/already/i.test(message)) return t('redalert.err.already');
  if (/next/i.test(message)) return t('redalert.err.not_next');
  return fieldErrorText(message);
}

function StepForm({ e, cfg, onDone, onCancel }: { e: Emergency; cfg: EmergencyConfig; onDone: (x: Emergency) => void; onCancel: () => void }) {
  const step = e.next_step!;
  const [at, setAt] = useState(localMinute(Date.now()));
  const [edited, setEdited] = useState(false);
  const [outcome, setOutcome] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const id = (k: string) => `st-${k}-${e.id}`;
  const save = async (ev: Event) => {
    ev.preventDefault();
    const bad = edited ? dateTimeProblem(at, t('redalert.field.at')) : '';
    if (bad || (step === 'outcome' && !outcome)) {
      setErrors({ ...(bad ? { at: bad } : {}), ...(step === 'outcome' && !outcome ? { outcome: t('validation.required') } : {}) });
      document.getElementById(id(bad ? 'at' : 'outcome'))?.focus();
      return;
    }
    setBusy(true);
    try {
      // Untouched, the time is the server's "now": a form opened a minute ago must not predate the step before.
      const body: Record<string, unknown> = { step, version: e.version };
      if (edited) body.at = new Date(at + ':00').toISOString();
      if (step === 'outcome') body.outcome = outcome;
      onDone(await api.post<Emergency>(`/emergencies/${encodeURIComponent(e.id)}/steps`, body));
    } catch (err) {
      const x = err as ApiError;
      const list = x.errors?.length ? x.errors : x.field ? [{ field: x.field, reason: x.message }] : [];
      const out: Record<string, string> = {};
      for (const { field, reason } of list) out[['at', 'outcome'].includes(field) ? field : 'form'] ??= stepErrorText(reason);
      if (!list.length) out.form = t(x.status === 409 ? 'redalert.err.stale' : x.status === 403 ? 'error.forbidden' : x.status === 0 ? 'error.network' : 'error.server');
      setErrors(out);
      setBusy(false);
      document.getElementById(id(out.at ? 'at' : out.outcome ? 'outcome' : 'submit'))?.focus();
    }
  };
  return (
    <form class="step-form" onSubmit={save} noValidate data-testid="step-form" aria-labelledby={id('title')}>
      <p class="step-title" id={id('title')}>{t('redalert.enter_step', { step: labelOf(cfg.steps, step) })}</p>
      {errors.form && <p class="alert error" role="alert" data-testid="step-error">{errors.form}</p>}
      <div class={errors.at ? 'field invalid' : 'field'}>
        <label for={id('at')}>{t('redalert.field.at')}</label>
        <DateTimeInput id={id('at')} value={at} invalid={!!errors.at} describedBy={errors.at ? id('at-err') : undefined}
          onChange={(v) => { setAt(v); setEdited(true); setErrors((x) => ({ ...x, at: '' })); }} />
        {errors.at && <p class="field-error" id={id('at-err')} data-testid="error-at">{errors.at}</p>}
      </div>
      {step === 'outcome' && (
        <fieldset class={errors.outcome ? 'field invalid' : 'field'}>
          <legend>{t('redalert.field.outcome')}</legend>
          <div class="choice-row">
            {cfg.outcomes.map((o, i) => (
              <label key={o.id} class={outcome === o.id ? 'choice selected' : 'choice'}>
                <input type="radio" name={id('outcome')} id={i === 0 ? id('outcome') : undefined} value={o.id} checked={outcome === o.id}
                  aria-describedby={errors.outcome ? id('outcome-err') : undefined} onChange={() => setOutcome(o.id)} />
                {pick(o, 'label')}
              </label>
            ))}
          </div>
          {errors.outcome && <p class="field-error" id={id('outcome-err')}>{errors.outcome}</p>}
        </fieldset>
      )}
      <div class="actions">
        <button class="btn primary big" type="submit" id={id('submit')} disabled={busy} data-testid="step-save">{t('redalert.save_step')}</button>
        <button class="btn" type="button" onClick={onCancel}>{t('redalert.cancel')}</button>
      </div>
    </form>
  );
}

function Card({ e, cfg, now, fresh, onChanged }: { e: Emergency; cfg: EmergencyConfig; now: number; fresh: boolean; onChanged: (x: Emergency) => void }) {
  const [entering, setEntering] = useState(false);
  const sides = useSides(e);
  const level = cfg.levels.find((l) => l.id === e.level);
  const late = overdue(e, level, now);
  const last = lastStepAt(e, cfg.steps);
  const next = cfg.steps.find((s) => s.id === e.next_step);
  const mayStep = !!next && (next.owner === 'to' ? sides.to : sides.from);
  const reached = last.step === 'raised' ? t('redalert.step_raised') : labelOf(cfg.steps, last.step);
  const closed = e.status === 'closed';
  // The API names units in Vietnamese; the org unit names follow the reader's language once fetched.
  const nameOf = useOrgUnitNames([e.from_orgunit.id, e.to_orgunit.id, ...e.escalated.map((x) => x.orgunit.id)]);
  const unit = (p: Place) => (nameOf(p.id) === p.id ? p.name : nameOf(p.id));
  return (
    <li class={`em-card level-${e.level}` + (fresh ? ' fresh' : '')} data-testid="em-card" data-id={e.id} data-step={last.step} data-level={e.level}>
      <div class="em-head">
        <span class={`em-level level-${e.level}`} data-testid="em-level">{labelOf(cfg.levels, e.level)}</span>
        {/* The registered name only reaches those who may read that person; the label is what the other side reads. */}
        <strong class="em-patient">{e.person_name || e.patient_label || kindLabel(cfg, e.patient_kind)}</strong>
        {e.person_name && e.patient_label && <span class="small muted">{e.patient_label}</span>}
        {e.person_id && <a class="small" href={`/persons/${e.person_id}`} onClick={linkClick}>{t('redalert.handbook')}</a>}
      </div>
      <p class="em-reason">{e.person_name || e.patient_label ? kindLabel(cfg, e.patient_kind) + ' · ' : ''}{labelOf(cfg.reasons, e.reason)}</p>
      <p class="em-route"><span>{unit(e.from_orgunit)}</span> <span aria-hidden="true">→</span><span class="sr-only">{t('redalert.to')}</span> <span>{unit(e.to_orgunit)}</span></p>
      <dl class="em-times">
        <dt>{t('redalert.step_reached')}</dt>
        <dd data-testid="em-step">{reached}{e.outcome ? ` (${labelOf(cfg.outcomes, e.outcome)})` : ''} · {fmtTimestamp(last.at)}</dd>
        <dt>{t(closed ? 'redalert.raised_at' : 'redalert.since_alert')}</dt>
        <dd class={late.ack || late.treat ? 'late' : ''} data-testid="em-since-alert">
          {closed ? fmtTimestamp(e.raised_at) : <span class="timer">{fmtDuration(now - Date.parse(e.raised_at))}</span>}
        </dd>
        {!closed && last.step !== 'raised' && <><dt>{t('redalert.since_step')}</dt><dd><span class="timer">{fmtDuration(now - Date.parse(last.at))}</span></dd></>}
      </dl>
      {(late.ack || late.treat) && level && (
        <p class="em-late" data-testid="em-late">
          <span aria-hidden="true">⚠ </span>
          {late.ack && t(closed ? 'redalert.late_ack_done' : 'redalert.late_ack', { n: level.ack_within_minutes })}
          {late.ack && late.treat && ' · '}
          {late.treat && t(closed ? 'redalert.late_treat_done' : 'redalert.late_treat', { n: level.treat_within_minutes })}
        </p>
      )}
      {e.escalated.length > 0 && (
        <p class="em-escalated" data-testid="em-escalated">
          <span class="badge badge-warn"><span aria-hidden="true">↑</span> {t('redalert.escalated')}</span>{' '}
          {e.escalated.map((x) => `${unit(x.orgunit)} (${fmtTimestamp(x.at)})`).join(', ')}
        </p>
      )}
      {e.note && <p class="small muted">{e.note}</p>}
      {next && mayStep && !entering && (
        <button type="button" class="btn primary big em-step-btn" data-testid="em-next" data-step={next.id} onClick={() => setEntering(true)}>
          {t('redalert.enter_step', { step: pick(next, 'label') })}
        </button>
      )}
      {next && !mayStep && <p class="small muted" data-testid="em-waiting">{t(next.owner === 'to' ? 'redalert.waiting_to' : 'redalert.waiting_from', { step: pick(next, 'label') })}</p>}
      {entering && <StepForm e={e} cfg={cfg} onCancel={() => setEntering(false)} onDone={(x) => { setEntering(false); onChanged(x); }} />}
    </li>
  );
}

function LiveBadge({ state }: { state: LiveState }) {
  const kind = state === 'live' ? 'ok' : 'warn';
  return (
    <span class={`badge badge-${kind}`} role="status" data-testid="live" data-state={state}>
      <span aria-hidden="true">{state === 'live' ? '●' : '○'}</span> {t('redalert.live.' + state)}
    </span>
  );
}

export function EmergencyBoard() {
  const { query } = useLocation();
  const tab: Tab = query.get('tab') === 'closed' ? 'closed' : 'open';
  const { cfg, error } = useConfig();
  const { now, sync } = useServerClock();
  const [open, setOpen] = useState<Emergency[] | null>(null);
  const [closed, setClosed] = useState<Emergency[] | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  // Cards that changed through the stream (or were just raised) are ringed for a minute after they did.
  const [fresh, setFresh] = useState<Map<string, number>>(new Map(query.get('highlight') ? [[query.get('highlight')!, Date.now()]] : []));
  // A new alert is also said to screen readers, which do not see the ring.
  const [announce, setAnnounce] = useState('');

  const load = (status: Tab) =>
    api.get<ListAnswer>('/emergencies' + qs({ status })).then((r) => {
      sync(r.now);
      (status === 'open' ? setOpen : setClosed)(r.items);
      setFailed(null);
    }, setFailed);

  const upsert = (e: Emergency) => {
    const put = (list: Emergency[] | null, keep: boolean) => {
      if (!list) return list;
      const rest = list.filter((x) => x.id !== e.id);
      const old = list.find((x) => x.id === e.id);
      // An event older than what is shown (a reload overtook it) changes nothing.
      if (old && old.version > e.version) return list;
      return keep ? [e, ...rest] : rest;
    };
    setOpen((l) => put(l, e.status === 'open'));
    setClosed((l) => put(l, e.status === 'closed'));
  };
  const state = useEmergencyStream(
    (e) => {
      if (e.status === 'open' && open && !open.some((x) => x.id === e.id))
        setAnnounce(t('redalert.announce_new', { level: labelOf(cfg?.levels, e.level), patient: e.person_name || e.patient_label, to: e.to_orgunit.name }));
      upsert(e);
      setFresh((m) => new Map(m).set(e.id, Date.now()));
    },
    (serverNow) => {
      sync(serverNow);
      load('open');
      if (closed) load('closed');
    },
  );
  useEffect(() => { if (tab === 'closed' && !closed) load('closed'); }, [tab]);

  const list = tab === 'open' ? open : closed;
  // Open cases by urgency; closed ones are history, newest first.
  const sorted = useMemo(() => (list && cfg ? [...list].sort(tab === 'open' ? byUrgency(cfg.levels) : (a, b) => b.raised_at.localeCompare(a.raised_at)) : null), [list, cfg, tab]);
  if (error) return <ErrorBox error={error} />;
  const setTab = (x: Tab) => navigate('/emergencies' + (x === 'closed' ? '?tab=closed' : ''), true);

  return (
    <section class="page em-board">
      <div class="page-head">
        <div>
          <h1>{t('redalert.board_title')}</h1>
          <LiveBadge state={state} />
          <p class="sr-only" role="status" aria-live="polite" data-testid="em-announce">{announce}</p>
        </div>
        <div class="actions em-head-actions">
          {canRaiseEmergency(currentUser()) && <a class="btn primary em-raise" href="/emergencies/new" onClick={linkClick} data-testid="em-new">{t('redalert.raise_new')}</a>}
          <a class="btn" href="/emergencies/stats" onClick={linkClick}>{t('redalert.stats_link')}</a>
        </div>
      </div>
      <div class="tabs" role="tablist" aria-label={t('redalert.tabs')}>
        {(['open', 'closed'] as Tab[]).map((x) => (
          <button key={x} type="button" role="tab" id={'em-tab-' + x} aria-selected={tab === x} aria-controls="em-panel"
            class={tab === x ? 'tab active' : 'tab'} onClick={() => setTab(x)} data-testid={'em-tab-' + x}>
            {t('redalert.tab.' + x)}{x === 'open' && open ? ` (${open.length})` : ''}
          </button>
        ))}
      </div>
      <div id="em-panel" role="tabpanel" aria-labelledby={'em-tab-' + tab}>
        {failed && !list ? <ErrorBox error={failed} /> : !sorted || !cfg ? <Loading /> : sorted.length === 0 ? (
          <NoData text={t(tab === 'open' ? 'redalert.none_open' : 'redalert.none_closed')} />
        ) : (
          <ul class="em-list" data-testid={'em-list-' + tab}>
            {sorted.map((e) => <Card key={e.id} e={e} cfg={cfg} now={now} fresh={Date.now() - (fresh.get(e.id) ?? 0) < 60000} onChanged={upsert} />)}
          </ul>
        )}
      </div>
      {cfg && (
        <p class="small muted">{cfg.levels.map((l) => t('redalert.level_rule', { level: pick(l, 'label'), ack: l.ack_within_minutes, treat: l.treat_within_minutes })).join(' · ')}</p>
      )}
    </section>
  );
}
