#include "registry/validate.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/id.h"
#include "core/text.h"
#include "registry/citizen_id.h"
#include "registry/growth_status.h"
#include "registry/health_check.h"
#include "registry/icd10.h"
#include "registry/schema.h"
#include "store/store.h"

namespace u5::registry {
namespace {

using nlohmann::json;

// Normalises a Vietnamese phone number to its national form 0xxxxxxxxx.
std::optional<std::string> NormalizePhone(const std::string& raw) {
  std::string digits;
  for (char c : raw) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c == ' ' || c == '.' || c == '-' || (c == '+' && digits.empty())) continue;
    else return std::nullopt;
  }
  if (digits.rfind("84", 0) == 0 && digits.size() == 11) digits = "0" + digits.substr(2);
  if (digits.size() != 10 || digits[0] != '0' || digits[1] == '0') return std::nullopt;
  return digits;
}

// Records about a death, made after it: its review and the review's actions.
bool AfterDeath(std::string_view type) { return type == "death_review" || type == "review_action"; }

// A field's value as CheckField reads it, from an nlohmann tree (the API, FHIR)
// or from simdjson's tape (the importer): one check, whichever parser read it.
class JsonValue {
 public:
  explicit JsonValue(const json& v) : v_(v) {}
  bool is_null() const { return v_.is_null(); }
  bool is_string() const { return v_.is_string(); }
  std::string_view str() const { return v_.get_ref<const std::string&>(); }
  bool is_number() const { return v_.is_number(); }
  double number() const { return v_.get<double>(); }
  bool is_boolean() const { return v_.is_boolean(); }
  bool boolean() const { return v_.get<bool>(); }
  bool is_array() const { return v_.is_array(); }
  template <class F>
  Status EachElement(F f) const {
    for (const json& e : v_) U5_RETURN_IF_ERROR(f(JsonValue(e)));
    return Status::Ok();
  }

 private:
  const json& v_;
};

class SimdValue {
 public:
  explicit SimdValue(simdjson::dom::element v) : v_(v) {}
  bool is_null() const { return v_.is_null(); }
  bool is_string() const { return v_.is_string(); }
  std::string_view str() const { return std::string_view(v_); }
  bool is_number() const { return v_.is_number(); }
  double number() const { return double(v_); }  // an integer converts as nlohmann's get<double> does
  bool is_boolean() const { return v_.is_bool(); }
  bool boolean() const { return bool(v_); }
  bool is_array() const { return v_.is_array(); }
  template <class F>
  Status EachElement(F f) const {
    for (simdjson::dom::element e : simdjson::dom::array(v_)) U5_RETURN_IF_ERROR(f(SimdValue(e)));
    return Status::Ok();
  }

 private:
  simdjson::dom::element v_;
};

template <class V>
std::optional<Date> DateOf(const V& v) {
  if (!v.is_string()) return std::nullopt;
  return ParseDate(v.str());
}
std::optional<Date> DateOf(const json& v) { return DateOf(JsonValue(v)); }

