// The signed-in user, kept in memory; after a reload App asks /auth/me again (the cookie survives it).
// The session itself is the HttpOnly cookie; this is only who it belongs to.
export interface User {
  id: string;
  username: string;
  role: string;
  orgunits: string[];
  permissions?: string[];
  must_change_password?: boolean;
}

const listeners = new Set<() => void>();
let user: User | null = null;
let notice: string | null = null; // translation key shown on the login page (e.g. expired session)

export function currentUser() {
  return user;
}
export function setUser(u: User | null) {
  user = u;
  listeners.forEach((f) => f());
}
export function onSessionChange(f: () => void) {
  listeners.add(f);
  return () => listeners.delete(f);
}
export function takeNotice(): string | null {
  const n = notice;
  notice = null;
  return n;
}
export function setNotice(key: string) {
  notice = key;
}

export const isWorker = (u: User | null) => u?.role === 'commune_worker';
export const isOfficer = (u: User | null) => u?.role === 'district_officer' || u?.role === 'province_officer';
export const canSeePersons = (u: User | null) => isWorker(u) || isOfficer(u);
/** Whether to offer a page; the server checks every request again. */
export const can = (u: User | null, permission: string) => !!u?.permissions?.includes(permission);
export const canManageUsers = (u: User | null) => can(u, 'user.manage');
export const canReadAudit = (u: User | null) => can(u, 'audit.read');
/** Deaths are person-level records: the list is for those who read them, or review them. */
export const canReadDeaths = (u: User | null) => can(u, 'person.read') || can(u, 'death.review');
/** The first org unit of the user's scope as the server gave it (a commune, district or province code, or 'VN'). */
export const homeOrgunit = (u: User | null) => u?.orgunits[0] ?? '';
