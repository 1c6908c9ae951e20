import { useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtDate, t, tOr } from '../lib/i18n';
import { linkClick } from '../lib/router';
import { useApi } from '../lib/useApi';
import { addDays, todayIso } from '../lib/person';
import { currentUser } from '../lib/session';
import { useOrgUnitNames } from '../lib/orgunits';
import { DueItem, DueRow } from '../components/DueList';
import { Loading, NoData } from '../components/Status';

interface WorkPerson {
  person_id: string; full_name: string; birth_date: string; age: string; sex: string; phone: string; mother_name: string;
  urgency: number; days_overdue: number; items: DueItem[]; alerts: Alert[];
}
interface Worklist { from: string; to: string; persons: number; items: number; villages: { village: string; persons: WorkPerson[] }[] }
interface Alert { id: string; rule: string; person_id: string; since: string; message: string; full_name?: string; village?: string; phone?: string; acknowledged?: { by: string; at: string } | null }

function AlertList() {
  const alerts = useApi<{ items: Alert[] }>('/alerts' + qs({ status: 'open' }));
  const [acked, setAcked] = useState<Set<string>>(new Set());
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
  const open = alerts.data.items.filter((a) => !acked.has(a.id));
  if (open.length === 0) return <NoData text={t('home.no_alerts')} />;
  return (
    <ul class="alert-list" data-testid="alerts">
      {open.slice(0, 30).map((a) => (
        <li key={a.id} class="alert-row">
          <span class="grow">
            <a href={`/persons/${a.person_id}`} onClick={linkClick}><strong>{a.full_name}</strong></a>
            <span class="meta">{tOr('alert.' + a.rule, a.message)} · {t('home.since', { date: fmtDate(a.since) })}{a.village ? ' · ' + a.village : ''}</span>
          </span>
          <button type="button" class="btn small" onClick={() => ack(a.id)} aria-label={t('home.ack_for', { name: a.full_name ?? '' })}>{t('home.ack')}</button>
        </li>
      ))}
      {open.length > 30 && <li class="muted small">{t('home.more', { n: open.length - 30 })}</li>}
    </ul>
  );
}

export function Home() {
  const from = todayIso();
  const to = addDays(from, 6);
  const wl = useApi<Worklist>('/worklist' + qs({ from, to }));
  // Only the first village starts open: a commune's week can list dozens of people.
  const [opened, setOpened] = useState<Set<string> | null>(null);
  const user = currentUser()!;
  const nameOf = useOrgUnitNames(user.orgunits);
  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('home.title')}</h1>
          <p class="muted">{t('home.range', { from: fmtDate(from), to: fmtDate(to) })} · {user.orgunits.map(nameOf).join(', ')}</p>
        </div>
        {wl.data && <p class="stat-pill" data-testid="worklist-count">{t('home.summary', { persons: wl.data.persons, items: wl.data.items })}</p>}
      </div>
      <div class="grid-home">
        <section class="card" aria-labelledby="h-wl">
          <h2 id="h-wl">{t('home.worklist')}</h2>
          {wl.loading && <Loading />}
          {!wl.loading && !wl.data && <NoData />}
          {wl.data && wl.data.villages.length === 0 && <NoData text={t('home.nothing')} />}
          {wl.data && wl.data.villages.map((g) => {
            const isOpen = opened ? opened.has(g.village) : g === wl.data!.villages[0];
            return (
              <div class="village" key={g.village}>
                <button type="button" class="village-head" aria-expanded={isOpen} onClick={() => setOpened((o) => { const n = new Set(o ?? [wl.data!.villages[0].village]); if (isOpen) n.delete(g.village); else n.add(g.village); return n; })}>
                  <span>{g.village}</span>
                  <span class="count">{t('home.people', { n: g.persons.length })}</span>
                </button>
                {isOpen && (
                  <ul class="work-list" data-testid="worklist">
                    {g.persons.map((p) => (
                      <li key={p.person_id} class={`work-person u${p.urgency}`} data-person={p.person_id}>
                        <div class="wp-head">
                          <a href={`/persons/${p.person_id}`} onClick={linkClick}><strong>{p.full_name}</strong></a>
                          <span class="meta">{fmtDate(p.birth_date)}{p.mother_name ? ' · ' + t('home.mother', { name: p.mother_name }) : ''}{p.phone ? ' · ' : ''}{p.phone && <a href={`tel:${p.phone}`}>{p.phone}</a>}</span>
                        </div>
                        <ul class="due-list">{p.items.map((i) => <DueRow key={i.id} item={i} personId={p.person_id} canRecord />)}</ul>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            );
          })}
        </section>
        <section class="card" aria-labelledby="h-al">
          <h2 id="h-al">{t('home.alerts')}</h2>
          <AlertList />
        </section>
      </div>
    </section>
  );
}
