import { useEffect, useMemo } from 'preact/hooks';
import { fmtDate, fmtNumber, pick, t, tOr, has } from '../lib/i18n';
import { api } from '../lib/api';
import { linkClick } from '../lib/router';
import { useApi } from '../lib/useApi';
import { Person, Rec, Relative, isUnder5 } from '../lib/person';
import { can, canReadAudit, currentUser, isWorker } from '../lib/session';
import { OrgUnitName } from '../lib/orgunits';
import { ErrorBox, Loading, NoData } from '../components/Status';
import { AgeText } from './Search';
import { DueItem, DueRow } from '../components/DueList';
import { GrowthChart, GrowthData, NutritionStatus } from '../components/GrowthChart';
import { loadEcharts } from '../components/Chart';
import { EVENT_FORMS, SUMMARY_FIELDS } from '../forms/specs';
import { formFor } from '../forms/records';
import { milestoneOf } from '../forms/milestones';
import { canRaiseEmergency, emergencyKind } from '../lib/emergency';

interface HandbookData {
  person: Person;
  mother?: { id: string; full_name: string };
  children: Relative[];
  events: Rec[];
}
interface DueData {
  items: DueItem[];
  alerts: { id: string; rule: string; since: string; message: string; message_vi?: string; message_en?: string }[];
  next_visit: string | null;
  follow_up?: { status: string; date: string; reason: string; by: string } | null;
}

const ENVELOPE = new Set(['id', 'type', 'version', 'created_at', 'updated_at', 'person_id', 'orgunit', 'date', 'pregnancy_id', 'deleted_at', 'delete_reason', 'implausible', 'pid', '_outbox']);

export function fieldValue(field: string, v: unknown): string {
  if (v === true) return t('common.yes');
  if (v === false) return t('common.no');
  if (Array.isArray(v)) return v.map((x) => fieldValue(field, x)).join(', ');
  if (typeof v === 'number') return fmtNumber(v, 2);
  if (typeof v === 'string') {
    // Milestones are named in data/schedules/milestones.json, not in the translation files.
    if (field.startsWith('milestones_') && milestoneOf(v)) return pick(milestoneOf(v), 'label');
    if (/^\d{4}-\d{2}-\d{2}/.test(v)) return fmtDate(v) + (v.length > 10 ? ' ' + v.slice(11, 16) : '');
    return tOr(`enum.${field}.${v}`, tOr(`enum.any.${v}`, v));
  }
  return String(v ?? '—');
}

/** A record with a write not yet on the server (lib/offline): waiting, in conflict, or refused. */
export function OutboxBadge({ r }: { r: Rec }) {
  if (!r._outbox) return null;
  return (
    <a href="/sync" onClick={linkClick} class={`badge badge-${r._outbox === 'waiting' ? 'info' : 'warn'}`} data-testid="outbox-badge" data-state={r._outbox}>
      <span aria-hidden="true">{r._outbox === 'waiting' ? '⏳' : '!'}</span> {t('sync.state.' + r._outbox)}
    </a>
  );
}

/** "Sửa" on a record the commune worker may change, through its form. */
function EditLink({ r }: { r: Rec }) {
  const form = formFor(r.type, r);
  if (!form || !isWorker(currentUser())) return null;
  const href = `/new/${form.form}?${r.type === 'person' ? '' : `person=${r.person_id}&`}edit=${r.id}`;
  return <a class="small edit-link" href={href} onClick={linkClick} data-testid="edit-record" aria-label={`${t('sync.edit')} ${t('record.' + r.type)}`}>{t('sync.edit')}</a>;
}

function EventItem({ e }: { e: Rec }) {
  const summary = (SUMMARY_FIELDS[e.type] ?? []).filter((f) => e[f] !== undefined && e[f] !== '');
  const details = Object.keys(e).filter((k) => !ENVELOPE.has(k) && e[k] !== undefined && e[k] !== '' && !summary.includes(k));
  return (
    <li class={`tl-item tl-${e.type}`} data-type={e.type}>
      <span class="tl-dot" aria-hidden="true" />
      <div class="tl-body">
        <div class="tl-head">
          <strong>{t('record.' + e.type)}</strong>
          <time datetime={e.date}>{fmtDate(e.date)}</time>
          <OutboxBadge r={e} />
          <EditLink r={e} />
        </div>
        {summary.length > 0 && (
          <p class="tl-summary">{summary.map((f) => `${t('field.' + f)}: ${fieldValue(f, e[f])}`).join(' · ')}</p>
        )}
        {e.type === 'death' && can(currentUser(), 'death.review') && (
          <p class="small"><a href={`/deaths/${e.id}/review`} onClick={linkClick} data-testid="review-link">{t('deaths.open_review')}</a></p>
        )}
        {details.length > 0 && (
          <details>
            <summary>{t('handbook.details')}</summary>
            <dl class="kv">
              {details.map((k) => (
                <>
                  <dt>{has('field.' + k) ? t('field.' + k) : k}</dt>
                  <dd>{fieldValue(k, e[k])}</dd>
                </>
              ))}
            </dl>
          </details>
        )}
      </div>
    </li>
  );
}

