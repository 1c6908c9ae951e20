// Indicators on the dashboard, in display order (ids of data/indicators/catalogue.json).
export const KEY_INDICATORS = [
  'under5_mortality_rate', 'infant_mortality_rate', 'neonatal_mortality_rate', 'anc4_three_trimesters', 'facility_delivery',
  'full_immunization_under1', 'hepb_birth_dose_24h', 'postnatal_home_care_week1', 'vitamin_a_6_35m_twice_yearly',
  'underweight_under5', 'stunting_under5', 'wasting_under5',
];
