// Which form records a care item (schedule ids of data/schedules/*.json), and what it pre-fills.
// Data, not text: labels come from the server in both languages.
const VACCINE_OF_SERIES: Record<string, string> = {
  hepb: 'hepb', bcg: 'bcg', dtp: 'dtp_hepb_hib', opv: 'opv', ipv: 'ipv', measles: 'measles', je: 'je', rota: 'rota', td: 'td',
};

export function formForItem(itemId: string, personId: string, pregnancyId?: string): string | null {
  const parts = itemId.split('.');
  const q = new URLSearchParams({ person: personId });
  if (pregnancyId) q.set('pregnancy', pregnancyId);
  if (parts[0] === 'epi') {
    const series = parts[1];
    const dose = parts[2];
    let vaccine = VACCINE_OF_SERIES[series] ?? series;
    let n = dose === 'birth' ? '0' : dose === 'booster' ? '4' : dose;
    if (series === 'measles' && dose === '2') vaccine = 'mr';
    if (series === 'dtp' && dose === 'booster') vaccine = 'dtp';
    q.set('vaccine', vaccine);
    if (/^\d+$/.test(n)) q.set('dose', n);
    return `/new/immunization?${q}`;
  }
  if (parts[0] === 'anc') {
    if (parts[1] === 'tetanus') {
      q.set('vaccine', 'td');
      return `/new/immunization?${q}`;
    }
    return `/new/anc_visit?${q}`;
  }
  if (parts[0] === 'pnc') return `/new/postnatal_visit?${q}`;
  if (parts[0] === 'growth') return `/new/growth?${q}`;
  if (parts[0] === 'vitamin_a') return `/new/vitamin_a?${q}`;
  if (parts[0] === 'health_check') return `/new/health_check?${q}`;
  return null;
}

/** The open vaccine item that a dose (vaccine, dose number) records, found by the same mapping as formForItem. */
export function itemForDose<T extends { id: string; status: string }>(items: T[], vaccine: string, dose: string): T | undefined {
  return items.find((i) => {
    if (!(i.id.startsWith('epi.') || i.id === 'anc.tetanus') || i.status === 'done' || i.status === 'missed') return false;
    const q = new URLSearchParams((formForItem(i.id, '') ?? '').split('?')[1] ?? '');
    return q.get('vaccine') === vaccine && (q.get('dose') ?? '') === (q.has('dose') ? dose : '');
  });
}
