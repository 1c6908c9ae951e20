import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtDate, t } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { ageParts, Person } from '../lib/person';
import { isWorker, currentUser } from '../lib/session';
import { ErrorBox, Loading, NoData } from '../components/Status';

// One box for all three keys: 12 digits is a citizen id, a phone number starts with 0 or +84, anything else a name.
function queryFor(text: string): Record<string, string> {
  const s = text.trim().replace(/[\s.-]/g, '');
  if (/^\d{12}$/.test(s)) return { citizen_id: s };
  if (/^(0|\+84)\d{8,10}$/.test(s)) return { phone: s };
  return { q: text.trim() };
}

export function AgeText({ birth }: { birth: string }) {
  const a = ageParts(birth);
  if (a.months < 1) return <>{t('age.days', { n: a.days })}</>;
  if (a.months < 60) return <>{t('age.months', { n: a.months })}</>;
  return <>{t('age.years', { n: a.years })}</>;
}

export function Search({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const [items, setItems] = useState<Person[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const run = async (q: string) => {
    if (!q.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.get<{ items: Person[] }>('/persons/search' + qs(queryFor(q)));
      setItems(r.items);
    } catch (e) {
      setError(e);
      setItems(null);
    }
    setBusy(false);
  };

  useEffect(() => {
    input.current?.focus();
    if (initial) run(initial);
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    history.replaceState(null, '', '/search?q=' + encodeURIComponent(text));
    run(text);
  };

  return (
    <section class="page">
      <h1>{t('search.title')}</h1>
      <form class="search-bar" role="search" onSubmit={submit}>
        <label for="q" class="sr-only">{t('search.label')}</label>
        <input id="q" ref={input} type="search" value={text} placeholder={t('search.placeholder')} onInput={(e) => setText(e.currentTarget.value)} />
        <button class="btn primary" type="submit">{t('search.submit')}</button>
      </form>
      <p class="muted small">{t('search.hint')}</p>
      {busy && <Loading />}
      {error ? <ErrorBox error={error} /> : null}
      {items && !busy && (
        items.length === 0 ? (
          <NoData text={t('search.none')} />
        ) : (
          <>
            <p class="muted small" aria-live="polite">{t('search.count', { n: items.length })}</p>
            <ul class="cards person-list" data-testid="search-results">
              {items.map((p) => (
                <li key={p.id}>
                  <a class="person-row" href={`/persons/${p.id}`} onClick={linkClick}>
                    <span class={`avatar ${p.sex}`} aria-hidden="true">{p.full_name.split(' ').pop()?.[0]}</span>
                    <span class="grow">
                      <strong class="name">{p.full_name}</strong>
                      <span class="meta">
                        {t('sex.' + p.sex)} · {fmtDate(p.birth_date)} (<AgeText birth={p.birth_date} />)
                        {p.village ? ' · ' + p.village : ''}
                        {p.phone ? ' · ' + p.phone : ''}
                      </span>
                    </span>
                    <span class="chev" aria-hidden="true">›</span>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )
      )}
      {isWorker(currentUser()) && (
        <div class="actions">
          <button class="btn" type="button" onClick={() => navigate('/new/woman')}>{t('form.new_woman')}</button>
          <button class="btn" type="button" onClick={() => navigate('/new/child')}>{t('form.new_child')}</button>
        </div>
      )}
    </section>
  );
}
