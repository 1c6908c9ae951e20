// The health check's age bands and their development milestones: the same file the server
// validates against (data/schedules/milestones.json), bundled at build time, so the form never
// offers a milestone the server would refuse.
import data from '../../../data/schedules/milestones.json';
import { ageParts } from '../lib/person';

export interface Milestone { id: string; domain: string; label_vi: string; label_en: string }
export interface Band { id: string; from_months: number; to_months: number; label_vi: string; label_en: string; milestones: Milestone[] }

export const BANDS: Band[] = data.bands;

/** The band of a child born on `birth` (YYYY-MM-DD) checked on `date`, by completed months as the server counts them. */
export function bandOn(birth: string, date: string): Band | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [y, m, d] = date.split('-').map(Number);
  const months = ageParts(birth, new Date(y, m - 1, d)).months;
  return BANDS.find((b) => months >= b.from_months && months < b.to_months) ?? null;
}

export function milestoneOf(id: string): Milestone | undefined {
  for (const b of BANDS) for (const m of b.milestones) if (m.id === id) return m;
  return undefined;
}
