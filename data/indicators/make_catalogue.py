#!/usr/bin/env python3
"""One-off: builds catalogue.json from the programme's indicator catalogue
(indicators.yaml beside this script: the five provincial plans' indicators and targets)
plus the computation rules below. After that, catalogue.json is the file officers edit;
re-running this overwrites their edits, so only do it to restart from the seeds.

usage: make_catalogue.py [INDICATORS.yaml [OUT.json]]
  (defaults: data/indicators/indicators.yaml and data/indicators/catalogue.json)"""
import json, os, sys, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 3:
    sys.exit(__doc__.split("\n\n")[-1])
src_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "indicators.yaml")
out_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "catalogue.json")
src = yaml.safe_load(open(src_path, encoding="utf-8"))

def c(field, op, value=None):
    d = {"field": field, "op": op}
    if value is not None: d["value"] = value
    return d

LIVE_BIRTHS = {"record": "delivery", "weight": "live_births"}
U5 = c("$age_years", "<", 5)
VALID = ["normal", "moderate", "severe"]

def flagged(den, where=None, related=None):
    f = {}
    if where: f["where"] = where
    if related: f["related"] = related
    return {"denominator": den, "numerator_flag": f}

def anc(where, n=1):
    r = {"scope": "pregnancy", "record": "anc_visit", "min_count": n}
    if where: r["where"] = where
    return r

