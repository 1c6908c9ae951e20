// Which fields each form shows, in what order and with what input. The collection a form posts
// to, allowed values, bounds and "required" come from the server (GET /api/v1/schema,
// lib/schema.ts); labels from the translation files.
export type Widget = 'text' | 'name' | 'date' | 'datetime' | 'int' | 'number' | 'select' | 'multi' | 'yesno' | 'tel' | 'citizen_id' | 'textarea' | 'pregnancy' | 'options'
  | 'icd10' | 'orgunit';

export interface FieldDef {
  name: string;
  widget: Widget;
  options?: (string | number)[]; // for 'options': values the server checks but /schema does not list
  step?: string;
  optional?: boolean; // a pregnancy the record may name but need not (a woman's death)
}

export interface FormDef {
  form: string; // URL name: /new/<form>
  type: string; // registry record type; its collection comes from /schema
  fields: FieldDef[];
  fixed?: Record<string, string>; // values the form sets itself (a woman is female)
  forChild?: boolean;
  forWoman?: boolean;
  needsPregnancy?: boolean; // offered on a woman's handbook only when she has a pregnancy
}

const f = (name: string, widget: Widget, extra: Partial<FieldDef> = {}): FieldDef => ({ name, widget, ...extra });
const date = f('date', 'date');
const note = f('note', 'textarea');