template <class V>
Status CheckField(const FieldSpec& f, const V& v, Lookup& lookup, Date today, json* out) {
  auto bad = [&](const std::string& why) { return Status::Invalid(f.name, f.name + " " + why); };
  switch (f.type) {
    case FieldType::uuid: {
      if (!v.is_string()) return bad("must be a string (UUID)");
      std::string s(v.str());
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!IsUuid(s)) return bad("must be a UUID like 0190a5c4-7b2e-7c1d-9f00-123456789abc");
      *out = s;
      return Status::Ok();
    }
    case FieldType::name:
    case FieldType::string: {
      if (!v.is_string()) return bad("must be a string");
      const std::string_view s = v.str();
      if (!text::IsValidUtf8(s)) return bad("is not valid UTF-8");
      std::string n = f.type == FieldType::name ? text::NormalizeName(s) : text::Nfc(s);
      if (f.type == FieldType::name && n.empty()) return bad("must not be empty");
      for (unsigned char c : n)
        if (c < 0x20 && c != '\n' && c != '\t') return bad("contains a control character");
      // Names (of persons, villages, facilities) are read and searched by people: no invisible,
      // reordering or look-alike characters. Other text only loses what hides or reorders it.
      const std::string why = f.type == FieldType::name || f.pattern == "name" ? text::NameProblem(n) : text::TextProblem(n);
      if (!why.empty()) return bad(why);
      if (f.max_length) {
        // max_length counts characters (code points), not UTF-8 bytes.
        size_t chars = 0;
        for (unsigned char c : n) chars += (c & 0xC0) != 0x80;
        if (chars > f.max_length) return bad("is too long (at most " + std::to_string(f.max_length) + " characters)");
      }
      if (f.pattern == "icd10")
        if (std::string why = Icd10Problem(f.name, n); !why.empty()) return Status::Invalid(f.name, why);
      if (f.pattern == "icd10_list") {
        // Contributing causes: a comma-separated list of at most 5 codes, each as for one code.
        std::vector<std::string> codes;
        std::string one;
        std::istringstream in(n);
        while (std::getline(in, one, ',')) {
          const size_t a = one.find_first_not_of(' '), b = one.find_last_not_of(' ');
          codes.push_back(a == std::string::npos ? std::string() : one.substr(a, b - a + 1));
        }
        if (codes.size() > 5) return bad("has more than 5 codes");
        n.clear();
        for (const std::string& c : codes) {
          if (std::string why = Icd10Problem(f.name, c); !why.empty()) return Status::Invalid(f.name, why);
          n += (n.empty() ? "" : ",") + c;
        }
      }
      *out = n;
      return Status::Ok();
    }
    case FieldType::enumeration: {
      if (!v.is_string()) return bad("must be a string, one of the allowed values");
      const std::string_view s = v.str();
      for (const auto& a : f.values)
        if (a == s) { *out = a; return Status::Ok(); }
      std::string allowed;
      for (const auto& a : f.values) allowed += (allowed.empty() ? "" : ", ") + a;
      return bad("must be one of: " + allowed);
    }
    case FieldType::enum_list: {
      if (!v.is_array()) return bad("must be an array");
      json arr = json::array();
      FieldSpec item = f;
      item.type = FieldType::enumeration;
      U5_RETURN_IF_ERROR(v.EachElement([&](const V& e) {
        json one;
        U5_RETURN_IF_ERROR(CheckField(item, e, lookup, today, &one));
        arr.push_back(std::move(one));
        return Status::Ok();
      }));
      *out = arr;
      return Status::Ok();
    }
    case FieldType::integer:
    case FieldType::number: {
      if (!v.is_number()) return bad("must be a number");
      const double d = v.number();
      if (!std::isfinite(d)) return bad("must be finite");
      if (f.type == FieldType::integer && (std::floor(d) != d || std::fabs(d) > 9e15)) return bad("must be a whole number");
      if (f.min && d < *f.min) return bad("must be at least " + json(*f.min).dump());
      if (f.max && d > *f.max) return bad("must be at most " + json(*f.max).dump());
      if (!f.one_of.empty()) {
        bool ok = false;
        std::string allowed;
        for (long long a : f.one_of) {
          ok = ok || a == static_cast<long long>(d);
          allowed += (allowed.empty() ? "" : ", ") + std::to_string(a);
        }
        if (!ok) return bad("must be one of: " + allowed);
      }
      if (f.type == FieldType::integer) *out = static_cast<long long>(d);
      else *out = d;
      return Status::Ok();
    }
    case FieldType::boolean:
      if (!v.is_boolean()) return bad("must be true or false");
      *out = v.boolean();
      return Status::Ok();
    case FieldType::date: {
      auto d = DateOf(v);
      if (!d) return bad("must be a real date written YYYY-MM-DD");
      if (f.not_future && *d > today) return bad("is in the future");
      if (f.min_date && v.str() < *f.min_date) return bad("must not be before " + *f.min_date);
      *out = std::string(v.str());
      return Status::Ok();
    }
    case FieldType::datetime: {
      if (!v.is_string() || !ParseDateTime(v.str()))
        return bad("must be a date-time written YYYY-MM-DDTHH:MM[:SS][+07:00]");
      if (*ParseDateTime(v.str()) > today) return bad("is in the future");
      *out = std::string(v.str());
      return Status::Ok();
    }
    case FieldType::ref: {
      if (!v.is_string()) return bad("must be a record id (string)");
      std::string id(v.str());
      for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!IsUuid(id)) return bad("must be a UUID");
      if (f.ref == "person") {
        if (!lookup.Person(id)) return Status::Invalid(f.name, f.name + ": no person with id " + id);
      } else {
        // A ref may name alternatives ("death|stillbirth": a review is of either).
        auto e = lookup.Event(id);
        bool of_type = false;
        for (size_t at = 0; e && at <= f.ref.size();) {
          const size_t bar = std::min(f.ref.find('|', at), f.ref.size());
          of_type = of_type || f.ref.compare(at, bar - at, e->type) == 0;
          at = bar + 1;
        }
        if (!of_type) return Status::Invalid(f.name, f.name + ": no " + f.ref + " with id " + id);
      }
      *out = id;
      return Status::Ok();
    }
    case FieldType::orgunit: {
      if (!v.is_string()) return bad("must be an org unit code (string)");
      const std::string s(v.str());
      if (s.empty() || s.size() > 40 || !lookup.OrgUnit(s)) return Status::Invalid(f.name, f.name + ": unknown org unit '" + (s.size() > 40 ? s.substr(0, 40) + "..." : s) + "'");
      *out = s;
      return Status::Ok();
    }
    case FieldType::phone: {
      if (!v.is_string()) return bad("must be a string");
      auto p = NormalizePhone(std::string(v.str()));
      if (!p) return bad("must be a Vietnamese phone number of 10 digits starting with 0 (or +84)");
      *out = *p;
      return Status::Ok();
    }
    case FieldType::citizen_id: {
      if (!v.is_string()) return bad("must be a string of 12 digits");
      *out = std::string(v.str());  // checked against birth date and sex in the person rules
      return Status::Ok();
    }
  }
  return bad("has an unsupported type");
}

