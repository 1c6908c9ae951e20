import { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { currentLang, fmtTimestamp, pick, t } from '../lib/i18n';
import { childrenOf, OrgUnit, useOrgUnitNames } from '../lib/orgunits';
import { currentUser } from '../lib/session';
import { useApi } from '../lib/useApi';
import { Badge, ErrorBox, Loading } from '../components/Status';

interface Label { vi: string; en: string }
interface RoleItem { id: string; label: Label }
interface ManagedUser {
  id: string; username: string; full_name: string; role: string; role_label: Label;
  orgunits: { id: string; name: string; name_vi?: string; name_en?: string }[]; disabled: boolean; must_change_password: boolean; created_at: string;
}
type Errors = Record<string, string>;

const label = (l: Label) => (currentLang() === 'vi' ? l.vi : l.en || l.vi);

/** The API names the field at fault; the sentence shown is ours, in the user's language. */
function errorsOf(err: unknown): Errors {
  const e = err as ApiError;
  if (e.status === 409 && e.field === 'username') return { username: 'users.err.taken' };
  if (e.field && ['username', 'full_name', 'role', 'orgunits', 'password'].includes(e.field)) return { [e.field]: 'users.err.' + e.field };
  return { form: e.status === 403 ? 'error.forbidden' : e.status === 0 ? 'error.network' : 'error.server' };
}

/** Org units a user may be given: the manager's own and the units directly below them. */
function useOrgUnitChoices(): OrgUnit[] {
  const me = currentUser()!;
  const [choices, setChoices] = useState<OrgUnit[]>([]);
  const nameOf = useOrgUnitNames(me.orgunits);
  useEffect(() => {
    Promise.all(me.orgunits.map((id) => childrenOf(id).catch(() => [] as OrgUnit[]))).then((lists) => {
      const below = lists.flat().filter((u) => !u.id.includes(':') && u.kind !== 'facility');
      below.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
      setChoices([...me.orgunits.map((id) => ({ id, name: nameOf(id), kind: '', parent: '' })), ...below]);
    });
  }, [me.orgunits.join(','), nameOf(me.orgunits[0] ?? '')]);
  return choices;
}

function Field({ id, k, errors, children }: { id: string; k: string; errors: Errors; children: ComponentChildren }) {
  return (
    <div class={errors[k] ? 'field invalid' : 'field'}>
      <label for={id}>{t('users.field.' + k)}</label>
      {children}
      {errors[k] && <p class="field-error" id={id + '-err'} data-testid={'error-' + k}>{t(errors[k])}</p>}
    </div>
  );
}

function CreateUser({ roles, choices, onCreated }: { roles: RoleItem[]; choices: OrgUnit[]; onCreated: () => void }) {
  const empty = { username: '', full_name: '', role: '', orgunit: '' };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Errors>({});
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof empty) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const invalid = (k: string) => (errors[k] ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'u-' + k + '-err' } : {});

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setCreated(null);
    try {
      const r = await api.post<ManagedUser & { initial_password: string }>('/users', {
        username: form.username.trim(), full_name: form.full_name.trim(), role: form.role, orgunits: form.orgunit ? [form.orgunit] : [],
      });
      setCreated({ username: r.username, password: r.initial_password });
      setErrors({});
      setForm(empty);
      onCreated();
    } catch (err) {
      const errs = errorsOf(err);
      if (errs.orgunits) errs.orgunit = errs.orgunits;
      setErrors(errs);
      const first = Object.keys(errs)[0];
      document.getElementById('u-' + (first === 'orgunits' ? 'orgunit' : first))?.focus();
    }
    setBusy(false);
  };

  return (
    <form class="card form-user" onSubmit={submit} noValidate data-testid="user-create">
      <h2>{t('users.create')}</h2>
      {errors.form && <p class="alert error" role="alert">{t(errors.form)}</p>}
      {created && (
        <div class="alert ok" role="status" data-testid="user-created">
          <p>{t('users.created', { username: created.username })}</p>
          <p>{t('users.initial_password')} <code data-testid="initial-password">{created.password}</code></p>
          <p class="small">{t('users.initial_hint')}</p>
        </div>
      )}
      <Field id="u-username" k="username" errors={errors}>
        <input id="u-username" autocomplete="off" autocapitalize="none" value={form.username} onInput={set('username')} {...invalid('username')} />
      </Field>
      <Field id="u-full_name" k="full_name" errors={errors}>
        <input id="u-full_name" autocomplete="off" value={form.full_name} onInput={set('full_name')} {...invalid('full_name')} />
      </Field>
      <Field id="u-role" k="role" errors={errors}>
        <select id="u-role" value={form.role} onChange={set('role')} {...invalid('role')}>
          <option value="">{t('users.choose')}</option>
          {roles.map((r) => <option key={r.id} value={r.id}>{label(r.label)}</option>)}
        </select>
      </Field>
      <Field id="u-orgunit" k="orgunit" errors={errors}>
        <select id="u-orgunit" value={form.orgunit} onChange={set('orgunit')} {...invalid('orgunit')}>
          <option value="">{t('users.choose')}</option>
          {choices.map((o) => <option key={o.id} value={o.id}>{pick(o, 'name')}</option>)}
        </select>
      </Field>
      <p class="muted small">{t('users.password_note')}</p>
      <button class="btn primary" type="submit" disabled={busy}>{t('users.submit')}</button>
    </form>
  );
}