export const FORMS: FormDef[] = [
  {
    form: 'woman', type: 'person', fixed: { sex: 'female' },
    fields: [f('full_name', 'name'), f('birth_date', 'date'), f('ethnicity', 'select'), f('citizen_id', 'citizen_id'), f('phone', 'tel'), f('village', 'text'), f('poverty', 'select'), note],
  },
  {
    form: 'child', type: 'person',
    fields: [f('full_name', 'name'), f('sex', 'select'), f('birth_date', 'date'), f('ethnicity', 'select'), f('citizen_id', 'citizen_id'), f('phone', 'tel'), f('village', 'text'), f('poverty', 'select'), note],
  },
  {
    form: 'pregnancy', type: 'pregnancy', forWoman: true,
    fields: [date, f('lmp', 'date'), f('edd', 'date'), f('gravida', 'int'), f('para', 'int'), f('risk_factors', 'multi'), f('outcome', 'select'), note],
  },
  {
    form: 'anc_visit', type: 'anc_visit', forWoman: true,
    fields: [date, f('pregnancy_id', 'pregnancy'), f('weight_kg', 'number', { step: '0.1' }), f('bp_systolic', 'int'), f('bp_diastolic', 'int'), f('hemoglobin_g_dl', 'number', { step: '0.1' }),
      f('hiv_test', 'select'), f('syphilis_test', 'select'), f('hepb_test', 'select'), f('iron_folate', 'yesno'), f('mms', 'yesno'), f('tetanus_dose', 'int'), f('risk_detected', 'yesno'), f('referred', 'yesno'), note],
  },
  {
    form: 'delivery', type: 'delivery', forWoman: true,
    fields: [date, f('pregnancy_id', 'pregnancy'), f('delivered_at', 'datetime'), f('place', 'select'), f('attendant', 'select'), f('mode', 'select'), f('live_births', 'int'), f('stillbirths', 'int'), f('gestational_weeks', 'int'), f('complications', 'multi'), note],
  },
  {
    form: 'newborn', type: 'newborn', forChild: true,
    fields: [date, f('birth_weight_g', 'int'), f('gestational_weeks', 'int'), f('drying', 'yesno'), f('skin_to_skin', 'yesno'), f('delayed_cord_clamping', 'yesno'), f('breastfed_within_1h', 'yesno'),
      f('vitamin_k1', 'yesno'), f('hepb_birth_dose_24h', 'yesno'), f('resuscitated', 'yesno'), f('kangaroo_care', 'yesno'), f('screening', 'multi'), note],
  },
  {
    form: 'postnatal_visit', type: 'postnatal_visit', forChild: true, forWoman: true,
    fields: [date, f('place', 'select'), f('visitor', 'select'), f('danger_signs', 'yesno'), f('referred', 'yesno'), note],
  },
  {
    form: 'immunization', type: 'immunization', forChild: true, forWoman: true,
    fields: [date, f('vaccine', 'select'), f('dose', 'int'), f('lot', 'text'), note],
  },
  {
    form: 'growth', type: 'growth', forChild: true,
    fields: [date, f('weight_kg', 'number', { step: '0.01' }), f('length_cm', 'number', { step: '0.1' }), f('measure', 'select'), f('oedema', 'yesno'), f('head_circumference_cm', 'number', { step: '0.1' }), f('muac_mm', 'int'), note],
  },
  {
    form: 'vitamin_a', type: 'vitamin_a', forChild: true,
    fields: [date, f('dose_iu', 'options', { options: [50000, 100000, 200000] }), note],
  },
  {
    form: 'illness', type: 'illness', forChild: true, forWoman: true,
    fields: [date, f('kind', 'select'), f('dehydration', 'select'), f('antibiotic', 'yesno'), f('ors', 'yesno'), f('zinc', 'yesno'), f('referred', 'yesno'), f('outcome', 'select'), note],
  },
  {
    form: 'injury', type: 'injury', forChild: true,
    fields: [date, f('kind', 'select'), f('place', 'select'), f('outcome', 'select'), note],
  },
  {
    form: 'referral', type: 'referral', forChild: true, forWoman: true,
    fields: [date, f('reason', 'text'), f('to_facility_name', 'text'), f('referred_at', 'datetime'), f('red_alert', 'yesno'), f('feedback', 'textarea'), note],
  },
  {
    form: 'death', type: 'death', forChild: true, forWoman: true,
    fields: [date, f('time_of_death', 'datetime'), f('place', 'select'), f('place_facility', 'orgunit'), f('notified_by', 'name'), f('notifier_role', 'select'),
      f('notified_at', 'datetime'), f('pregnancy_id', 'pregnancy', { optional: true }), f('cause_category', 'select'), f('cause_text', 'text'), f('icd10', 'icd10'),
      f('maternal_death', 'yesno'), note],
  },
  {
    form: 'stillbirth', type: 'stillbirth', forWoman: true, needsPregnancy: true,
    fields: [date, f('pregnancy_id', 'pregnancy'), f('gestational_weeks', 'int'), f('birth_weight_g', 'int'), f('sex', 'select'), f('timing', 'select'),
      f('time_of_death', 'datetime'), f('place', 'select'), f('place_facility', 'orgunit'), f('notified_by', 'name'), f('notifier_role', 'select'), f('notified_at', 'datetime'),
      f('cause_text', 'text'), f('icd10', 'icd10'), note],
  },
  // Its own page (pages/HealthCheckForm.tsx: the band's milestones, the child's vaccines); listed
  // here for the handbook's button and the worklist's link.
  {
    form: 'health_check', type: 'health_check', forChild: true,
    fields: [date, f('weight_kg', 'number'), f('length_cm', 'number'), f('measure', 'select'), f('milestones_achieved', 'multi'), f('milestones_not_achieved', 'multi'),
      f('development', 'select'), f('conclusion', 'select'), f('counselling', 'multi'), f('referral', 'yesno'), f('referral_to', 'text'), note],
  },
];

export const EVENT_FORMS = FORMS.filter((x) => x.type !== 'person');

/** Fields shown on the first line of a timeline entry. */
export const SUMMARY_FIELDS: Record<string, string[]> = {
  pregnancy: ['lmp', 'edd', 'gravida', 'para', 'outcome'],
  anc_visit: ['gestational_weeks', 'weight_kg', 'bp_systolic', 'bp_diastolic'],
  delivery: ['place', 'attendant', 'mode', 'live_births'],
  newborn: ['birth_weight_g', 'gestational_weeks'],
  postnatal_visit: ['days_after_birth', 'place'],
  immunization: ['vaccine', 'dose'],
  growth: ['weight_kg', 'length_cm', 'underweight', 'stunting', 'wasting'],
  vitamin_a: ['dose_iu'],
  illness: ['kind', 'outcome'],
  injury: ['kind', 'outcome'],
  referral: ['reason', 'to_facility_name'],
  death: ['category', 'place', 'cause_category', 'hours_to_notification'],
  stillbirth: ['category', 'gestational_weeks', 'birth_weight_g', 'hours_to_notification'],
  health_check: ['age_band', 'conclusion', 'development'],
};