int DaysBetween(Date a, Date b) { return b.days - a.days; }

Status PersonRules(json& body, Lookup& lookup, store::Record* out) {
  const Date birth = *DateOf(body["birth_date"]);
  const std::string sex = body["sex"];
  if (body.contains("citizen_id")) {
    std::string why = CheckCitizenId(body["citizen_id"].get<std::string>(), &birth, sex);
    if (!why.empty()) return Status::Invalid("citizen_id", "citizen_id " + why);
  }
  if (body.contains("mother_id")) {
    auto m = lookup.Person(body["mother_id"]);
    if (m->sex != "female") return Status::Invalid("mother_id", "mother_id: that person is not female");
    if (CompletedYears(m->birth, birth) < 10)
      return Status::Invalid("mother_id", "mother_id: the mother would have been under 10 years old at this birth");
    if (body.contains("id") && body["mother_id"] == body["id"])
      return Status::Invalid("mother_id", "mother_id: a person cannot be their own mother");
  }
  if (body.contains("id")) {
    // A person's birth bounds every event of theirs: moving it later must not
    // leave a vaccination, a growth measurement or the death before it.
    const PersonEvents ev = lookup.EventsOf(body["id"], "");
    if (ev.death && birth > *ev.death)
      return Status::Invalid("birth_date", "birth_date is after the person's death on " + FormatDate(*ev.death));
    if (ev.first && birth > *ev.first)
      return Status::Invalid("birth_date", "birth_date is after the person's " + ev.first_type + " record of " + FormatDate(*ev.first));
  }
  out->full_name = body["full_name"];
  out->name_folded = text::Fold(out->full_name);
  out->sex = sex;
  out->date = body["birth_date"];
  out->phone = body.contains("phone") ? std::optional<std::string>(body["phone"]) : std::nullopt;
  out->citizen_id = body.contains("citizen_id") ? std::optional<std::string>(body["citizen_id"]) : std::nullopt;
  out->mother_id = body.contains("mother_id") ? std::optional<std::string>(body["mother_id"]) : std::nullopt;
  return Status::Ok();
}

// A woman's death is a maternal death candidate (to be reviewed) when she was
// pregnant or within 42 days of the end of a pregnancy (WHO ICD-10's maternal
// death definition). A pregnancy ends at its delivery or stillbirth; one
// ended otherwise, or never closed, counts up to 44 weeks (the registry's
// longest) plus 42 days after its lmp. The pregnancy named by the death counts.
bool MaternalCandidate(const PersonEvents& ev, Date death, const std::string& named_pregnancy) {
  if (!named_pregnancy.empty()) return true;
  for (const auto& p : ev.pregnancies) {
    if (!p.lmp || death < *p.lmp) continue;
    std::optional<Date> end;
    for (const auto& o : ev.of_pregnancy)
      if ((o.type == "delivery" || o.type == "stillbirth") && o.pregnancy_id == p.id && (!end || o.date < *end)) end = o.date;
    if (end ? DaysBetween(*end, death) <= 42 : DaysBetween(*p.lmp, death) <= 308 + 42) return true;
  }
  return false;
}