export function Handbook({ id }: { id: string }) {
  const hb = useApi<HandbookData>(`/persons/${id}/handbook`);
  const due = useApi<DueData>(`/persons/${id}/due`);
  const person = hb.data?.person;
  const child = person ? isUnder5(person) && !hb.data!.events.some((e) => e.type === 'pregnancy') : false;
  const growth = useApi<GrowthData>(person && child ? `/persons/${id}/growth` : null);
  // On a slow line the chart's library (ECharts) takes longer than the growth data: fetch both at once.
  useEffect(() => { if (child) loadEcharts(); }, [child]);
  const worker = isWorker(currentUser());

  const events = hb.data?.events ?? [];
  const byType = (ty: string) => events.filter((e) => e.type === ty);
  const vaccineItems = useMemo(() => (due.data?.items ?? []).filter((i) => i.id.startsWith('epi.') || i.id === 'anc.tetanus'), [due.data]);
  const openItems = (due.data?.items ?? []).filter((i) => i.status === 'due' || i.status === 'overdue' || (i.status === 'upcoming' && !i.id.startsWith('epi.')));

  if (hb.loading && !hb.data) return <Loading />;
  if (hb.error) return <ErrorBox error={hb.error} />;
  if (!person) return null;

  const pregnant = byType('pregnancy').length > 0;
  const forms = EVENT_FORMS.filter((f) => (child ? f.forChild : f.forWoman) && (!f.needsPregnancy || pregnant));
  const latestGrowth = growth.data?.points[growth.data.points.length - 1];

  return (
    <section class="page handbook">
      <header class="person-head card">
        <span class={`avatar big ${person.sex}`} aria-hidden="true">{person.full_name.split(' ').pop()?.[0]}</span>
        <div class="grow">
          <p class="eyebrow">{child ? t('handbook.child_book') : t('handbook.mother_book')}</p>
          <h1 data-testid="person-name">{person.full_name}</h1>
          <p><OutboxBadge r={person} /> <EditLink r={person} /></p>
          <p class="meta">
            {t('sex.' + person.sex)} · {t('field.birth_date')} {fmtDate(person.birth_date)} (<AgeText birth={person.birth_date} />)
          </p>
          <dl class="kv">
            <dt>{t('field.orgunit')}</dt><dd><OrgUnitName id={person.orgunit} /></dd>
            {person.village && (<><dt>{t('field.village')}</dt><dd>{person.village}</dd></>)}
            {person.phone && (<><dt>{t('field.phone')}</dt><dd><a href={`tel:${person.phone}`}>{person.phone}</a></dd></>)}
            {person.citizen_id && (<><dt>{t('field.citizen_id')}</dt><dd>{person.citizen_id}</dd></>)}
            {hb.data!.mother && (<><dt>{t('field.mother_id')}</dt><dd><a href={`/persons/${hb.data!.mother.id}`} onClick={linkClick}>{hb.data!.mother.full_name}</a></dd></>)}
            {due.data?.next_visit && (<><dt>{t('handbook.next_visit')}</dt><dd>{fmtDate(due.data.next_visit)}</dd></>)}
          </dl>
          {canReadAudit(currentUser()) && (
            <p class="small"><a href={'/audit?record=' + encodeURIComponent(person.id)} onClick={linkClick} data-testid="record-audit">{t('handbook.audit_link')}</a></p>
          )}
        </div>
      </header>

      {worker && (
        <nav class="record-actions" aria-label={t('handbook.record_actions')}>
          {forms.map((f) => (
            <a key={f.form} class="btn small" href={`/new/${f.form}?person=${person.id}`} onClick={linkClick} data-form={f.form}>
              + {has('deaths.notify_title.' + f.type) ? t('deaths.notify_title.' + f.type) : t('record.' + f.type)}
            </a>
          ))}
          {!child && person.sex === 'female' && (
            <a class="btn small" href={`/new/child?mother=${person.id}`} onClick={linkClick}>+ {t('form.new_child')}</a>
          )}
          {canRaiseEmergency(currentUser()) && <a class="btn small em-raise" href={`/emergencies/new?person=${person.id}&kind=${emergencyKind(person, child)}`} onClick={linkClick}
            data-testid="raise-emergency">{t('redalert.raise_for_person')}</a>}
        </nav>
      )}

      {(hb.data!.children ?? []).length > 0 && (
        <section class="card" aria-labelledby="h-children">
          <h2 id="h-children">{t('family.children')}</h2>
          <ul class="plain" data-testid="children">
            {hb.data!.children.map((c) => (
              <li key={c.id}>
                <a href={`/persons/${c.id}`} onClick={linkClick}>{c.full_name}</a>
                <span class="muted"> · {t('sex.' + c.sex)} · {t('family.born', { date: fmtDate(c.birth_date) })} (<AgeText birth={c.birth_date} />)</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {due.data?.follow_up && (
        <div class="alert info" role="status" data-testid="follow-up">
          {t('worklist.set_by', { status: t('worklist.status.' + due.data.follow_up.status), date: fmtDate(due.data.follow_up.date), reason: due.data.follow_up.reason, by: due.data.follow_up.by })}
          {worker && (
            <button type="button" class="btn small" onClick={() => api.post(`/persons/${person.id}/care-status`, { status: 'active' }).then(due.reload)}>
              {t('worklist.found_again')}
            </button>
          )}
        </div>
      )}

      {due.data && due.data.alerts.length > 0 && (
        <div class="alert error" role="status">
          <strong>{t('handbook.alerts')}</strong>
          <ul>{due.data.alerts.map((a) => <li key={a.id}>{pick(a, 'message')} ({fmtDate(a.since)})</li>)}</ul>
        </div>
      )}

      <div class="grid-2">
        <section class="card" aria-labelledby="h-due">
          <h2 id="h-due">{t('handbook.due')}</h2>
          {due.loading ? <Loading /> : !due.data ? <NoData /> : openItems.length === 0 ? <NoData text={t('handbook.nothing_due')} /> : (
            <ul class="due-list" data-testid="due-list">{openItems.map((i) => <DueRow key={i.id} item={i} personId={person.id} canRecord={worker} />)}</ul>
          )}
        </section>

        <section class="card" aria-labelledby="h-vacc">
          <h2 id="h-vacc">{t('handbook.immunization_card')}</h2>
          {due.data && vaccineItems.length > 0 ? (
            <ul class="due-list" data-testid="vaccine-card">{vaccineItems.map((i) => <DueRow key={i.id} item={i} personId={person.id} canRecord={worker} />)}</ul>
          ) : byType('immunization').length > 0 ? (
            <ul class="due-list">{byType('immunization').map((e) => (
              <li class="due-row st-done" key={e.id}><span class="grow"><strong>{fieldValue('vaccine', e.vaccine)} · {t('field.dose')} {e.dose}</strong><span class="meta">{fmtDate(e.date)}</span></span></li>
            ))}</ul>
          ) : <NoData />}
        </section>
      </div>

      {child && (
        <section class="card" aria-labelledby="h-growth">
          <h2 id="h-growth">{t('handbook.growth')}</h2>
          {growth.loading && <Loading />}
          {growth.data && growth.data.points.length === 0 && <NoData text={t('growth.none')} />}
          {growth.data && growth.data.points.length > 0 && (
            <div class="growth-wrap">
              <GrowthChart data={growth.data} />
              {latestGrowth && <NutritionStatus p={latestGrowth} />}
            </div>
          )}
        </section>
      )}

      <div class="grid-2">
        <section class="card" aria-labelledby="h-ill">
          <h2 id="h-ill">{t('handbook.illnesses')}</h2>
          {byType('illness').length + byType('injury').length === 0 ? <NoData text={t('handbook.none_recorded')} /> : (
            <ul class="plain">{[...byType('illness'), ...byType('injury')].map((e) => (
              <li key={e.id}>{fmtDate(e.date)} — {fieldValue('kind', e.kind)}{e.outcome ? ` (${fieldValue('outcome', e.outcome)})` : ''}</li>
            ))}</ul>
          )}
        </section>
        <section class="card" aria-labelledby="h-ref">
          <h2 id="h-ref">{t('handbook.referrals')}</h2>
          {byType('referral').length === 0 ? <NoData text={t('handbook.none_recorded')} /> : (
            <ul class="plain">{byType('referral').map((e) => (
              <li key={e.id}>{fmtDate(e.date)} — {e.reason}{e.to_facility_name ? ` → ${e.to_facility_name}` : ''}{e.red_alert ? ` · ${t('field.red_alert')}` : ''}</li>
            ))}</ul>
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="h-tl">
        <h2 id="h-tl">{t('handbook.timeline')}</h2>
        {events.length === 0 ? <NoData text={t('handbook.none_recorded')} /> : (
          <ol class="timeline" data-testid="timeline">{events.map((e) => <EventItem key={e.id} e={e} />)}</ol>
        )}
      </section>
    </section>
  );
}
