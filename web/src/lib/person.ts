// Shapes of records as the API returns them, and small helpers shared by pages.
export interface Rec {
  id: string;
  type: string;
  version: number;
  date?: string;
  orgunit: string;
  person_id?: string;
  [k: string]: any;
}

export interface Person extends Rec {
  full_name: string;
  sex: 'female' | 'male';
  birth_date: string;
  village?: string;
  phone?: string;
  citizen_id?: string;
  mother_id?: string;
}

/** A person's mother or child as search and the handbook name them. */
export interface Relative {
  id: string;
  full_name: string;
  birth_date: string;
  sex: 'female' | 'male';
}

export function ageParts(birth: string, on = new Date()): { years: number; months: number; days: number } {
  const [y, m, d] = birth.split('-').map(Number);
  const b = new Date(Date.UTC(y, m - 1, d));
  const now = Date.UTC(on.getFullYear(), on.getMonth(), on.getDate());
  let months = (on.getFullYear() - y) * 12 + (on.getMonth() - (m - 1));
  if (on.getDate() < d) months -= 1;
  return { years: Math.floor(months / 12), months, days: Math.round((now - b.getTime()) / 86400000) };
}

export function isUnder5(p: Person) {
  return ageParts(p.birth_date).months < 60;
}

export function todayIso(): string {
  const n = new Date();
  const p = (x: number) => String(x).padStart(2, '0');
  return `${n.getFullYear()}-${p(n.getMonth() + 1)}-${p(n.getDate())}`;
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + days));
  return x.toISOString().slice(0, 10);
}