// The notification of a death or stillbirth: the time of death falls on its
// date, the notification not before it; the hours between them are derived.
Status NotificationRules(json& body, Date date) {
  std::optional<int64_t> died;
  if (body.contains("time_of_death")) {
    const std::string& t = body["time_of_death"].get_ref<const std::string&>();
    if (*ParseDateTime(t) != date) return Status::Invalid("time_of_death", "time_of_death must fall on date (" + FormatDate(date) + ")");
    died = ParseInstant(t);
  }
  if (body.contains("notified_at")) {
    const int64_t at = *ParseInstant(body["notified_at"].get<std::string>());
    if (died && at < *died) return Status::Invalid("notified_at", "notified_at is before time_of_death");
    if (!died && at < *ParseInstant(FormatDate(date))) return Status::Invalid("notified_at", "notified_at is before the date of death");
    if (died) body["hours_to_notification"] = std::round((at - *died) / 360.0) / 10;
  }
  return Status::Ok();
}

Status EventRules(const TypeSpec& t, json& body, Lookup& lookup, Date today, store::Record* out) {
  const std::string person_id = body["person_id"];
  const PersonFacts person = *lookup.Person(person_id);  // existence checked by the ref field
  Date date = *DateOf(body["date"]);
  if (date < person.birth) return Status::Invalid("date", "date is before the person's birth date");
  const PersonEvents ev = lookup.EventsOf(person_id, body.contains("id") ? body["id"].get<std::string>() : std::string());
  {
    // Nothing happens to a person after their death; an event on the day of
    // death (a death at delivery, on the day of a visit) is kept.
    if (t.name != "death" && !AfterDeath(t.name) && ev.death && date > *ev.death)
      return Status::Invalid("date", "date is after the person's death on " + FormatDate(*ev.death));
    if (t.name == "death" && ev.last_alive && date < *ev.last_alive)
      return Status::Invalid("date", "date (of death) is before the person's " + ev.last_alive_type + " record of " +
                                         FormatDate(*ev.last_alive));
  }
  const int age_days = DaysBetween(person.birth, date);
  const int age_months = CompletedMonths(person.birth, date);

  if (t.subject == "woman") {
    if (person.sex != "female") return Status::Invalid("person_id", "person_id: a " + t.name + " needs a woman");
    const int years = CompletedYears(person.birth, date);
    if (years < 10 || years > 60)
      return Status::Invalid("person_id", "person_id: the woman is " + std::to_string(years) + " years old on this date (10-60 expected)");
  }
  if (t.subject == "under5" && age_months >= 60)
    return Status::Invalid("date", "date: the child is " + std::to_string(age_months) + " months old; " + t.name + " is recorded for children under 60 months");

  // A child's death links the pregnancy it was born of, which is its mother's.
  const bool child_death = t.name == "death" && age_months < 60 && !person.mother_id.empty();
  std::optional<EventFacts> pregnancy;
  if (body.contains("pregnancy_id")) {
    pregnancy = lookup.Event(body["pregnancy_id"]);
    if (pregnancy->person_id != (child_death ? person.mother_id : person_id))
      return Status::Invalid("pregnancy_id", child_death ? "pregnancy_id: that pregnancy is not the child's mother's"
                                                          : "pregnancy_id: that pregnancy belongs to another person");
  }
  auto gestational_days = [&](Date d) { return pregnancy && pregnancy->lmp ? DaysBetween(*pregnancy->lmp, d) : -1; };

  if (t.name == "pregnancy") {
    auto lmp = body.contains("lmp") ? DateOf(body["lmp"]) : std::nullopt;
    auto edd = body.contains("edd") ? DateOf(body["edd"]) : std::nullopt;
    if (!lmp && !edd) return Status::Invalid("lmp", "lmp or edd is required (last menstrual period or expected delivery date)");
    if (lmp && edd) {
      int d = DaysBetween(*lmp, *edd);
      if (d < 266 || d > 294) return Status::Invalid("edd", "edd must be 38-42 weeks after lmp (it is " + std::to_string(d) + " days)");
    }
    if (!lmp) lmp = Date{edd->days - 280};  // Naegele's rule
    if (!edd) body["edd"] = FormatDate(Date{lmp->days + 280});
    body["lmp"] = FormatDate(*lmp);
    if (*lmp < person.birth) return Status::Invalid("lmp", "lmp is before the woman's birth date");
    if (date < *lmp) return Status::Invalid("date", "date (registration) is before lmp");
    if (DaysBetween(*lmp, date) > 308) return Status::Invalid("date", "date (registration) is more than 44 weeks after lmp");
    if (body.contains("gravida") && body.contains("para") && body["para"].get<int>() >= body["gravida"].get<int>())
      return Status::Invalid("para", "para (previous births) must be less than gravida (pregnancies including this one)");
  } else if (t.name == "anc_visit") {
    const int gd = gestational_days(date);
    if (gd < 0) return Status::Invalid("date", "date is before the pregnancy's lmp");
    if (gd > 308) return Status::Invalid("date", "date is more than 44 weeks after the pregnancy's lmp");
    // The pregnancy ends at its delivery: a visit after it is postnatal care,
    // and counting it would raise ANC4 and every antenatal indicator.
    for (const auto& o : ev.of_pregnancy)
      if ((o.type == "delivery" || o.type == "stillbirth") && o.pregnancy_id == body.value("pregnancy_id", "") && date > o.date)
        return Status::Invalid("date", "date is after the pregnancy's " + o.type + " on " + FormatDate(o.date) +
                                           " (an antenatal visit is before the pregnancy ends)");
    const int weeks = gd / 7;
    body["gestational_weeks"] = weeks;
    body["trimester"] = weeks < 14 ? 1 : weeks < 28 ? 2 : 3;
    if (body.contains("bp_systolic") && body.contains("bp_diastolic") &&
        body["bp_diastolic"].get<int>() >= body["bp_systolic"].get<int>())
      return Status::Invalid("bp_diastolic", "bp_diastolic must be lower than bp_systolic");
  } else if (t.name == "delivery") {
    Date at = *ParseDateTime(body["delivered_at"].get<std::string>());
    if (at != date) return Status::Invalid("delivered_at", "delivered_at must fall on date");
    const int gd = gestational_days(date);
    if (gd < 20 * 7 || gd > 45 * 7)
      return Status::Invalid("date", "delivery date must be 20-45 weeks after the pregnancy's lmp (it is " + std::to_string(gd / 7) + " weeks)");
    for (const auto& o : ev.of_pregnancy)
      if (o.type == "anc_visit" && o.pregnancy_id == body.value("pregnancy_id", "") && o.date > date)
        return Status::Invalid("date", "date (delivery) is before an antenatal visit of this pregnancy on " + FormatDate(o.date));
    const int live = body["live_births"];
    const int still = body.value("stillbirths", 0);
    if (live + still < 1) return Status::Invalid("live_births", "live_births + stillbirths must be at least 1");
    if (live + still > 5) return Status::Invalid("live_births", "live_births + stillbirths must be at most 5");
  } else if (t.name == "newborn") {
    if (date != person.birth) return Status::Invalid("date", "date of the newborn record must be the child's birth date");
    if (body.contains("delivery_id")) {
      auto d = lookup.Event(body["delivery_id"]);
      if (!person.mother_id.empty() && d->person_id != person.mother_id)
        return Status::Invalid("delivery_id", "delivery_id: that delivery is not the child's mother's");
      if (d->date != date) return Status::Invalid("delivery_id", "delivery_id: that delivery is on another date");
    }
  } else if (t.name == "postnatal_visit") {
    // A visit to someone under a year old is the newborn's; to an adult, the mother's
    // (her days since delivery are not derived here).
    if (age_days < 365) {
      if (age_days > 42) return Status::Invalid("date", "date: postnatal care of a newborn is within 42 days of birth");
      body["days_after_birth"] = age_days;
    }
  } else if (t.name == "immunization") {
    const std::string v = body["vaccine"];
    if (body["dose"] == 0 && v != "hepb" && v != "opv")
      return Status::Invalid("dose", "dose 0 (birth dose) exists only for hepb and opv");
  } else if (t.name == "growth") {
    if (!body.contains("weight_kg") && !body.contains("length_cm") && !body.contains("head_circumference_cm") &&
        !body.contains("muac_mm"))
      return Status::Invalid("weight_kg", "a growth measurement needs at least one of weight_kg, length_cm, head_circumference_cm, muac_mm");
    if (body.contains("measure") && !body.contains("length_cm"))
      return Status::Invalid("measure", "measure (l/h) is given without length_cm");
    AddGrowthStatus(body, person.sex, age_days);
  } else if (t.name == "health_check") {
    U5_RETURN_IF_ERROR(HealthCheckRules(body, person.sex, person.birth, date));
  } else if (t.name == "vitamin_a") {
    if (!body.contains("campaign_round")) {
      int y;
      unsigned m, d;
      YmdFromDate(date, y, m, d);
      body["campaign_round"] = m == 6 ? "june" : m == 12 ? "december" : "other";
    }
  } else if (t.name == "referral") {
    if (body.contains("referred_at") && body.contains("arrived_at") &&
        body["arrived_at"].get<std::string>() < body["referred_at"].get<std::string>())
      return Status::Invalid("arrived_at", "arrived_at is before referred_at");
    if (!body.contains("to_orgunit") && !body.contains("to_facility_name"))
      return Status::Invalid("to_orgunit", "to_orgunit or to_facility_name is required");
  } else if (t.name == "death") {
    body["age_at_death_days"] = age_days;
    body["age_group"] = age_days < 28 ? "neonatal" : age_months < 12 ? "post_neonatal" : age_months < 60 ? "child_1_4" : "older";
    const int years = CompletedYears(person.birth, date);
    const bool woman_15_49 = person.sex == "female" && years >= 15 && years <= 49;
    const bool maternal = body.value("maternal_death", false);
    if (maternal) {
      if (person.sex != "female") return Status::Invalid("maternal_death", "maternal_death is only for women");
      if (years < 10 || years > 60) return Status::Invalid("maternal_death", "maternal_death: the woman's age is outside 10-60");
    }
    // The programme notifies deaths of children under five, of women aged
    // 15-49 and maternal deaths (docs/registry.md); anyone else's death is
    // not its to record.
    if (age_months >= 60 && !woman_15_49 && !maternal)
      return Status::Invalid("person_id", "person_id: a death is notified for a child under 5, a woman aged 15-49 or a maternal death (this person is " +
                                              std::to_string(years) + " years old)");
    body["category"] = maternal ? "maternal"
                       : age_days < 7 ? "early_neonatal"
                       : age_days < 28 ? "late_neonatal"
                       : age_months < 12 ? "post_neonatal"
                       : age_months < 60 ? "child_1_4"
                       : woman_15_49 ? "woman_15_49" : "other";
    if (child_death) body["mother_id"] = person.mother_id;
    if (woman_15_49 || maternal) body["maternal_candidate"] = MaternalCandidate(ev, date, pregnancy ? body["pregnancy_id"].get<std::string>() : "");
    U5_RETURN_IF_ERROR(NotificationRules(body, date));
  } else if (t.name == "stillbirth") {
    // WHO's definition for international comparison (ICD-10 vol. 2, as used by
    // the Every Newborn Action Plan): 22 completed weeks or 500 g or more.
    const int weeks = body["gestational_weeks"];
    const bool heavy = body.contains("birth_weight_g") && body["birth_weight_g"].get<int>() >= 500;
    if (weeks < 22 && !heavy)
      return Status::Invalid("gestational_weeks", "gestational_weeks: a stillbirth is a fetal death at 22 completed weeks or more, or of 500 g or more "
                                                  "(WHO, ICD-10); an earlier loss is the pregnancy's outcome (miscarriage)");
    const int gd = gestational_days(date);
    if (gd < std::min(22, weeks) * 7 || gd > 45 * 7 + 6)
      return Status::Invalid("date", "date of the stillbirth must be 22-45 weeks after the pregnancy's lmp (it is " + std::to_string(gd / 7) + " weeks)");
    if (body.contains("delivery_id")) {
      auto d = lookup.Event(body["delivery_id"]);
      if (d->person_id != person_id || d->pregnancy_id != body["pregnancy_id"].get<std::string>())
        return Status::Invalid("delivery_id", "delivery_id: that delivery is not of this pregnancy");
      if (d->date != date) return Status::Invalid("delivery_id", "delivery_id: that delivery is on another date");
    }
    body["category"] = "stillbirth_" + body["timing"].get<std::string>();
    U5_RETURN_IF_ERROR(NotificationRules(body, date));
  } else if (t.name == "death_review") {
    auto d = lookup.Event(body["death_id"]);
    if (d->person_id != person_id) return Status::Invalid("death_id", "death_id: that death is another person's");
    if (date < d->date) return Status::Invalid("date", "date (of the review) is before the death on " + FormatDate(d->date));
  } else if (t.name == "review_action") {
    auto r = lookup.Event(body["review_id"]);
    if (r->person_id != person_id) return Status::Invalid("review_id", "review_id: that review is of another person's death");
    const bool done = body["status"] == "done";
    if (done && !body.contains("done_date")) return Status::Invalid("done_date", "done_date is required when status is done");
    if (!done && body.contains("done_date")) return Status::Invalid("done_date", "done_date is given but status is not done");
    if (body["due_date"].get<std::string>() < body["date"].get<std::string>())
      return Status::Invalid("due_date", "due_date is before the action was agreed (date)");
  }
  (void)today;
  out->person_id = person_id;
  out->date = body["date"];
  if (body.contains("pregnancy_id")) out->pregnancy_id = body["pregnancy_id"].get<std::string>();
  else out->pregnancy_id.reset();
  return Status::Ok();
}

