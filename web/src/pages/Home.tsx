import { useState } from 'preact/hooks';
import { api, ApiError, qs } from '../lib/api';
import { fmtDate, pick, t, tOr } from '../lib/i18n';
import { linkClick, navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/useApi';
import { DeathFollowUps } from '../components/DeathFollowUps';
import { addDays, todayIso } from '../lib/person';
import { currentUser } from '../lib/session';
import { useOrgUnitNames } from '../lib/orgunits';
import { DueItem, DueRow } from '../components/DueList';
import { Loading, NoData } from '../components/Status';

interface FollowUp { status: string; date: string; reason: string; by: string; at: string }
interface WorkPerson {
  person_id: string; full_name: string; birth_date: string; age: string; sex: string; phone: string; mother_name: string;
  urgency: number; days_overdue: number; items: DueItem[]; alerts: Alert[]; follow_up?: FollowUp;
}
type ListName = 'current' | 'long_lost' | 'set_aside';
interface Worklist {
  from: string; to: string; persons: number; items: number; list: ListName; long_lost_overdue_days: number;
  counts: Record<ListName, number>; village_counts: { village: string; persons: number }[];
  villages: { village: string; persons: WorkPerson[] }[];
}
interface Alert { id: string; rule: string; person_id: string; since: string; message: string; message_vi?: string; message_en?: string; full_name?: string; village?: string; phone?: string; acknowledged?: { by: string; at: string } | null }

/** The kinds of care a worklist can be narrowed to: the item groups of data/schedules (the API refuses others). */
const KINDS = ['epi', 'anc', 'pnc', 'growth', 'vitamin_a', 'health_check'];
/** Which alerts come first in the summary: those where a life may be at stake, then the rest; overdue doses last. */
const ALERT_ORDER = ['delivery_missing', 'sam_no_followup', 'newborn_no_home_visit', 'high_risk_not_seen', 'untreated_illness', 'vaccine_overdue'];
/** Rendered at a time, so a phone page stays short; the rest behind "show more". */
const PAGE = 10;
const ALERTS_SHOWN = 3;

function AlertSummary() {
  const alerts = useApi<{ items: Alert[] }>('/alerts' + qs({ status: 'open' }));
  const [acked, setAcked] = useState<Set<string>>(new Set());
  const [shown, setShown] = useState(ALERTS_SHOWN);
  const ack = async (id: string) => {
    try {
      await api.post(`/alerts/${encodeURIComponent(id)}/ack`, { note: '' });
      setAcked((s) => new Set([...s, id]));
    } catch {
      alerts.reload();
    }
  };
  if (alerts.loading) return <Loading />;
  if (!alerts.data) return <NoData />;
  const rank = (r: string) => (ALERT_ORDER.indexOf(r) + ALERT_ORDER.length + 1) % (ALERT_ORDER.length + 1);
  const open = alerts.data.items.filter((a) => !acked.has(a.id))
    .sort((a, b) => rank(a.rule) - rank(b.rule) || b.since.localeCompare(a.since));
  if (open.length === 0) return <NoData text={t('home.no_alerts')} />;
  return (
    <>
      <p class="stat-pill" data-testid="alerts-count">{t('worklist.alerts_count', { n: open.length })}</p>
      <ul class="alert-list" data-testid="alerts">
        {open.slice(0, shown).map((a) => (
          <li key={a.id} class="alert-row">
            <span class="grow">
              <a href={`/persons/${a.person_id}`} onClick={linkClick}><strong>{a.full_name}</strong></a>
              <span class="meta">{pick(a, 'message') || tOr('alert.' + a.rule, a.message)} · {t('home.since', { date: fmtDate(a.since) })}{a.village ? ' · ' + a.village : ''}</span>
            </span>
            <button type="button" class="btn small" onClick={() => ack(a.id)} aria-label={t('home.ack_for', { name: a.full_name ?? '' })}>{t('home.ack')}</button>
          </li>
        ))}
      </ul>
      {open.length > shown && (
        <button type="button" class="btn small" data-testid="alerts-more" onClick={() => setShown(shown + 20)}>
          {shown === ALERTS_SHOWN ? t('worklist.alerts_show_all', { n: open.length }) : t('worklist.show_more', { n: Math.min(20, open.length - shown) })}
        </button>
      )}
      {shown > ALERTS_SHOWN && <button type="button" class="btn small" onClick={() => setShown(ALERTS_SHOWN)}>{t('worklist.alerts_show_less')}</button>}
    </>
  );
}

/** "Moved away / not found": status, date and reason, written with the user's name by the server (audited). */
function MarkForm({ p, onDone, onCancel }: { p: WorkPerson; onDone: () => void; onCancel: () => void }) {
  const [status, setStatus] = useState('moved_away');
  const [date, setDate] = useState(todayIso());
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = (k: string) => `mk-${k}-${p.person_id}`;
  const save = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('worklist.reason_required'));
      document.getElementById(id('reason'))?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.post(`/persons/${p.person_id}/care-status`, { status, date, reason });
      onDone();
    } catch (err) {
      setBusy(false);
      setError((err as ApiError).message);
    }
  };
  return (
    <form class="mark-form" onSubmit={save} data-testid="mark-form">
      <div class="field">
        <label for={id('status')}>{t('worklist.status_label')}</label>
        <select id={id('status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          {['moved_away', 'not_found'].map((s) => <option key={s} value={s}>{t('worklist.status.' + s)}</option>)}
        </select>
      </div>
      <div class="field">
        <label for={id('date')}>{t('worklist.date')}</label>
        <input id={id('date')} type="date" value={date} max={todayIso()} onInput={(e) => setDate(e.currentTarget.value)} />
      </div>
      <div class={error ? 'field invalid' : 'field'}>
        <label for={id('reason')}>{t('worklist.reason')}</label>
        <input id={id('reason')} type="text" value={reason} aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? id('err') : undefined} onInput={(e) => setReason(e.currentTarget.value)} />
        {error && <p class="field-error" id={id('err')} role="alert">{error}</p>}
      </div>
      <div class="actions">
        <button class="btn primary small" type="submit" disabled={busy}>{t('worklist.save')}</button>
        <button class="btn small" type="button" onClick={onCancel}>{t('worklist.cancel')}</button>
      </div>
    </form>
  );
}