compute = {
  "neonatal_mortality_rate": {"numerator": {"record": "death", "where": [c("$age_days", "<=", 27)]}, "denominator": LIVE_BIRTHS},
  "infant_mortality_rate": {"numerator": {"record": "death", "where": [c("$age_years", "<", 1)]}, "denominator": LIVE_BIRTHS},
  "under5_mortality_rate": {"numerator": {"record": "death", "where": [U5]}, "denominator": LIVE_BIRTHS},
  "maternal_mortality_ratio": {"numerator": {"record": "death", "where": [c("maternal_death", "=", True)]}, "denominator": LIVE_BIRTHS},
  "u5_injury_mortality_rate": {"numerator": {"record": "death", "where": [U5, {"any": [c("cause_category", "in", ["injury_drowning", "injury_traffic", "injury_other"]), c("icd10", "prefix_in", ["V", "W", "X", "Y"])]}]},
                               "denominator": {"aggregate": "population.under5_midyear"}},
  "anc4_three_trimesters": flagged({"record": "delivery"}, related=[anc(None, 4), anc([c("trimester", "=", 1)]), anc([c("trimester", "=", 2)]), anc([c("trimester", "=", 3)])]),
  "anc_first_trimester": flagged({"record": "delivery"}, related=[anc([c("trimester", "=", 1)])]),
  "facility_delivery": flagged({"record": "delivery"}, where=[c("place", "=", "facility")]),
  "skilled_birth_attendance": flagged({"record": "delivery"}, where=[c("attendant", "in", ["doctor", "midwife", "assistant_doctor"])]),
  "births_attended_by_health_worker": flagged({"record": "delivery"}, where=[c("attendant", "in", ["doctor", "midwife", "assistant_doctor", "nurse", "village_midwife"])]),
  "postnatal_home_care_week1": flagged({"record": "delivery"}, related=[{"scope": "person", "record": "postnatal_visit", "where": [c("place", "=", "home"), c("visitor", "in", ["health_worker", "village_health_worker"])], "window_days": [0, 7]}]),
  "ifa_mms_supplementation": flagged({"record": "delivery"}, related=[anc([{"any": [c("iron_folate", "=", True), c("mms", "=", True)]}], 3)]),
  "pmtct_triple_testing": flagged({"record": "delivery"}, related=[anc([c("hiv_test", "in", ["negative", "positive"])]), anc([c("syphilis_test", "in", ["negative", "positive"])]), anc([c("hepb_test", "in", ["negative", "positive"])])]),
  "anaemia_pregnant_women": flagged({"record": "anc_visit", "where": [c("hemoglobin_g_dl", "exists")],
                                     "related": [{"scope": "pregnancy", "record": "anc_visit", "where": [c("hemoglobin_g_dl", "exists")], "window_days": [-400, -1], "min_count": 0, "max_count": 0}]},
                                    where=[c("hemoglobin_g_dl", "<", 11.0)]),
  "low_birth_weight": flagged({"record": "newborn", "where": [c("birth_weight_g", "exists")]}, where=[c("birth_weight_g", "<", 2500)]),
  "early_essential_newborn_care": flagged({"record": "newborn"}, where=[c("drying", "=", True), c("skin_to_skin", "=", True), c("delayed_cord_clamping", "=", True)]),
  "early_initiation_breastfeeding": flagged({"record": "newborn"}, where=[c("breastfed_within_1h", "=", True)]),
  "vitamin_k1_at_birth": flagged({"record": "newborn"}, where=[c("vitamin_k1", "=", True)]),
  "hepb_birth_dose_24h": flagged({"record": "newborn"}, where=[c("hepb_birth_dose_24h", "=", True)]),
  "kangaroo_care_lbw_preterm": flagged({"record": "newborn", "where": [{"any": [c("birth_weight_g", "<", 2500), c("gestational_weeks", "<", 37)]}]}, where=[c("kangaroo_care", "=", True)]),
  "newborn_screening": flagged({"record": "newborn"}, where=[c("screening", "nonempty")]),
  "full_immunization_under1": {"numerator": {"record": "person", "date": "last_related", "related": [
        {"scope": "person", "record": "immunization", "where": [c("vaccine", "=", "bcg")], "window_days": [0, 364]},
        {"scope": "person", "record": "immunization", "where": [c("vaccine", "in", ["dtp_hepb_hib", "dtp_hepb_hib_ipv"]), c("dose", ">=", 1)], "distinct": "dose", "min_count": 3, "window_days": [0, 364]},
        {"scope": "person", "record": "immunization", "where": [c("vaccine", "=", "opv"), c("dose", ">=", 1)], "distinct": "dose", "min_count": 3, "window_days": [0, 364]},
        {"scope": "person", "record": "immunization", "where": [c("vaccine", "in", ["ipv", "dtp_hepb_hib_ipv"])], "window_days": [0, 364]},
        {"scope": "person", "record": "immunization", "where": [c("vaccine", "in", ["measles", "mr", "mmr"])], "window_days": [0, 364]}]},
      "denominator": LIVE_BIRTHS},
  "pneumonia_antibiotic_under5": flagged({"record": "illness", "where": [c("kind", "in", ["pneumonia", "severe_pneumonia"]), U5]}, where=[c("antibiotic", "=", True)]),
  "diarrhoea_ors_zinc_under5": flagged({"record": "illness", "where": [c("kind", "=", "diarrhoea"), U5]}, where=[c("ors", "=", True), c("zinc", "=", True)]),
  "vitamin_a_6_35m_twice_yearly": {"numerator": {"record": "vitamin_a", "where": [c("$age_months", ">=", 6), c("$age_months", "<", 36)], "related": [
        {"scope": "person", "record": "vitamin_a", "window_days": [-366, -120], "same_year": True, "min_count": 1},
        {"scope": "person", "record": "vitamin_a", "window_days": [-366, -1], "same_year": True, "min_count": 0, "max_count": 1}]},
      "denominator": {"aggregate": "population.age_6_35m"}, "annual_only": True},
  "stunting_under5": flagged({"record": "growth", "where": [c("stunting", "in", VALID), U5], "latest_per_person": True}, where=[c("stunting", "in", ["moderate", "severe"])]),
  "underweight_under5": flagged({"record": "growth", "where": [c("underweight", "in", VALID), U5], "latest_per_person": True}, where=[c("underweight", "in", ["moderate", "severe"])]),
  "wasting_under5": flagged({"record": "growth", "where": [c("wasting", "in", VALID), U5], "latest_per_person": True}, where=[c("wasting", "in", ["moderate", "severe"])]),
  "overweight_obesity_under5": flagged({"record": "growth", "where": [c("weight_for_length", "in", ["severe_wasting", "moderate_wasting", "normal", "overweight", "obese"]), U5], "latest_per_person": True}, where=[c("weight_for_length", "in", ["overweight", "obese"])]),
  "maternal_death_review_coverage": flagged({"record": "death", "where": [c("maternal_death", "=", True)]}, where=[c("reviewed", "=", True)]),
  "u5_death_review_coverage": flagged({"record": "death", "where": [U5]}, where=[c("reviewed", "=", True)]),
  "periodic_health_check_under5": {"numerator": {"record": "health_check", "where": [c("$age_months", "<", 60)], "once_per": "year"},
                                   "denominator": {"aggregate": "population.under5_midyear"}, "annual_only": True},
}

not_computable = {
  "u5mr_avg_annual_decline": "derived from the under5_mortality_rate series; shown as the required and projected yearly change in plan evaluation",
  "mch_handbook_use": "the registry has no MCH handbook field yet; enter as aggregate",
  "acute_malnutrition_managed": "the registry records acute malnutrition (growth.sam) but not enrolment in treatment; enter as aggregate",
  "prenatal_screening": "the registry has no prenatal screening field; enter as aggregate",
  "safe_emergency_referral": "referral records have no status on arrival; enter as aggregate",
  "telemedicine_consultations": "the registry has no teleconsultation record; enter as aggregate",
}