// The fields of `in` checked one by one into `body`; `in` is an object of
// JsonValue or SimdValue whose find(name) gives a field's value or nothing.
template <class Obj>
void CheckFields(const TypeSpec& t, const Obj& in, Lookup& lookup, Date today, json* body, std::vector<Status>* errors) {
  for (const FieldSpec& f : t.fields) {
    if (f.derived) continue;
    auto v = in.find(f.name);
    if (!v || v->is_null()) {
      if (f.required) errors->push_back(Status::Invalid(f.name, f.name + " is required"));
      continue;
    }
    json checked;
    if (Status st = CheckField(f, *v, lookup, today, &checked); !st.ok()) errors->push_back(std::move(st));
    else (*body)[f.name] = std::move(checked);
  }
}

// The rules between fields and records, on fields that passed their checks.
Status Finish(const std::string& type, const TypeSpec& t, json& body, Lookup& lookup, Date today, store::Record* out) {
  if (!body.contains("id")) body["id"] = NewUuid7();
  out->type = type;
  out->id = body["id"];
  out->orgunit_id = body["orgunit"];
  U5_RETURN_IF_ERROR(type == "person" ? PersonRules(body, lookup, out) : EventRules(t, body, lookup, today, out));
  out->body = body.dump();
  return Status::Ok();
}