/** One village of a list, its first PAGE persons rendered and the rest on demand. */
function Village({ g, open, onToggle, list, onChanged }: {
  g: { village: string; persons: WorkPerson[] }; open: boolean; onToggle: () => void; list: ListName; onChanged: () => void;
}) {
  const [shown, setShown] = useState(PAGE);
  const [marking, setMarking] = useState<string | null>(null);
  const foundAgain = async (p: WorkPerson) => {
    await api.post(`/persons/${p.person_id}/care-status`, { status: 'active' });
    onChanged();
  };
  return (
    <div class="village">
      <button type="button" class="village-head" aria-expanded={open} onClick={onToggle}>
        <span>{g.village}</span>
        <span class="count">{t('home.people', { n: g.persons.length })}</span>
      </button>
      {open && (
        <ul class="work-list" data-testid={list === 'current' ? 'worklist' : `list-${list}`}>
          {g.persons.slice(0, shown).map((p) => (
            <li key={p.person_id} class={`work-person u${p.urgency}`} data-person={p.person_id}>
              <div class="wp-head">
                <a href={`/persons/${p.person_id}`} onClick={linkClick}><strong>{p.full_name}</strong></a>
                <span class="meta">{fmtDate(p.birth_date)}{p.mother_name ? ' · ' + t('home.mother', { name: p.mother_name }) : ''}{p.phone ? ' · ' : ''}{p.phone && <a href={`tel:${p.phone}`}>{p.phone}</a>}
                  {list === 'long_lost' ? ' · ' + t('worklist.overdue_days', { n: p.days_overdue }) : ''}</span>
                {p.follow_up && (
                  <span class="meta">{t('worklist.set_by', { status: t('worklist.status.' + p.follow_up.status), date: fmtDate(p.follow_up.date), reason: p.follow_up.reason, by: p.follow_up.by })}</span>
                )}
              </div>
              {list === 'current' && <ul class="due-list">{p.items.map((i) => <DueRow key={i.id} item={i} personId={p.person_id} canRecord />)}</ul>}
              {list === 'long_lost' && (marking === p.person_id
                ? <MarkForm p={p} onDone={() => { setMarking(null); onChanged(); }} onCancel={() => setMarking(null)} />
                : <button type="button" class="btn small" data-testid="mark" onClick={() => setMarking(p.person_id)}
                    aria-label={t('worklist.mark_for', { name: p.full_name })}>{t('worklist.mark')}</button>)}
              {list === 'set_aside' && (
                <button type="button" class="btn small" data-testid="found-again" onClick={() => foundAgain(p)}
                  aria-label={t('worklist.found_again_for', { name: p.full_name })}>{t('worklist.found_again')}</button>
              )}
            </li>
          ))}
          {g.persons.length > shown && (
            <li><button type="button" class="btn small" data-testid="show-more" onClick={() => setShown(shown + PAGE)}>
              {t('worklist.show_more', { n: Math.min(PAGE, g.persons.length - shown) })}
            </button></li>
          )}
        </ul>
      )}
    </div>
  );
}

/** A list's villages, collapsed but the first. */
function WorkListView({ data, onChanged }: { data: Worklist; onChanged: () => void }) {
  const [opened, setOpened] = useState<Set<string> | null>(null);
  const villages = data.villages;
  if (villages.length === 0) return <NoData text={data.list === 'current' ? t('home.nothing') : t('worklist.none')} />;
  return (
    <>
      {villages.map((g) => {
        const isOpen = opened ? opened.has(g.village) : g === villages[0];
        const toggle = () => setOpened((o) => {
          const n = new Set(o ?? [villages[0].village]);
          if (isOpen) n.delete(g.village); else n.add(g.village);
          return n;
        });
        return <Village key={g.village} g={g} open={isOpen} onToggle={toggle} list={data.list} onChanged={onChanged} />;
      })}
    </>
  );
}

