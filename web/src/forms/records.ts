// Between a stored record and a form: which form edits a record, and the form's values from it
// (the reverse of RecordForm's toBody), for editing a record and fixing a write the server refused.
import { FORMS, FormDef } from './specs';
import { ageParts } from '../lib/person';
import { uuidv7 } from '../lib/offline/text';

/** The form that edits a record of `type`; a person is a child's registration under six, else a woman's. */
export function formFor(type: string, rec?: Record<string, any>): FormDef | undefined {
  if (type === 'person') {
    const child = !rec?.birth_date || ageParts(rec.birth_date).years < 6 || rec.sex !== 'female';
    return FORMS.find((x) => x.form === (child ? 'child' : 'woman'));
  }
  // The health check has its own page, made for a new check; its records are not edited in a form.
  return FORMS.find((x) => x.type === type && x.form !== 'health_check');
}

export type Values = Record<string, string | string[]>;

export function valuesOf(def: FormDef, rec: Record<string, any>): Values {
  const v: Values = {};
  for (const fd of def.fields) {
    const x = rec[fd.name];
    if (x === undefined || x === null) continue;
    if (fd.widget === 'yesno') v[fd.name] = x ? 'yes' : 'no';
    else if (fd.widget === 'multi') v[fd.name] = Array.isArray(x) ? x.map(String) : [String(x)];
    else if (fd.widget === 'datetime') v[fd.name] = String(x).slice(0, 16);
    else v[fd.name] = String(x);
  }
  return v;
}

/** The id of a record a form creates, made once (a UUIDv7, as the outbox's) and kept in
 *  sessionStorage beside the form's draft until saved. A save pressed again after an answer that
 *  never came, or a write the app moves to the outbox when the line drops, is then the same create,
 *  which the server answers as already stored (docs/api.md "Records") instead of storing it twice. */
export function createId(draft: string, part = 'id'): string {
  const k = `${draft}.${part}`;
  let id = sessionStorage.getItem(k);
  if (!id) sessionStorage.setItem(k, (id = uuidv7()));
  return id;
}

/** The form's creates are stored: its next record is a new one. */
export function createdAll(draft: string, parts: string[] = ['id']) {
  for (const p of parts) sessionStorage.removeItem(`${draft}.${p}`);
}