class JsonObject {
 public:
  explicit JsonObject(const json& o) : o_(o) {}
  std::optional<JsonValue> find(const std::string& name) const {
    auto it = o_.find(name);
    if (it == o_.end()) return std::nullopt;
    return JsonValue(*it);
  }

 private:
  const json& o_;
};

// A JSONL line's keys other than the envelope's, as if erased as the nlohmann path erases them.
bool EnvelopeKey(std::string_view k) {
  return k == "type" || k == "version" || k == "created_at" || k == "updated_at" || k == "deleted_at" || k == "delete_reason";
}

class SimdObject {
 public:
  explicit SimdObject(const simdjson::dom::object& o) : o_(o) {}
  std::optional<SimdValue> find(const std::string& name) const {
    simdjson::dom::element e;
    if (EnvelopeKey(name) || o_.at_key(name).get(e)) return std::nullopt;
    return SimdValue(e);
  }

 private:
  const simdjson::dom::object& o_;
};

}  // namespace

Status Validate(const std::string& type, const json& in, Lookup& lookup, Date today, store::Record* out) {
  return Validate(type, in, lookup, today, out, nullptr);
}

Status Validate(const std::string& type, const json& in, Lookup& lookup, Date today, store::Record* out,
                std::vector<Status>* field_errors) {
  const TypeSpec* t = Schema::Builtin().Type(type);
  if (!t) return Status::NotFound("unknown record type '" + type + "'", "type");
  if (!in.is_object()) return Status::BadRequest("the record must be a JSON object");
  if (field_errors) field_errors->clear();
  // Every field is checked on its own before the first failure is returned, so
  // a form can mark all its faulty fields at once; the rules between fields
  // need valid fields and run only when there is none.
  std::vector<Status> errors;
  for (auto it = in.begin(); it != in.end(); ++it) {
    const FieldSpec* f = t->Field(it.key());
    if (!f) {
      if (it.key() == "version" || it.key() == "type" || it.key() == "created_at" || it.key() == "updated_at") continue;
      errors.push_back(Status::Invalid(it.key(), "unknown field '" + it.key() + "' for " + type));
    }
  }
  json body = json::object();
  CheckFields(*t, JsonObject(in), lookup, today, &body, &errors);
  if (!errors.empty()) {
    Status first = errors.front();
    if (field_errors) *field_errors = std::move(errors);
    return first;
  }
  return Finish(type, *t, body, lookup, today, out);
}