/** The long-lost or set-aside list, fetched only once its section is opened. */
function LazyList({ path, onChanged }: { path: string | null; onChanged: () => void }) {
  const wl = useApi<Worklist>(path);
  if (!path) return null;
  if (wl.loading && !wl.data) return <Loading />;
  if (!wl.data) return <NoData />;
  return <WorkListView data={wl.data} onChanged={onChanged} />;
}

export function Home() {
  const { query } = useLocation();
  const from = todayIso();
  const to = addDays(from, 6);
  const village = query.get('village') ?? '';
  const kind = query.get('kind') ?? '';
  // The current list's answer gives the counts of the other two and the villages to pick from.
  const wl = useApi<Worklist>('/worklist' + qs({ from, to, village, kind }));
  // A mark or "found again" changes every list: the sections are remounted (and refetched) under a new key.
  const [version, setVersion] = useState(0);
  const [lostOpen, setLostOpen] = useState(false);
  const [asideOpen, setAsideOpen] = useState(false);
  const user = currentUser()!;
  const nameOf = useOrgUnitNames(user.orgunits);
  // Filters live in the URL: a list can be bookmarked, shared and come back to with the back button.
  const setFilter = (k: string, v: string) => {
    const q = new URLSearchParams(location.search);
    if (v) q.set(k, v); else q.delete(k);
    const s = q.toString();
    navigate('/' + (s ? '?' + s : ''), true);
  };
  const changed = () => {
    wl.reload();
    setVersion((n) => n + 1);
  };
  const counts = wl.data?.counts;
  const days = wl.data?.long_lost_overdue_days ?? 0;
  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('home.title')}</h1>
          <p class="muted">{t('home.range', { from: fmtDate(from), to: fmtDate(to) })} · {user.orgunits.map(nameOf).join(', ')}</p>
        </div>
        {wl.data && <p class="stat-pill" data-testid="worklist-count">{t('home.summary', { persons: wl.data.persons, items: wl.data.items })}</p>}
      </div>
      <section class="card" aria-labelledby="h-al" data-testid="alerts-summary">
        <h2 id="h-al">{t('home.alerts')}</h2>
        <AlertSummary />
      </section>
      <DeathFollowUps />
      <section class="card" aria-labelledby="h-wl">
        <h2 id="h-wl">{t('home.worklist')}</h2>
        <fieldset class="filters" data-testid="filters">
          <legend class="small muted">{t('worklist.filters')}</legend>
          <div class="field">
            <label for="wl-village">{t('worklist.village')}</label>
            <select id="wl-village" value={village} onChange={(e) => setFilter('village', e.currentTarget.value)}>
              <option value="">{t('worklist.all_villages')}</option>
              {(wl.data?.village_counts ?? []).map((v) => <option key={v.village} value={v.village}>{v.village} ({v.persons})</option>)}
              {village && !(wl.data?.village_counts ?? []).some((v) => v.village === village) && <option value={village}>{village}</option>}
            </select>
          </div>
          <div class="field">
            <label for="wl-kind">{t('worklist.kind')}</label>
            <select id="wl-kind" value={kind} onChange={(e) => setFilter('kind', e.currentTarget.value)}>
              <option value="">{t('worklist.all_kinds')}</option>
              {KINDS.map((k) => <option key={k} value={k}>{t('worklist.kinds.' + k)}</option>)}
            </select>
          </div>
        </fieldset>
        {days > 0 && <p class="muted small">{t('worklist.default_view', { n: days })}</p>}
        {wl.loading && !wl.data && <Loading />}
        {!wl.loading && !wl.data && <NoData />}
        {wl.data && <WorkListView key={`${village}|${kind}`} data={wl.data} onChanged={changed} />}
      </section>
      {counts && (
        <details class="card" data-testid="long-lost" onToggle={(e) => setLostOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary><strong>{t('worklist.long_lost', { n: days })}</strong> · <span data-testid="long-lost-count">{t('worklist.count', { n: counts.long_lost })}</span></summary>
          <p class="muted small">{t('worklist.long_lost_hint')}</p>
          <LazyList key={`ll|${village}|${kind}|${version}`} path={lostOpen ? '/worklist' + qs({ from, to, village, kind, list: 'long_lost' }) : null} onChanged={changed} />
        </details>
      )}
      {counts && (
        <details class="card" data-testid="set-aside" onToggle={(e) => setAsideOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary><strong>{t('worklist.set_aside')}</strong> · <span data-testid="set-aside-count">{t('worklist.count', { n: counts.set_aside })}</span></summary>
          <LazyList key={`sa|${village}|${version}`} path={asideOpen ? '/worklist' + qs({ from, to, village, list: 'set_aside' }) : null} onChanged={changed} />
        </details>
      )}
    </section>
  );
}
