#include "growth/nutrition.h"

#include <cmath>

namespace u5::growth {
namespace {

Grade grade(const std::optional<Score>& s) noexcept {
  if (!s) return Grade::not_assessed;
  if (s->flag) return Grade::implausible;
  if (s->z < -3.0) return Grade::severe;
  if (s->z < -2.0) return Grade::moderate;
  return Grade::normal;
}

bool flagged(const std::optional<Score>& s) noexcept { return s && s->flag; }

}  // namespace

NutritionStatus classify(const Measurement& m, const ZResult& z) noexcept {
  NutritionStatus n;
  n.stunting = grade(z.zlen);
  n.underweight = grade(z.zwei);
  n.wasting = grade(z.zwfl);

  if (z.zwfl) {
    const double v = z.zwfl->z;
    if (z.zwfl->flag)
      n.wfl = WeightForLength::implausible;
    else if (v < -3.0)
      n.wfl = WeightForLength::severe_wasting;
    else if (v < -2.0)
      n.wfl = WeightForLength::moderate_wasting;
    else if (v > 3.0)
      n.wfl = WeightForLength::obese;
    else if (v > 2.0)
      n.wfl = WeightForLength::overweight;
    else
      n.wfl = WeightForLength::normal;
  }
  n.overweight = n.wfl == WeightForLength::overweight || n.wfl == WeightForLength::obese;
  n.obese = n.wfl == WeightForLength::obese;

  const bool sexed = z.csex != 0;
  n.sam_by_wfl = n.wfl == WeightForLength::severe_wasting;
  if (sexed && m.muac_cm && std::isfinite(*m.muac_cm) && *m.muac_cm > 0.0 && m.age_days &&
      std::isfinite(*m.age_days) && *m.age_days >= 0.0) {
    const double months = *m.age_days / kDaysPerMonth;
    n.sam_by_muac = months >= 6.0 && months < 60.0 && *m.muac_cm < kMuacSamCm;
  }
  n.sam_by_oedema = m.oedema;
  n.sam = n.sam_by_wfl || n.sam_by_muac || n.sam_by_oedema;
  // Wasting is weight-for-length/height alone: a low MUAC makes SAM, not
  // wasting. Bilateral pitting oedema hides the child's true weight, so WHO
  // (Anthro survey analysis, WHO/UNICEF 2019 recommendations for data
  // collection, analysis and reporting on anthropometric indicators) counts the
  // child below -3 SD in every weight-based indicator, whether weighed or not.
  if (m.oedema) {
    n.underweight = Grade::severe;
    n.wasting = Grade::severe;
    n.wfl = WeightForLength::severe_wasting;
    n.overweight = n.obese = false;
  }

  n.remeasure = flagged(z.zlen) || flagged(z.zwei) || flagged(z.zwfl) || flagged(z.zbmi) ||
                flagged(z.zhc) || flagged(z.zac) || flagged(z.zts) || flagged(z.zss);
  return n;
}

const char* to_string(Grade g) noexcept {
  switch (g) {
    case Grade::not_assessed: return "not_assessed";
    case Grade::implausible: return "implausible";
    case Grade::normal: return "normal";
    case Grade::moderate: return "moderate";
    case Grade::severe: return "severe";
  }
  return "?";
}

const char* to_string(WeightForLength w) noexcept {
  switch (w) {
    case WeightForLength::not_assessed: return "not_assessed";
    case WeightForLength::implausible: return "implausible";
    case WeightForLength::severe_wasting: return "severe_wasting";
    case WeightForLength::moderate_wasting: return "moderate_wasting";
    case WeightForLength::normal: return "normal";
    case WeightForLength::overweight: return "overweight";
    case WeightForLength::obese: return "obese";
  }
  return "?";
}

}  // namespace u5::growth
