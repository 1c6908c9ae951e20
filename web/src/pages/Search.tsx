import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { fmtDate, t } from '../lib/i18n';
import { linkClick, navigate } from '../lib/router';
import { ageParts, Person, Relative } from '../lib/person';
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

interface Found extends Person {
  mother?: Relative;
  children?: Relative[];
}
interface Page { items: Found[]; offset: number; limit: number; has_more: boolean }

const PAGE = 20;

/** Who a match is to its family, to tell namesakes apart: a child's mother, a woman's children. */
function Family({ p }: { p: Found }) {
  if (p.mother) return <span class="meta" data-testid="result-mother">{t('family.mother')}: {p.mother.full_name} ({t('family.born', { date: fmtDate(p.mother.birth_date) })})</span>;
  if (p.children?.length)
    return (
      <span class="meta" data-testid="result-children">
        {t('family.children_n', { n: p.children.length })}: {p.children.map((c) => `${c.full_name} (${fmtDate(c.birth_date)})`).join(', ')}
      </span>
    );
  return null;
}

export function Search({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const [page, setPage] = useState<Page | null>(null);
  const [asked, setAsked] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // The query and page live in the URL, so a page of results can be reloaded or shared.
  const run = async (q: string, offset: number) => {
    if (!q.trim()) return;
    history.replaceState(null, '', '/search' + qs({ q, ...(offset ? { offset: String(offset) } : {}) }));
    setBusy(true);
    setError(null);
    try {
      setPage(await api.get<Page>('/persons/search' + qs({ ...queryFor(q), limit: String(PAGE), offset: String(offset) })));
      setAsked(q.trim());
    } catch (e) {
      setError(e);
      setPage(null);
    }
    setBusy(false);
  };

  useEffect(() => {
    input.current?.focus();
    const offset = Number(new URLSearchParams(location.search).get('offset')) || 0;
    if (initial) run(initial, offset);
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    run(text, 0);
  };
  const items = page?.items ?? null;
  const offset = page?.offset ?? 0;
  // One word that finds nobody may be a middle name, which matches only after the family name.
  const oneWord = !!asked && 'q' in queryFor(asked) && !asked.includes(' ');

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
          <>
            <NoData text={t('search.none')} />
            {oneWord && offset === 0 && <p class="muted small" data-testid="middle-name-hint">{t('search_page.middle_name')}</p>}
          </>
        ) : (
          <>
            <p class="muted small" aria-live="polite" data-testid="search-count">
              {offset === 0 && !page!.has_more
                ? t('search.count', { n: items.length })
                : t('search_page.range', { from: offset + 1, to: offset + items.length }) + (page!.has_more ? ' · ' + t('search_page.more') : '')}
            </p>
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
                      <Family p={p} />
                    </span>
                    <span class="chev" aria-hidden="true">›</span>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )
      )}
      {page && !busy && (offset > 0 || page.has_more) && (
        <nav class="actions" aria-label={t('search_page.pages')}>
          {offset > 0 && <button class="btn" type="button" data-testid="search-prev" onClick={() => run(asked, Math.max(0, offset - PAGE))}>{t('search_page.prev')}</button>}
          {page.has_more && <button class="btn" type="button" data-testid="search-next" onClick={() => run(asked, offset + PAGE)}>{t('search_page.next')}</button>}
        </nav>
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
