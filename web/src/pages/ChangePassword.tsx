import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { t } from '../lib/i18n';
import { navigate } from '../lib/router';
import { currentUser, setUser } from '../lib/session';

/** Password change; the only page offered while an initial password must be replaced. */
export function ChangePassword() {
  const user = currentUser()!;
  const forced = !!user.must_change_password;
  const [form, setForm] = useState({ old: '', next: '', again: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!form.old) errs.old = 'password.err.required';
    if (form.next.length < 8) errs.next = 'password.err.policy';
    else if (form.next === form.old) errs.next = 'password.err.same';
    if (form.again !== form.next) errs.again = 'password.err.mismatch';
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById('pw-' + Object.keys(errs)[0])?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.post('/auth/password', { old_password: form.old, new_password: form.next });
      setUser({ ...user, must_change_password: false });
      sessionStorage.setItem('u5.flash', 'password.done');
      navigate('/', true);
    } catch (err) {
      const a = err as ApiError;
      const field = a.field === 'old_password' ? 'old' : a.field === 'new_password' ? 'next' : '';
      setErrors(field ? { [field]: field === 'old' ? 'password.err.wrong' : 'password.err.policy' } : { form: a.status === 0 ? 'error.network' : 'error.server' });
      if (field) document.getElementById('pw-' + field)?.focus();
    }
    setBusy(false);
  };

  const input = (k: 'old' | 'next' | 'again', auto: string) => (
    <div class={errors[k] ? 'field invalid' : 'field'}>
      <label for={'pw-' + k}>{t('password.' + k)}</label>
      <input id={'pw-' + k} type="password" autocomplete={auto} value={form[k]} aria-invalid={errors[k] ? 'true' : undefined}
        aria-describedby={errors[k] ? 'pw-' + k + '-err' : undefined} onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })} />
      {errors[k] && <p class="field-error" id={'pw-' + k + '-err'} data-testid={'error-pw-' + k}>{t(errors[k])}</p>}
    </div>
  );

  return (
    <section class="page narrow" data-testid="password-page">
      <h1>{t('password.title')}</h1>
      {forced && <p class="alert info" role="status" data-testid="password-forced">{t('password.forced')}</p>}
      {errors.form && <p class="alert error" role="alert">{t(errors.form)}</p>}
      <form class="card" onSubmit={submit} noValidate>
        {input('old', 'current-password')}
        {input('next', 'new-password')}
        {input('again', 'new-password')}
        <p class="muted small">{t('password.rule')}</p>
        <button class="btn primary" type="submit" disabled={busy}>{t('password.submit')}</button>
      </form>
    </section>
  );
}
