// Date entry as day/month/year whatever the browser's language: <input type=date> follows the
// browser's locale (mm/dd/yyyy in an English browser, common at health stations) while the rest
// of the app reads dd/mm/yyyy, so a 6 December visit was saved as 12 June. The field holds ISO
// YYYY-MM-DD when the text is a real date, else the text as typed, which `dateProblem` names.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';

const pad = (n: number) => String(n).padStart(2, '0');
export const isIsoDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && parseDate(s) === s;

/** dd/mm/yyyy, d/m/yyyy (also with . or -), ddmmyyyy, or ISO → ISO YYYY-MM-DD; null if no such day. */
export function parseDate(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const [y, mo, d] = m ? [+m[1], +m[2], +m[3]]
    : (m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(s)) ? [+m[3], +m[2], +m[1]] : [0, 0, 0];
  if (!y || mo < 1 || mo > 12 || d < 1) return null;
  // Date.UTC rolls 31/02 over into March: a day that comes back changed does not exist.
  const x = new Date(Date.UTC(y, mo - 1, d));
  if (x.getUTCFullYear() !== y || x.getUTCMonth() !== mo - 1 || x.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** What the field shows for its value: dd/mm/yyyy for a date, else the text as typed. */
export const showDate = (v: string) => (isIsoDate(v) ? `${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}` : v);

/** Slashes as digits are typed: "06" → "06/", "0612" → "06/12/", "06122026" → "06/12/2026". */
function autoSlash(typed: string): string {
  const s = typed.replace(/\/{2,}/g, '/'); // a slash typed where one was just added
  if (/^\d{3,8}$/.test(s)) return [s.slice(0, 2), s.slice(2, 4), s.slice(4)].filter(Boolean).join('/') + (s.length === 4 ? '/' : '');
  if (/^\d{2}$/.test(s) || /^\d{1,2}\/\d{2}$/.test(s)) return s + '/';
  const m = /^(\d{1,2})\/(\d{2})(\d{1,4})$/.exec(s);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : s;
}

/** The error text for a date field's value ('' when it is empty or a real date), naming the field. */
export function dateProblem(value: string, field: string): string {
  if (!value || isIsoDate(value)) return '';
  return t('date_entry.invalid', { field, text: value });
}

export interface DateInputProps {
  id: string;
  name?: string;
  value: string;
  onChange: (v: string) => void;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
}

export function DateInput({ id, name, value, onChange, required, invalid, describedBy }: DateInputProps) {
  const [text, setText] = useState(showDate(value));
  // A value set from outside (a draft, today's date, a cleared filter) replaces the text.
  useEffect(() => {
    if ((parseDate(text) ?? text) !== value) setText(showDate(value));
  }, [value]);
  const fmtId = id + '-fmt';
  return (
    <>
      <input id={id} name={name} type="text" inputMode="numeric" autocomplete="off" maxLength={10} value={text}
        placeholder={t('date_entry.placeholder')} required={required} aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={[fmtId, describedBy].filter(Boolean).join(' ')} data-date-input=""
        onInput={(e) => {
          const el = e.currentTarget;
          const typed = (e as InputEvent).inputType?.startsWith('delete') ? el.value : autoSlash(el.value);
          if (typed !== el.value) el.value = typed;
          setText(typed);
          onChange(parseDate(typed) ?? typed.trim());
        }}
        onBlur={() => {
          const iso = parseDate(text);
          if (iso) setText(showDate(iso));
        }} />
      <span class="sr-only" id={fmtId}>{t('date_entry.format')}</span>
    </>
  );
}

const time = (s: string): string | null => {
  const m = /^(\d{1,2})[:.h]?(\d{2})$/.exec(s.trim());
  return m && +m[1] < 24 && +m[2] < 60 ? `${pad(+m[1])}:${m[2]}` : null;
};

/** A moment as dd/mm/yyyy and a 24-hour hh:mm; the value is YYYY-MM-DDTHH:MM when both are right. */
export function DateTimeInput(props: DateInputProps) {
  const [d, tm] = props.value.includes('T') ? props.value.split('T') : [props.value, ''];
  const [timeText, setTimeText] = useState(tm);
  useEffect(() => {
    if ((time(timeText) ?? timeText) !== tm) setTimeText(tm);
  }, [tm]);
  const join = (date: string, hm: string) => (date || hm ? `${date}T${hm}` : '');
  return (
    <span class="datetime-input">
      <DateInput {...props} value={d} onChange={(v) => props.onChange(join(v, time(timeText) ?? timeText.trim()))} />
      <input id={props.id + '-time'} type="text" inputMode="numeric" autocomplete="off" maxLength={5} value={timeText}
        placeholder="hh:mm" aria-label={t('date_entry.time')} aria-invalid={props.invalid ? 'true' : undefined}
        onInput={(e) => {
          let s = e.currentTarget.value;
          if (/^\d{3,4}$/.test(s)) s = s.slice(0, 2) + ':' + s.slice(2);
          if (s !== e.currentTarget.value) e.currentTarget.value = s;
          setTimeText(s);
          props.onChange(join(d, time(s) ?? s.trim()));
        }} />
    </span>
  );
}

/** The error text for a date-time field's value ('' when empty or right), naming the field. */
export function dateTimeProblem(value: string, field: string): string {
  if (!value) return '';
  const [d, hm] = value.split('T');
  if (!isIsoDate(d)) return t('date_entry.invalid', { field, text: d || '—' });
  return time(hm ?? '') === hm ? '' : t('date_entry.invalid_time', { field, text: hm || '—' });
}