Status ValidateLine(const std::string& type, const simdjson::dom::object& in, Lookup& lookup, Date today, store::Record* out) {
  const TypeSpec* t = Schema::Builtin().Type(type);
  if (!t) return Status::NotFound("unknown record type '" + type + "'", "type");
  // Unknown fields in the order nlohmann's map would list them (by key), the first being reported.
  std::vector<std::string_view> unknown;
  for (const simdjson::dom::key_value_pair kv : in)
    if (!EnvelopeKey(kv.key) && !t->Field(std::string(kv.key))) unknown.push_back(kv.key);
  std::sort(unknown.begin(), unknown.end());
  std::vector<Status> errors;
  for (std::string_view k : unknown)
    errors.push_back(Status::Invalid(std::string(k), "unknown field '" + std::string(k) + "' for " + type));
  json body = json::object();
  CheckFields(*t, SimdObject(in), lookup, today, &body, &errors);
  if (!errors.empty()) return errors.front();
  return Finish(type, *t, body, lookup, today, out);
}

PersonFacts FactsOfPerson(const store::Record& r) {
  return PersonFacts{r.sex, *ParseDate(r.date), r.mother_id.value_or("")};
}

EventFacts FactsOfEvent(const store::Record& r) {
  EventFacts e{r.type, r.person_id, *ParseDate(r.date), std::nullopt, r.pregnancy_id.value_or("")};
  if (r.type == "pregnancy") {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("lmp")) e.lmp = ParseDate(j["lmp"].get<std::string>());
    if (j.is_object() && j.contains("outcome")) e.outcome = j["outcome"].get<std::string>();
  }
  return e;
}

