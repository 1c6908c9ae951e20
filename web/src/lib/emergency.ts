// Red-alert emergencies (báo động đỏ): the shapes of the API (docs/api.md "Emergencies"), the
// configuration every page reads once, and the live stream the board follows.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { pick, t } from './i18n';
import { User, can } from './session';
import { Person, ageParts } from './person';

export interface Labelled { id: string; label_vi: string; label_en: string }
export interface Level extends Labelled { ack_within_minutes: number; treat_within_minutes: number; source?: string }
export interface Reason extends Labelled { patient: string[] }
export interface Step extends Labelled { owner: 'from' | 'to' }
export interface EmergencyConfig {
  levels: Level[]; reasons: Reason[]; steps: Step[]; outcomes: Labelled[]; patient_kinds?: Labelled[];
  escalation?: { coordinators?: { province: string; orgunit: string }[] };
}
export interface Place { id: string; name: string }
export interface Emergency {
  id: string; version: number; patient_kind: string; person_id?: string; person_name?: string; patient_label: string; level: string; reason: string;
  from_orgunit: Place; to_orgunit: Place; raised_at: string; outcome?: string; status: 'open' | 'closed';
  escalated: { orgunit: Place; at: string }[]; next_step: string | null; created_by: string; note?: string;
  [at: string]: unknown;
}

export const PATIENT_KINDS = ['mother', 'newborn', 'child'];

/** The patient kind a handbook presets: a child in its first 28 days is a newborn (the neonatal period). */
export const emergencyKind = (p: Person, child: boolean) =>
  !child ? 'mother' : ageParts(p.birth_date).days < 28 ? 'newborn' : 'child';

/** `emergency.respond` (docs/security.md) both follows the board and raises alerts: a hospital may send a case on too. */
export const canSeeEmergencies = (u: User | null) => can(u, 'emergency.respond');
export const canRaiseEmergency = canSeeEmergencies;

let config: Promise<EmergencyConfig> | null = null;
/** The levels, reasons and steps (GET /emergency-config), fetched once per page load. */
function loadConfig(): Promise<EmergencyConfig> {
  if (!config) config = api.get<EmergencyConfig>('/emergency-config').catch((e) => { config = null; throw e; });
  return config;
}

export function useConfig(): { cfg: EmergencyConfig | null; error: unknown } {
  const [state, setState] = useState<{ cfg: EmergencyConfig | null; error: unknown }>({ cfg: null, error: null });
  useEffect(() => {
    let live = true;
    loadConfig().then((cfg) => live && setState({ cfg, error: null }), (error) => live && setState({ cfg: null, error }));
    return () => { live = false; };
  }, []);
  return state;
}

/** A patient kind's label: the configuration's when it names them, else the app's own. */
export const kindLabel = (cfg: EmergencyConfig | null, kind: string) =>
  cfg?.patient_kinds?.some((k) => k.id === kind) ? labelOf(cfg.patient_kinds, kind) : t('redalert.kind.' + kind);

export const labelOf = (list: Labelled[] | undefined, id: string | null | undefined) => {
  const x = list?.find((l) => l.id === id);
  return x ? pick(x, 'label') : id ?? '';
};

/** The time a step was entered: `<step>_at` (the outcome's own time is `outcome_at`). */
export const stepTime = (e: Emergency, step: string) => e[step + '_at'] as string | undefined;

/** The latest moment on the timeline: the alert, or the last step entered. */
export function lastStepAt(e: Emergency, steps: Step[]): { step: string; at: string } {
  let last = { step: 'raised', at: e.raised_at };
  for (const s of steps) {
    const at = stepTime(e, s.id);
    if (at) last = { step: s.id, at };
  }
  return last;
}

/** Minutes between two ISO moments. */
const minutesBetween = (from: string, to: number) => (to - Date.parse(from)) / 60000;

/**
 * What the level promises and whether it is broken at `now`: acknowledgement within
 * `ack_within_minutes` of the alert, treatment within `treat_within_minutes` (data/emergency).
 */
export function overdue(e: Emergency, level: Level | undefined, now: number): { ack: boolean; treat: boolean } {
  if (!level) return { ack: false, treat: false };
  const ackAt = stepTime(e, 'acknowledged');
  const treatAt = stepTime(e, 'treatment_started');
  // A closed case that never reached a step (died or sent on before treatment) missed nothing there.
  const late = (done: string | undefined, limit: number) =>
    (done || e.status === 'open') && minutesBetween(e.raised_at, done ? Date.parse(done) : now) > limit;
  return { ack: !!late(ackAt, level.ack_within_minutes), treat: !!late(treatAt, level.treat_within_minutes) };
}

/** How long since a moment, with its units ("12 phút 04 giây", "1 giờ 05 phút"): a bare 12:04 reads as a clock time. */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? t('redalert.duration.hm', { h: String(h), m: two(m) }) : t('redalert.duration.ms', { m: String(m), s: two(s % 60) });
}

/** The board's order: the most urgent level first; within it alerts nobody has acknowledged yet, then the newest. */
export function byUrgency(levels: Level[]) {
  const rank = (id: string) => {
    const i = levels.findIndex((l) => l.id === id);
    return i < 0 ? levels.length : i;
  };
  const acked = (e: Emergency) => (stepTime(e, 'acknowledged') ? 1 : 0);
  return (a: Emergency, b: Emergency) => rank(a.level) - rank(b.level) || acked(a) - acked(b) || b.raised_at.localeCompare(a.raised_at);
}

/**
 * The server's clock as the browser sees it: timers count from the server's `now` (list answer,
 * stream hello), so a phone whose clock is minutes off still shows the right waiting time.
 */
export function useServerClock(): { now: number; sync: (serverNow: string | undefined) => void } {
  const offset = useRef(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now() + offset.current), 1000);
    return () => clearInterval(id);
  }, []);
  const sync = (serverNow: string | undefined) => {
    const t = serverNow ? Date.parse(serverNow) : NaN;
    if (!Number.isNaN(t)) offset.current = t - Date.now();
    setNow(Date.now() + offset.current);
  };
  return { now, sync };
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Follows GET /emergencies/stream (server-sent events). `onOpen` runs on every (re)connection,
 * where the board reloads its list, since events sent while disconnected are not replayed;
 * EventSource reconnects by itself after a drop.
 */
export function useEmergencyStream(onEmergency: (e: Emergency) => void, onOpen: (serverNow?: string) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onEmergency, onOpen });
  handlers.current = { onEmergency, onOpen };
  useEffect(() => {
    let es: EventSource;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      es = new EventSource('/api/v1/emergencies/stream', { withCredentials: true });
      es.addEventListener('hello', (m) => {
        setState('live');
        let now: string | undefined;
        try {
          now = JSON.parse((m as MessageEvent).data).now;
        } catch {
          now = undefined;
        }
        handlers.current.onOpen(now);
      });
      es.addEventListener('emergency', (m) => {
        try {
          handlers.current.onEmergency(JSON.parse((m as MessageEvent).data));
        } catch {
          // A malformed event is dropped; the next reconnection reloads the whole list anyway.
        }
      });
      es.onerror = () => {
        setState('reconnecting');
        // An answer that is not a stream (401 after the session ended, 503) closes the EventSource for
        // good: ask who we are, so an ended session goes to the login page, and open a new one later.
        if (es.readyState === EventSource.CLOSED) {
          api.get('/auth/me').catch(() => undefined);
          retry = setTimeout(connect, 5000);
        }
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      es.close();
    };
  }, []);
  return state;
}
