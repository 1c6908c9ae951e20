import { useEffect, useState } from 'preact/hooks';
import { ComponentChildren } from 'preact';
import { api, ApiError } from '../lib/api';
import { currentLang, setLang, t } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { can, canManageUsers, canReadAudit, canReadDeaths, canSeePersons, currentUser, isWorker, setUser } from '../lib/session';
import { useOrgUnitNames } from '../lib/orgunits';
import { canSeeEmergencies } from '../lib/emergency';
import { stopSync, unsentCount } from '../lib/offline/sync';
import { SyncStatus } from './SyncStatus';
import { UpdateNotice } from './UpdateNotice';

function NavLink({ href, path, label }: { href: string; path: string; label: string }) {
  const active = href === '/' ? path === '/' : path.startsWith(href);
  return (
    <a href={href} onClick={linkClick} class={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
}

export function LangSwitch() {
  const other = currentLang() === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" class="lang-switch" lang={other} onClick={() => setLang(other)} aria-label={t('nav.switch_language')} data-testid="lang-switch">
      {t('nav.other_language')}
    </button>
  );
}

/** A one-line confirmation carried across a navigation (e.g. "Saved." after a form). */
function Flash({ path }: { path: string }) {
  const [msg, setMsg] = useState<string | null>(null);
  // The user changes without the path after the forced password change (the same '/' shows another page).
  const user = currentUser();
  useEffect(() => {
    const m = sessionStorage.getItem('u5.flash');
    sessionStorage.removeItem('u5.flash');
    setMsg(m);
  }, [path, user]);
  return msg ? <p class="alert ok" role="status" data-testid="flash">{t(msg)}</p> : null;
}

export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const user = currentUser()!;
  // While an initial password must be changed the API answers nothing else.
  const nameOf = useOrgUnitNames(user.must_change_password ? [] : user.orgunits);
  const logout = async () => {
    // The offline copy and the outbox go with the session: writes not yet sent would be lost.
    const unsent = await unsentCount().catch(() => 0);
    if (unsent > 0 && !window.confirm(t('sync.logout_confirm', { n: unsent }))) return;
    try {
      await api.post('/auth/logout', {});
    } catch (e) {
      // Logging out of an expired session is still logging out; without a signal the server's end of
      // the session waits for the next start online (App), so the cookie cannot let the next user in.
      if ((e as ApiError).status === 0) localStorage.setItem('u5.logout_pending', '1');
    }
    await stopSync().catch(() => undefined);
    setUser(null);
    navigate('/login', true);
  };
  return (
    <div class="shell">
      <a class="skip" href="#main">{t('nav.skip')}</a>
      <header class="topbar">
        <a href="/" onClick={linkClick} class="brand" aria-label={t('app.home')}>
          <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#fff" /><circle cx="16" cy="11" r="5" fill="#0b6e4f" /><path d="M7 27c1-6 5-9 9-9s8 3 9 9z" fill="#0b6e4f" /></svg>
          <span>{t('app.name')}</span>
        </a>
        <div class="topbar-right">
          <span class="who" title={t('role.' + user.role)}>
            {user.username}
            <span class="who-ou" data-testid="who-orgunit">{user.orgunits.map(nameOf).join(', ')}</span>
          </span>
          <LangSwitch />
          <button type="button" class="btn-ghost" onClick={logout}>{t('nav.logout')}</button>
        </div>
      </header>
      {!user.must_change_password && <nav class="nav" aria-label={t('nav.main')}>
        {isWorker(user) && <NavLink href="/" path={path} label={t('nav.home')} />}
        {canSeePersons(user) && <NavLink href="/search" path={path} label={t('nav.search')} />}
        {isWorker(user) && <NavLink href="/new/child" path={path} label={t('nav.register')} />}
        {can(user, 'aggregate.read') && <NavLink href="/dashboard" path={path} label={t('nav.dashboard')} />}
        {can(user, 'aggregate.read') && <NavLink href="/targets" path={path} label={t('targets.nav')} />}
        {canReadDeaths(user) && <NavLink href="/deaths" path={path} label={t('nav.deaths')} />}
        {canManageUsers(user) && <NavLink href="/users" path={path} label={t('nav.users')} />}
        {canReadAudit(user) && <NavLink href="/audit" path={path} label={t('nav.audit')} />}
        {canSeeEmergencies(user) && <NavLink href="/emergencies" path={path} label={t('redalert.nav')} />}
        {can(user, 'aggregate.read') && <NavLink href="/reports" path={path} label={t('reports.nav')} />}
        {can(user, 'aggregate.enter') && <NavLink href="/figures" path={path} label={t('figures.nav')} />}
      </nav>}
      <SyncStatus />
      <UpdateNotice />
      <main id="main" tabIndex={-1}>
        <Flash path={path} />
        {children}
      </main>
      <footer class="foot">{t('app.footer')}</footer>
    </div>
  );
}