function EditUser({ u, roles, choices, onDone }: { u: ManagedUser; roles: RoleItem[]; choices: OrgUnit[]; onDone: (msg?: string) => void }) {
  const [role, setRole] = useState(u.role);
  const [ous, setOus] = useState(u.orgunits.map((o) => o.id));
  const [add, setAdd] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [password, setPassword] = useState<string | null>(null);
  const nameOf = useOrgUnitNames(ous);
  const run = async (f: () => Promise<unknown>, msg: string) => {
    try {
      await f();
      setErrors({});
      onDone(msg);
    } catch (err) {
      setErrors(errorsOf(err));
    }
  };
  const save = () => run(() => api.put('/users/' + u.id, { role, orgunits: ous }, 0), 'users.saved');
  const toggle = () => run(() => api.post(`/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, {}), u.disabled ? 'users.enabled' : 'users.disabled');
  const reset = async () => {
    try {
      const r = await api.post<{ initial_password: string }>(`/users/${u.id}/password`, {});
      setPassword(r.initial_password);
    } catch (err) {
      setErrors(errorsOf(err));
    }
  };
  return (
    <div class="edit-user" data-testid="user-edit">
      {errors.form && <p class="alert error" role="alert">{t(errors.form)}</p>}
      <Field id={'e-role-' + u.id} k="role" errors={errors}>
        <select id={'e-role-' + u.id} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          {!roles.some((r) => r.id === u.role) && <option value={u.role}>{label(u.role_label)}</option>}
          {roles.map((r) => <option key={r.id} value={r.id}>{label(r.label)}</option>)}
        </select>
      </Field>
      <fieldset class={errors.orgunits ? 'field invalid' : 'field'}>
        <legend>{t('users.field.orgunits')}</legend>
        <ul class="chips">
          {ous.map((id) => (
            <li key={id}>
              {nameOf(id)}
              <button type="button" class="chip-x" aria-label={t('users.remove_ou', { name: nameOf(id) })} onClick={() => setOus(ous.filter((x) => x !== id))}>×</button>
            </li>
          ))}
        </ul>
        <div class="inline">
          <label for={'e-add-' + u.id} class="sr-only">{t('users.add_ou')}</label>
          <select id={'e-add-' + u.id} value={add} onChange={(e) => setAdd(e.currentTarget.value)}>
            <option value="">{t('users.add_ou')}</option>
            {choices.filter((o) => !ous.includes(o.id)).map((o) => <option key={o.id} value={o.id}>{pick(o, 'name')}</option>)}
          </select>
          <button type="button" class="btn small" disabled={!add} onClick={() => { setOus([...ous, add]); setAdd(''); }}>{t('users.add')}</button>
        </div>
        {errors.orgunits && <p class="field-error">{t(errors.orgunits)}</p>}
      </fieldset>
      {password && (
        <p class="alert ok" role="status" data-testid="reset-password">{t('users.initial_password')} <code>{password}</code> · {t('users.initial_hint')}</p>
      )}
      <div class="actions">
        <button type="button" class="btn primary small" onClick={save}>{t('users.save')}</button>
        <button type="button" class="btn small" onClick={toggle} data-testid="user-toggle">{u.disabled ? t('users.enable') : t('users.disable')}</button>
        <button type="button" class="btn small" onClick={reset}>{t('users.reset')}</button>
        <button type="button" class="btn small" onClick={() => onDone()}>{t('users.close')}</button>
      </div>
    </div>
  );
}

export function Users() {
  const me = currentUser()!;
  const list = useApi<{ items: ManagedUser[] }>('/users');
  const roles = useApi<{ items: RoleItem[] }>('/roles');
  const choices = useOrgUnitChoices();
  const nameOf = useOrgUnitNames(me.orgunits);
  const [editing, setEditing] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);

  return (
    <section class="page" data-testid="users-page">
      <div class="page-head">
        <div>
          <h1>{t('users.title')}</h1>
          <p class="muted">{t('users.scope', { ou: me.orgunits.map(nameOf).join(', ') })}</p>
        </div>
      </div>
      {msg && <p class="alert ok" role="status" data-testid="users-flash">{t(msg)}</p>}
      <div class="grid-users">
        <CreateUser roles={roles.data?.items ?? []} choices={choices} onCreated={list.reload} />
        <div class="card">
          <h2>{t('users.list')}</h2>
          {list.loading && !list.data ? <Loading /> : list.error ? <ErrorBox error={list.error} /> : (
            <ul class="user-list" data-testid="users-list">
              {list.data!.items.map((u) => (
                <li key={u.id} data-username={u.username}>
                  <div class="user-row">
                    <div>
                      <strong>{u.username}</strong> {u.full_name && <span>· {u.full_name}</span>}
                      <div class="muted small">{label(u.role_label)} · {u.orgunits.map((o) => pick(o, 'name')).join(', ')}</div>
                      <div class="small">
                        {u.disabled ? <Badge kind="bad" label={t('users.status_disabled')} /> : <Badge kind="ok" label={t('users.status_active')} />}
                        {u.must_change_password && <> <Badge kind="warn" label={t('users.must_change')} /></>}
                        <span class="muted" data-testid="user-since"> · {t('users.since', { date: fmtTimestamp(u.created_at) })}</span>
                      </div>
                    </div>
                    {u.id !== me.id && (
                      <button type="button" class="btn small" aria-expanded={editing === u.id} onClick={() => { setEditing(editing === u.id ? null : u.id); setMsg(null); }}>
                        {t('users.edit')}
                      </button>
                    )}
                  </div>
                  {editing === u.id && (
                    <EditUser u={u} roles={roles.data?.items ?? []} choices={choices} onDone={(m) => { setEditing(null); if (m) { setMsg(m); list.reload(); } }} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
