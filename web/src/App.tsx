import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setUnauthenticatedHandler } from './lib/api';
import { onLangChange } from './lib/i18n';
import { match, navigate, useLocation } from './lib/router';
import { can, canManageUsers, canReadAudit, canReadDeaths, canSeePersons, currentUser, isWorker, onSessionChange, setNotice, setUser, User } from './lib/session';
import { Layout } from './components/Layout';
import { Login } from './pages/Login';
import { Home } from './pages/Home';
import { Search } from './pages/Search';
import { Handbook } from './pages/Handbook';
import { RecordForm } from './pages/RecordForm';
import { Dashboard } from './pages/Dashboard';
import { Users } from './pages/Users';
import { Audit } from './pages/Audit';
import { ChangePassword } from './pages/ChangePassword';
import { NotFound } from './pages/NotFound';
import { Deaths } from './pages/Deaths';
import { DeathReview, ReviewActionPage } from './pages/DeathReview';
import { HealthCheckForm } from './pages/HealthCheckForm';
import { EmergencyBoard } from './pages/EmergencyBoard';
import { EmergencyNew } from './pages/EmergencyNew';
import { EmergencyStats } from './pages/EmergencyStats';
import { canRaiseEmergency, canSeeEmergencies } from './lib/emergency';
import { Targets } from './pages/Targets';
import { Reports } from './pages/Reports';
import { Figures } from './pages/Figures';
import { startSync } from './lib/offline/sync';
import { SyncPage } from './pages/SyncPage';

export function App() {
  const [, bump] = useState(0);
  const [checked, setChecked] = useState(false);
  const { path, query } = useLocation();

  useEffect(() => {
    const off1 = onLangChange(() => bump((n) => n + 1));
    const off2 = onSessionChange(() => bump((n) => n + 1));
    // A commune worker's scope is kept offline once they are signed in (lib/offline/sync.ts).
    const off3 = onSessionChange(() => {
      const u = currentUser();
      if (u && !u.must_change_password) void startSync(u);
    });
    setUnauthenticatedHandler(() => {
      if (!currentUser()) return;
      setNotice('login.expired');
      setUser(null);
      navigate('/login?next=' + encodeURIComponent(location.pathname + location.search), true);
    });
    // A logout made offline could not end the session on the server: it ends now, before anyone is let in.
    const pendingLogout = localStorage.getItem('u5.logout_pending')
      ? api.post('/auth/logout', {}).then(() => localStorage.removeItem('u5.logout_pending'))
        .catch((e) => void ((e as ApiError).status !== 0 && localStorage.removeItem('u5.logout_pending')))
      : Promise.resolve();
    pendingLogout.then(() => api.get<User>('/auth/me'))
      .then((u) => setUser(u))
      .catch(() => setUser(null))
      .finally(() => setChecked(true));
    return () => {
      off1();
      off2();
      off3();
    };
  }, []);

  if (!checked) return <div class="boot" aria-busy="true" />;
  const user = currentUser();
  if (!user || path === '/login') {
    if (user && path === '/login') {
      navigate(query.get('next') || '/', true);
      return null;
    }
    if (path !== '/login') navigate('/login' + (path !== '/' ? '?next=' + encodeURIComponent(path + location.search) : ''), true);
    return <Login next={query.get('next') || '/'} />;
  }

  let page;
  let m: Record<string, string> | null;
  // An initial password must be replaced before anything else (the API refuses the rest meanwhile).
  if (user.must_change_password) page = <ChangePassword />;
  else if (path === '/password') page = <ChangePassword />;
  else if (path === '/') page = isWorker(user) ? <Home /> : can(user, 'aggregate.read') ? <Dashboard /> : canManageUsers(user) ? <Users /> : canSeeEmergencies(user) ? <EmergencyBoard /> : <Audit query={query} />;
  else if (path === '/search' && canSeePersons(user)) page = <Search initial={query.get('q') || ''} />;
  else if ((m = match('/persons/:id', path)) && canSeePersons(user)) page = <Handbook id={m.id} key={m.id} />;
  else if (path === '/new/health_check' && isWorker(user)) page = <HealthCheckForm query={query} key={location.search} />;
  else if ((m = match('/new/:form', path)) && isWorker(user)) page = <RecordForm form={m.form} query={query} key={path + location.search} />;
  else if (path === '/dashboard') page = <Dashboard />;
  else if ((path === '/users' || path === '/admin') && canManageUsers(user)) page = <Users />;
  else if (path === '/audit' && canReadAudit(user)) page = <Audit query={query} />;
  else if (path === '/deaths' && canReadDeaths(user)) page = <Deaths query={query} key={location.search} />;
  else if ((m = match('/deaths/:id/review', path))) page = <DeathReview id={m.id} key={m.id} />;
  else if ((m = match('/review-actions/:id', path)) && canReadDeaths(user)) page = <ReviewActionPage id={m.id} key={m.id} />;
  else if (path === '/emergencies' && canSeeEmergencies(user)) page = <EmergencyBoard />;
  else if (path === '/emergencies/new' && canRaiseEmergency(user)) page = <EmergencyNew query={query} key={location.search} />;
  else if (path === '/emergencies/stats' && canSeeEmergencies(user)) page = <EmergencyStats />;
  else if (path === '/targets' && can(user, 'aggregate.read')) page = <Targets />;
  else if (path === '/reports' && can(user, 'aggregate.read')) page = <Reports query={query} key={location.search} />;
  else if (path === '/figures' && can(user, 'aggregate.enter')) page = <Figures />;
  else if (path === '/sync' && isWorker(user)) page = <SyncPage />;
  else page = <NotFound />;
  return <Layout path={path}>{page}</Layout>;
}
