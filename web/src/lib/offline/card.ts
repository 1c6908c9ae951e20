// What the handbook shows offline beyond the records themselves (docs/web.md "Offline"): a child's
// whole immunization card and growth chart, from the records in IndexedDB and what the server gave
// at login (the vaccine series of GET /care/schedule, the WHO curves of GET /growth/reference).
// The care engine's judgement stays the server's: open items come from the feed's due list.
import type { DueItem } from '../../components/DueList';
import type { GrowthData, GrowthPoint } from '../../components/GrowthChart';
import { isUnder5, todayIso } from '../person';
import type { DueEntry, LocalRecord } from './store';

export interface ScheduleDose {
  id: string; dose: string; label_vi: string; label_en: string; off: boolean;
  min_age: string; due_age: string; max_age?: string; min_interval?: string;
}
export interface ScheduleSeries { id: string; label_vi: string; label_en: string; vaccines: string[]; newborn_flag: string; doses: ScheduleDose[] }

/** `iso` plus an age of the schedule ("0d", "6w", "2m", "1y"); months and years clamp to the
 *  month's last day, as the engine's Span::After does. */
export function addAge(iso: string, age: string): string {
  const m = /^(\d+)([dwmy])$/.exec(age);
  const [y, mo, d] = iso.split('-').map(Number);
  if (!m) return iso;
  const n = Number(m[1]);
  if (m[2] === 'd' || m[2] === 'w') {
    const t = new Date(Date.UTC(y, mo - 1, d + n * (m[2] === 'w' ? 7 : 1)));
    return t.toISOString().slice(0, 10);
  }
  const months = (mo - 1) + n * (m[2] === 'y' ? 12 : 1);
  const ty = y + Math.floor(months / 12), tm = months % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return `${ty}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** A dose's state on `today` when the server has not judged the child yet (registered offline, no
 *  due list in the copy): by its due age and its maximum age only; the engine's finer rules (late
 *  windows, catch-up) come with the next sync. */
function statusOn(today: string, due: string, max: string | undefined): DueItem['status'] {
  if (max && today > max) return 'missed';
  return today < due ? 'upcoming' : 'due';
}

/** A due entry for a person the server has not judged yet (registered offline): no items of its
 *  own, so that the card lays out the doses by date (immunizationCard's byDate). */
export function localDueEntry(person_id: string): DueEntry {
  return { person_id, dead: false, items: [], alerts: [], next_visit: null, follow_up: null, local: true };
}

/** The record types immunizationCard reads: vaccinations, and newborn records whose flag gives a birth dose. */
export const CARD_TYPES = ['immunization', 'newborn'];

/** A child's whole immunization card: for each dose of each series in use, in the schedule's
 *  order, the dose given (done, with its date), else the feed's open item, else missed (its window
 *  closed by the sync's day: the engine lists every other dose of a child under five). Doses count
 *  as the engine counts them (src/care/plan.cpp Chain): the series' records in date order, each
 *  dose taking the first one inside its window (from the minimum age and the minimum interval after
 *  the dose before, to the maximum age), a dose waiting until the one before is given. A dose
 *  recorded offline counts at once by the same rule; the server confirms it at the next sync. */
export function immunizationCard(person: LocalRecord, records: LocalRecord[], series: ScheduleSeries[], open: DueItem[],
  byDate?: string): DueItem[] {
  const openById = new Map(open.map((i) => [i.id, i]));
  const birth: string = person.birth_date;
  const items: DueItem[] = [];
  for (const s of series) {
    const given = records
      .filter((r) => !r.deleted_at && ((r.type === 'immunization' && s.vaccines.includes(r.vaccine))
        || (r.type === 'newborn' && !!s.newborn_flag && r[s.newborn_flag] === true)))
      .sort((a, b) => String(a.date).localeCompare(String(b.date)));
    let g = 0;
    let prev: string | undefined;
    let prevDone = true;
    for (const d of s.doses.filter((x) => !x.off)) {
      let done: LocalRecord | undefined;
      const ready = prevDone;  // the dose before it given (or none before it)
      if (ready) {
        const fromAge = addAge(birth, d.min_age);
        const fromPrev = prev && d.min_interval ? addAge(prev, d.min_interval) : '';
        const earliest = fromPrev > fromAge ? fromPrev : fromAge;
        const max = d.max_age ? addAge(birth, d.max_age) : undefined;
        while (g < given.length && !done) {
          const x = given[g++];
          if (x.date >= earliest && (!max || x.date <= max)) done = x;
        }
      }
      prevDone = !!done;
      if (done) prev = done.date;
      const label = { label: d.label_vi, label_vi: d.label_vi, label_en: d.label_en };
      const due = addAge(birth, d.due_age);
      if (done) items.push({ id: d.id, rule: d.id, group: 'epi', ...label, status: 'done', earliest: due, due, late: due, done: done.date });
      else if (openById.has(d.id)) items.push(openById.get(d.id)!);
      else if (byDate && ready) items.push({ id: d.id, rule: d.id, group: 'epi', ...label, status: statusOn(byDate, due, d.max_age ? addAge(birth, d.max_age) : undefined), earliest: due, due, late: due });
      else items.push({ id: d.id, rule: d.id, group: 'epi', ...label, status: 'missed', earliest: due, due, late: due });
    }
  }
  return items;
}

/** A person's due entry as offline pages show it (the handbook's list, the worklist and its counts):
 *  for a child under five the vaccine items are the card's, so a dose recorded offline closes its item
 *  and the alert about that dose at once, as the card shows it given; `records` are the child's (at
 *  least those of CARD_TYPES). Other items, and other persons, stay as the server gave them until the
 *  next sync brings its new due list. */
export function dueWithCard(entry: DueEntry, person: LocalRecord | undefined, records: LocalRecord[], series: ScheduleSeries[] | undefined): DueEntry {
  if (!person || person.type !== 'person' || !series || entry.dead || !isUnder5(person as any)) return entry;
  const epi = (i: DueItem) => i.id.startsWith('epi.');
  const card = immunizationCard(person, records, series, entry.items.filter(epi), entry.local ? todayIso() : undefined);
  const given = new Set(card.filter((i) => i.status === 'done').map((i) => i.id));
  return {
    ...entry,
    items: [...card, ...entry.items.filter((i: DueItem) => !epi(i))],
    ...(entry.alerts ? { alerts: entry.alerts.filter((a: any) => !given.has(a.item_id)) } : {}),
  };
}

/** GET /persons/{id}/growth from the child's growth records and the cached WHO curves of their
 *  sex: the same points the server makes (src/http/growth_chart.cpp), z-scores as stored (a record
 *  made offline has none until the server derives them at the next sync). */
export function growthChart(person: LocalRecord, records: LocalRecord[], reference: Pick<GrowthData, 'charts' | 'source'>): GrowthData {
  const birth = Date.parse(person.birth_date);
  const points = records
    .filter((r) => r.type === 'growth' && !r.deleted_at)
    .sort((a, b) => String(a.date).localeCompare(String(b.date)))
    .map((r) => {
      const age_days = Math.round((Date.parse(r.date) - birth) / 86_400_000);
      const p: Record<string, unknown> = { id: r.id, date: r.date, age_days };
      for (const k of ['weight_kg', 'length_cm', 'measure', 'head_circumference_cm', 'muac_mm', 'oedema', 'z_lhfa', 'z_wfa', 'z_wflh', 'z_bmi',
        'z_hc', 'z_muac', 'implausible', 'stunting', 'underweight', 'wasting', 'weight_for_length', 'sam', 'remeasure'])
        if (r[k] !== undefined) p[k] = r[k];
      if (typeof r.weight_kg === 'number' && typeof r.length_cm === 'number') p.bmi = Math.round(r.weight_kg / (r.length_cm / 100) ** 2 * 100) / 100;
      // Under 731 days the weight-for-length chart applies, from then on weight-for-height (WHO).
      p.wfl_chart = age_days < 731 ? 'weight_for_length' : 'weight_for_height';
      return p as unknown as GrowthPoint;
    });
  return { points, charts: reference.charts, source: reference.source };
}