std::optional<PersonFacts> StoreLookup::Person(const std::string& id) {
  store::Record r;
  if (!store_.Get("person", id, &r).ok() || r.deleted_at) return std::nullopt;
  return FactsOfPerson(r);
}

std::optional<EventFacts> StoreLookup::Event(const std::string& id) {
  store::Record r;
  if (!store_.Get("", id, &r).ok() || r.deleted_at) return std::nullopt;
  return FactsOfEvent(r);
}

bool StoreLookup::OrgUnit(const std::string& id) { return store_.OrgUnitExists(id); }

PersonEvents StoreLookup::EventsOf(const std::string& person_id, const std::string& except) {
  PersonEvents out;
  store::Record person;
  std::vector<store::Record> events;
  if (!store_.Handbook(person_id, &person, &events).ok()) return out;
  for (const auto& e : events)
    if (auto d = ParseDate(e.date)) {
      const EventFacts f = e.type == "pregnancy" ? FactsOfEvent(e) : EventFacts{};
      out.Add(e.id, e.type, *d, except, e.pregnancy_id.value_or(""), e.type == "pregnancy" ? &f : nullptr);
    }
  return out;
}

void PersonEvents::Add(const std::string& id, const std::string& type, Date date, const std::string& except,
                       const std::string& pregnancy_id, const EventFacts* facts) {
  if (id == except) return;
  if (!pregnancy_id.empty() && (type == "anc_visit" || type == "delivery" || type == "stillbirth"))
    of_pregnancy.push_back({id, type, pregnancy_id, date});
  if (type == "pregnancy") pregnancies.push_back({id, facts ? facts->lmp : std::nullopt, facts ? facts->outcome : ""});
  if (!first || date < *first) {
    first = date;
    first_type = type;
  }
  if (type == "death") {
    if (!death || date < *death) death = date;
  } else if (!AfterDeath(type) && (!last_alive || *last_alive < date)) {
    last_alive = date;
    last_alive_type = type;
  }
}

}  // namespace u5::registry
