import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { t } from '../lib/i18n';
import { navigate } from '../lib/router';
import { setUser, takeNotice, User } from '../lib/session';
import { LangSwitch } from '../components/Layout';

export function Login({ next }: { next: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice] = useState(takeNotice);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!username.trim() || !password) {
      setError('login.missing');
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ user: User }>('/auth/login', { username: username.trim(), password });
      // A new session: an offline logout still waiting for the server concerned the old one (App).
      localStorage.removeItem('u5.logout_pending');
      setUser(r.user);
      navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
    } catch (err) {
      const e = err as ApiError;
      setError(e.status === 401 ? 'login.wrong' : e.status === 429 ? 'login.throttled' : e.status === 0 ? 'error.network' : 'error.server');
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <div class="login-lang"><LangSwitch /></div>
      <main id="main" class="login-card">
        <div class="login-brand">
          <svg viewBox="0 0 32 32" width="48" height="48" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#0b6e4f" /><circle cx="16" cy="11" r="5" fill="#fff" /><path d="M7 27c1-6 5-9 9-9s8 3 9 9z" fill="#fff" /></svg>
          <div>
            <h1>{t('app.name')}</h1>
            <p class="muted">{t('login.tagline')}</p>
          </div>
        </div>
        {notice && <p class="alert info" role="status">{t(notice)}</p>}
        {error && <p class="alert error" role="alert" data-testid="login-error">{t(error)}</p>}
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for="username">{t('login.username')}</label>
            <input id="username" name="username" autocomplete="username" autocapitalize="none" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="password">{t('login.password')}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
          <button class="btn primary block" type="submit" disabled={busy}>{busy ? t('login.signing_in') : t('login.submit')}</button>
        </form>
        <p class="muted small">{t('login.demo_hint')}</p>
      </main>
    </div>
  );
}