inds = []
for i in src["indicators"]:
    o = {k: i[k] for k in ["id", "name_vi", "name_en", "kind", "multiplier", "unit", "direction", "source", "basis"] if k in i}
    o["numerator_text"] = i.get("numerator", "")
    o["denominator_text"] = i.get("denominator", "")
    if i["id"] in compute:
        o["compute"] = compute[i["id"]]
    else:
        o["not_computable"] = not_computable.get(i["id"], {
            "survey": "survey indicator: enter the survey value as aggregate data",
            "policy": "policy fact: enter as aggregate data",
            "aggregate": "staffing count: enter as aggregate data"}.get(i["source"], "enter as aggregate data"))
    o["disaggregations"] = ["orgunit", "sex", "ethnicity", "age_band"] if "compute" in o else ["orgunit"]
    inds.append(o)
missing = set(compute) - {i["id"] for i in inds}
assert not missing, missing

orgunits = {"lai_chau_u5_2030": "12", "bac_giang_mnch_2025": "pre2025:24", "bac_kan_ct06_2024": "pre2025:06",
            "hai_phong_u5_2026_2030": "31", "son_la_ct17_2025": "14"}
def plain(text):
    """The seed keeps two Hai Phong targets as LaTeX ('$\\geq 90\\%$'); officers read '≥ 90%'."""
    if not isinstance(text, str): return text
    for tex, sign in [("\\geq", "≥"), ("\\leq", "≤"), ("\\%", "%"), ("$", "")]:
        text = text.replace(tex, sign)
    return " ".join(text.split())

plans = []
for p in src["plans"]:
    o = {"id": p["id"], "province": p["province"], "orgunit": orgunits[p["id"]], "document": p.get("document"),
         "period": p.get("period"), "targets": [], "baseline": []}
    for t in p.get("targets", []):
        o["targets"].append({k: plain(t[k]) if k == "printed" else t[k]
                             for k in ["indicator", "year", "op", "value", "printed", "note", "maintain", "body_text", "conflict"] if k in t})
    for b in p.get("baseline", []):
        if b.get("value") is None: continue
        bb = {k: b[k] for k in ["indicator", "year", "value", "printed", "scope", "base_year", "note"] if k in b}
        bb["source"] = "statistical_yearbook" if p["id"] == "son_la_ct17_2025" else "routine"
        o["baseline"].append(bb)
    if p["id"] in {"bac_giang_mnch_2025": 1, "bac_kan_ct06_2024": 1}:
        # Former provinces merged in 2025: officers of the successor province edit these plans.
        o["successor_orgunit"] = {"bac_giang_mnch_2025": "24", "bac_kan_ct06_2024": "19"}[p["id"]]
    if p.get("external_targets_referenced"): o["targets_missing"] = p["external_targets_referenced"]
    plans.append(o)

SMALL_NUMBERS_SOURCE = ("Intervals: Wilson score interval for proportions (Wilson 1927; Newcombe 1998, Stat Med 17:857-872, method 3); "
  "exact Poisson limits for counts of deaths (Garwood 1936, Biometrika 28:437-442; table in Ulm 1990, Am J Epidemiol 131:373-375), "
  "divided by the denominator. Threshold: NCHS marks rates based on fewer than 20 deaths as unreliable (National Vital Statistics "
  "Reports, technical notes); NCHS Data Presentation Standards for Proportions (Vital Health Stat 2(175), 2017) ask for a sample "
  "size of at least 30. Events: the numerator (deaths) for rates and ratios, the denominator (persons assessed) for proportions. "
  "docs/indicators.md, Small numbers.")

out = {
  "about": "Indicator catalogue and plan targets for under5. Loaded at run time from <data>/indicators/catalogue.json (built-in copy as fallback). Format: docs/indicators.md.",
  "version": 1,
  "matrix_years": [2020, 2031],
  # Intervals and small-number marks (docs/indicators.md, Small numbers).
  "small_numbers": {
    "confidence": 0.95, "min_events": 20, "min_denominator": 30,
    "interval_by_kind": {"proportion": "wilson", "rate": "poisson_exact", "ratio": "poisson_exact"},
    "source": SMALL_NUMBERS_SOURCE,
  },
  "data_elements": [{"id": "population.under1_target", "name_en": "EPI under-1 target population"},
                    {"id": "population.under5_midyear", "name_en": "Mid-year population aged 0-59 months"},
                    {"id": "population.age_6_35m", "name_en": "Children aged 6-35 months"}],
  "indicators": inds,
  "plans": plans,
}
json.dump(out, open(out_path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(inds), "indicators,", sum(len(p["targets"]) for p in plans), "targets", file=sys.stderr)
