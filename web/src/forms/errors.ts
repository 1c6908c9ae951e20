// The API's 422 names the field and explains in English; the app shows a Vietnamese (or English)
// sentence chosen by the kind of error. Patterns are matched in order; the first wins.
import { t } from '../lib/i18n';

const KINDS: [RegExp, string][] = [
  [/is required|must not be empty/, 'required'],
  [/is in the future/, 'future'],
  [/before the person's birth|before the woman's birth/, 'before_birth'],
  [/must be at least (-?[\d.]+)/, 'min'],
  [/must be at most (-?[\d.]+)/, 'max'],
  [/must be a whole number/, 'integer'],
  [/must be a number/, 'number'],
  [/must be a real date/, 'date'],
  [/must be a date-time/, 'datetime'],
  [/must be one of/, 'enum'],
  [/too long/, 'too_long'],
  [/phone number/, 'phone'],
  [/^citizen_id/, 'citizen_id'],
  [/must not be before/, 'too_early'],
  [/lower than bp_systolic/, 'bp'],
  [/para .*less than gravida/, 'para_gravida'],
  [/lmp or edd is required/, 'lmp_or_edd'],
  [/edd must be/, 'edd_range'],
  [/weeks after (the pregnancy's )?lmp/, 'weeks_after_lmp'],
  [/before (the pregnancy's )?lmp/, 'before_lmp'],
  [/needs at least one of/, 'growth_needs_value'],
  [/months old/, 'age_under5'],
  [/birth dose\) exists only/, 'birth_dose'],
  [/needs a woman/, 'needs_woman'],
  [/years old on this date/, 'woman_age'],
  [/not female/, 'mother_not_female'],
  [/mother would have been under 10/, 'mother_too_young'],
  [/newborn record must be the child's birth date/, 'newborn_date'],
  [/within 42 days/, 'postnatal_42'],
  [/delivered_at must fall on date/, 'delivered_at_date'],
  [/live_births \+ stillbirths/, 'births_total'],
  [/to_orgunit or to_facility_name/, 'referral_destination'],
  [/arrived_at is before/, 'arrival_order'],
  [/ICD-10/, 'icd10'],
  [/outside your org units/, 'scope'],
];

export function fieldErrorText(message: string): string {
  for (const [re, kind] of KINDS) {
    const m = re.exec(message);
    if (m) return t('validation.' + kind, m[1] !== undefined ? { v: Number(m[1]) } : undefined);
  }
  return t('validation.invalid');
}
