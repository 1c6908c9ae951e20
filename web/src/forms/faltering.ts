// Growth faltering on a child's weight line, as the handbook's growth chart flags it.
// The Mother and Child Health Handbook of the Ministry of Health (Sổ theo dõi sức khỏe bà mẹ và
// trẻ em) teaches mothers and health workers to read the weight line: going up is good, flat is a
// warning ("đe dọa"), going down is danger ("nguy hiểm"); WHO's Training Course on Child Growth
// Assessment (2008, module C, "Interpreting growth indicators") likewise treats a flat or falling
// line as a sign of a problem to look into. The thresholds are this app's rule, kept here to change:
// a flat line counts only over at least a month, and only under two years, when children are
// weighed monthly and should gain every month.
export const FALTERING = {
  flatMinDays: 30, // no gain since a weighing at least this long ago
  flatUnderAgeDays: 730, // flat weight is flagged for children younger than this (2 years)
};

export type Falter = 'loss' | 'flat';

interface Weighed { id: string; date: string; age_days: number; weight_kg?: number }

const dayOf = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000;

/** Each weighing that is lower than the one before ('loss') or, under two years, no higher than the
 * latest weighing at least a month before it ('flat'), by point id. */
export function faltering(points: Weighed[]): Map<string, Falter> {
  const out = new Map<string, Falter>();
  const ws = points.filter((p) => p.weight_kg !== undefined).sort((a, b) => a.date.localeCompare(b.date));
  ws.forEach((p, i) => {
    if (i === 0) return;
    if (p.weight_kg! < ws[i - 1].weight_kg!) {
      out.set(p.id, 'loss');
      return;
    }
    if (p.age_days >= FALTERING.flatUnderAgeDays) return;
    const monthAgo = ws.slice(0, i).reverse().find((q) => dayOf(p.date) - dayOf(q.date) >= FALTERING.flatMinDays);
    if (monthAgo && p.weight_kg! <= monthAgo.weight_kg!) out.set(p.id, 'flat');
  });
  return out;
}
