// ICD-10 codes as people type them: the server's code list (GET /codes/icd10?q=) offered as a
// datalist under a plain text input, so a code typed in full or pasted still works and the server
// stays the one that decides whether a code exists.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../lib/api';
import { pick } from '../lib/i18n';

interface Code { code: string; title_en: string; title_vi?: string }

export function Icd10Input({ id, name, value, onChange, invalid, describedBy, required, list }: {
  id: string; name: string; value: string; onChange: (v: string) => void; invalid?: boolean; describedBy?: string; required?: boolean;
  list?: boolean; // a comma-separated list of codes: the suggestions follow the last one
}) {
  const [codes, setCodes] = useState<Code[]>([]);
  const last = list ? value.split(',').pop()!.trim() : value.trim();
  useEffect(() => {
    if (last.length < 1) {
      setCodes([]);
      return;
    }
    let live = true;
    // Typing fast asks once, after a short pause.
    const timer = setTimeout(() => {
      api.get<{ items: Code[] }>('/codes/icd10' + qs({ q: last, limit: 10 }))
        .then((r) => live && setCodes(r.items))
        .catch(() => live && setCodes([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [last]);
  const prefix = list && value.includes(',') ? value.slice(0, value.lastIndexOf(',') + 1) + ' ' : '';
  const listId = id + '-codes';
  return (
    <>
      <input id={id} name={name} type="text" value={value} autocomplete="off" list={listId} required={required} spellcheck={false}
        aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy}
        onInput={(e) => onChange(e.currentTarget.value.toUpperCase())} />
      <datalist id={listId}>
        {codes.map((c) => <option key={c.code} value={prefix + c.code}>{c.code} — {pick(c, 'title') || c.title_en}</option>)}
      </datalist>
    </>
  );
}
