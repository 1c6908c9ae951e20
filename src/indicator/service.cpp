#include "indicator/service.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/log.h"
#include "store/attached.h"

namespace u5::indicator {
namespace {

// Above this many queued persons a full reload is cheaper than one read each.
constexpr size_t kRebuildThreshold = 20000;

}  // namespace

Service::Service(store::Store& store, Catalogue cat, Figures figures)
    : store_(store), cat_(std::move(cat)), figures_(std::move(figures)) {}

Service::~Service() { store::Attached<Service>::Forget(this); }

std::string Service::SnapshotPath(const std::string& engines_dir) {
  return engines_dir.empty() ? std::string() : engines_dir + "/indicators.snap";
}

Status Service::Open(store::Store& store, const std::string& data_dir,
                     std::unique_ptr<Service>* out, const std::string& snapshot_path) {
  Catalogue cat;
  U5_RETURN_IF_ERROR(Catalogue::Load(data_dir, &cat));
  // The data file's targets become stored versions before anything reads them.
  Figures figures;
  U5_RETURN_IF_ERROR(Figures::Load(data_dir, &figures));
  U5_RETURN_IF_ERROR(SeedTargets(store, cat));
  std::unique_ptr<Service> s(new Service(store, std::move(cat), std::move(figures)));
  s->engine_ = std::make_unique<Engine>(s->cat_, [&store](const std::string& ou) { return ClosureAncestors(store, ou); });
  s->changed_ = std::make_unique<store::ChangedPersons>(store);
  std::string path = snapshot_path;
  if (!path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) {
      // A database in a folder this process cannot write still gets its figures, from the records.
      log::Warn("indicator_snapshot_unavailable", {{"path", path}, {"error", ec.message()}});
      path.clear();
    }
  }
  Service* self = s.get();
  snapshot::Engine engine;
  engine.kind = "indicators";
  engine.format = kSnapshotFormat;
  // The facts depend on the catalogue's rules besides the records; the org
  // unit closure is re-read at load (Engine::Decode), so it is no input.
  engine.inputs = s->cat_.digest();
  engine.load = [self](const snapshot::Reader& r) {
    std::unique_lock lock(self->engine_mu_);
    return self->engine_->Decode([&r](std::string_view name, std::string_view* bytes) { return r.Section(name, bytes); });
  };
  engine.save = [self](snapshot::Writer& w) {
    Engine::Sections sections;
    {
      std::shared_lock lock(self->engine_mu_);
      sections = self->engine_->Encode();
    }
    for (const auto& [name, bytes] : sections) U5_RETURN_IF_ERROR(w.Section(name, bytes));
    return Status::Ok();
  };
  engine.rebuild = [self] {
    std::unique_lock lock(self->engine_mu_);
    return LoadAll(self->store_, self->engine_.get());
  };
  engine.replay = [self](const std::vector<std::string>& ids) {
    std::unique_lock lock(self->engine_mu_);
    return self->ReplayLocked(std::unordered_set<std::string>(ids.begin(), ids.end()));
  };
  s->keeper_ = std::make_unique<snapshot::Keeper>(store, path, std::move(engine));
  *out = std::move(s);
  return Status::Ok();
}

void Service::Attach(store::Store& store, Service* service) { store::Attached<Service>::Set(store, service); }

Service* Service::For(store::Store& store) { return store::Attached<Service>::For(store); }

size_t Service::pending() const { return changed_->size(); }

Status Service::Rebuild(LoadStats* stats) {
  std::unique_lock lock(engine_mu_);
  changed_->Clear();
  U5_RETURN_IF_ERROR(LoadAll(store_, engine_.get(), stats));
  built_ = true;
  return Status::Ok();
}

Status Service::Start() {
  std::lock_guard start(start_mu_);
  if (started_) return Status::Ok();
  // Writes from here on are queued and replayed by the next Refresh, even
  // those the snapshot or the Keeper's replay already holds: twice is harmless.
  changed_->Clear();
  snapshot::StartReport report;
  if (Status st = keeper_->Start(&report); !st.ok()) {
    // The snapshot could not be read or written (a full disk, a read-only
    // file): the records are the truth, so the engine is built from them.
    log::Error("indicator_snapshot_failed", {{"error", st.ToString()}});
    std::unique_lock lock(engine_mu_);
    U5_RETURN_IF_ERROR(LoadAll(store_, engine_.get()));
    report = {};
    report.rejected = st.ToString();
  }
  std::unique_lock lock(engine_mu_);
  start_report_ = report;
  built_ = started_ = true;
  return Status::Ok();
}

snapshot::StartReport Service::start_report() const {
  std::shared_lock lock(engine_mu_);
  return start_report_;
}

Status Service::Checkpoint(int64_t* seq, bool* written) {
  U5_RETURN_IF_ERROR(Start());
  U5_RETURN_IF_ERROR(keeper_->Checkpoint(written));
  if (seq) *seq = keeper_->seq();
  return Status::Ok();
}

Status Service::Follow(int64_t* seq) {
  U5_RETURN_IF_ERROR(Start());
  U5_RETURN_IF_ERROR(keeper_->Follow());
  if (seq) *seq = keeper_->seq();
  return Status::Ok();
}

Status Service::Refresh() {
  {
    std::shared_lock lock(engine_mu_);
    if (built_ && pending() == 0) return Status::Ok();
  }
  if (!built_) U5_RETURN_IF_ERROR(Start());
  if (pending() > kRebuildThreshold) return Rebuild();
  std::unique_lock lock(engine_mu_);
  return ReplayLocked(changed_->Take());
}

Status Service::ReplayLocked(std::unordered_set<std::string> todo) {
  PersonRecords p;
  if (engine_->rules().has_family()) {
    // A child's records count in its mother's facts (newborns-scoped rules):
    // re-index each changed person's link and re-read the mothers it had and has.
    std::vector<std::string> mothers;
    for (const auto& id : todo) {
      bool found = false;
      U5_RETURN_IF_ERROR(ReadPerson(store_, *engine_, id, &p, &found));
      const std::string now = found && !p.mother_id.empty() && HasDeliveryLink(engine_->rules(), p) ? p.mother_id : "";
      const std::string before = engine_->SetMother(id, now);
      for (const std::string* m : {&before, &now})
        if (!m->empty()) mothers.push_back(*m);
    }
    todo.insert(mothers.begin(), mothers.end());
  }
  for (const auto& id : todo) {
    bool found = false;
    U5_RETURN_IF_ERROR(ReadFamily(store_, *engine_, id, &p, &found));
    engine_->ReplacePerson(id, found ? &p : nullptr);
  }
  return Status::Ok();
}

Status Service::ValueLocked(const Indicator& ind, const std::string& orgunit, const Period& p, IndicatorValue* out) {
  out->indicator = &ind;
  out->orgunit = orgunit;
  out->period = p;
  if (p.kind != PeriodKind::range) U5_RETURN_IF_ERROR(GetValues(store_, orgunit, p.text, ind.id, &out->entered));
  const int idx = cat_.IndexOf(ind.id);
  if (ind.computable) {
    out->from_records = true;
    out->provenance = "computed_from_registry";
    if (ind.annual_only && p.kind != PeriodKind::year) {
      out->reason = "annual indicator: ask for a year";
      return Status::Ok();
    }
    Cell c = engine_->Value(idx, orgunit, p);
    out->num = c.num;
    out->den = c.den;
    if (ind.den_aggregate) {
      const std::optional<EnteredValue> pop = BestValue(store_, ind.den_element, orgunit, std::to_string(p.year));
      const double den = pop ? pop->value.value_or(pop->denominator.value_or(0)) : 0;
      if (den <= 0) {
        out->reason = "denominator " + ind.den_element + " not entered for " + orgunit + " " + std::to_string(p.year);
        return Status::Ok();
      }
      out->den = static_cast<int64_t>(den);
      out->value = static_cast<double>(c.num) / den * ind.multiplier;
      out->precision = PrecisionOf(cat_, ind, out->num, out->den);
      return Status::Ok();
    }
    if (c.den <= 0) {
      out->reason = "no denominator records in the period";
      return Status::Ok();
    }
    if (!ind.den_scale_element.empty()) {
      // Expected events: the counted units (live births) times an entered
      // reference ratio of the year (deaths per 1000 live births).
      const std::optional<EnteredValue> ratio = BestValue(store_, ind.den_scale_element, orgunit, std::to_string(p.year));
      const double r = ratio ? ratio->value.value_or(0) : 0;
      if (r <= 0) {
        out->reason = "reference ratio " + ind.den_scale_element + " not entered for " + orgunit + " " + std::to_string(p.year);
        return Status::Ok();
      }
      const double expected = static_cast<double>(c.den) * r / ind.den_scale_per;
      out->den = std::llround(expected);
      out->value = static_cast<double>(c.num) / expected * ind.multiplier;
      out->precision = PrecisionOf(cat_, ind, out->num, out->den);
      return Status::Ok();
    }
    out->value = static_cast<double>(c.num) / static_cast<double>(c.den) * ind.multiplier;
    out->precision = PrecisionOf(cat_, ind, out->num, out->den);
    return Status::Ok();
  }
  // Not computable from records: the entered value, when there is one.
  std::optional<EnteredValue> v;
  if (p.kind != PeriodKind::range) v = BestValue(store_, ind.id, orgunit, p.text);
  if (!v) {
    out->reason = ind.not_computable;
    return Status::Ok();
  }
  out->provenance = v->source;
  if (v->numerator && v->denominator) {
    out->num = static_cast<int64_t>(*v->numerator);
    out->den = static_cast<int64_t>(*v->denominator);
  }
  out->value = v->value ? *v->value : *v->numerator / *v->denominator * ind.multiplier;
  return Status::Ok();
}

Status Service::Value(const std::string& indicator, const std::string& orgunit, const Period& p, IndicatorValue* out) {
  const Indicator* ind = cat_.Find(indicator);
  if (!ind) return Status::Invalid("ids", "unknown indicator '" + indicator + "'");
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(engine_mu_);
  return ValueLocked(*ind, orgunit, p, out);
}

Status Service::Breakdown(const std::string& indicator, const std::string& orgunit, const Period& p,
                          const std::string& by, std::map<std::string, Cell>* out) {
  const Indicator* ind = cat_.Find(indicator);
  if (!ind) return Status::Invalid("ids", "unknown indicator '" + indicator + "'");
  if (by != "sex" && by != "ethnicity" && by != "age_band" && by != "orgunit")
    return Status::Invalid("by", "by must be sex, ethnicity, age_band or orgunit");
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(engine_mu_);
  *out = engine_->Breakdown(cat_.IndexOf(indicator), orgunit, p, by);
  return Status::Ok();
}

Status Service::Deaths(const std::string& orgunit, const Period& p, const std::vector<std::string>& by, DeathCounts* out) {
  for (const auto& b : by)
    if (!IsDeathDimension(b))
      return Status::Invalid("by", "by must list category, cause_group, place, delay, avoidability, commune or month, not '" + b + "'");
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(engine_mu_);
  *out = engine_->Deaths(orgunit, p.from, p.to, by);
  return Status::Ok();
}

AnnualValue Service::Annual(const std::string& indicator, const std::string& orgunit, int year) {
  AnnualValue a;
  IndicatorValue v;
  const Indicator* ind = cat_.Find(indicator);
  if (!ind || !ValueLocked(*ind, orgunit, YearPeriod(year), &v).ok()) {
    a.reason = "unknown indicator";
    return a;
  }
  if (!v.value) {
    // An entered value (say a yearbook estimate) stands in when records give none.
    for (const auto& e : v.entered)
      if (e.value) {
        a.value = e.value;
        a.provenance = e.source;
        return a;
      }
  }
  a.value = v.value;
  a.num = v.num;
  a.den = v.den;
  a.provenance = v.provenance;
  a.reason = v.reason;
  return a;
}

Status Service::Evaluate(const std::string& plan_id, const std::string& orgunit, std::optional<int> year, Date as_of,
                         std::vector<TargetEval>* out) {
  const Plan* plan = cat_.FindPlan(plan_id);
  if (!plan) return Status::NotFound("no plan '" + plan_id + "'", "plan");
  const std::string ou = orgunit.empty() ? plan->orgunit : orgunit;
  std::vector<Target> targets;
  U5_RETURN_IF_ERROR(EffectiveTargets(store_, *plan, &targets));
  U5_RETURN_IF_ERROR(Refresh());
  std::shared_lock lock(engine_mu_);
  out->clear();
  for (const auto& t : targets) {
    if (year && t.year != *year) continue;
    out->push_back(EvaluateTarget(cat_, t, ou, as_of, [&](const std::string& ind, int y) { return Annual(ind, ou, y); }));
  }
  return Status::Ok();
}

Status Service::PutValue(const EnteredValue& v, const audit::Entry& audit) {
  return indicator::PutValue(store_, cat_, figures_, v, audit);
}

Status Service::DeleteValue(const EnteredValue& key, const std::string& reason, const audit::Entry& audit) {
  return indicator::DeleteValue(store_, key, reason, audit);
}

Status Service::ValueHistory(const std::string& element, const std::string& orgunit, const std::string& period,
                             std::vector<EnteredValue>* out) {
  return store_.aggregates().History(element, orgunit, period, out);
}

Status Service::FacilityStaffing(const std::string& orgunit, const std::string& period, std::vector<FacilityStaff>* out) {
  out->clear();
  std::vector<std::string> ids;
  U5_RETURN_IF_ERROR(store_.orgunits().ClosureDescendants(orgunit, &ids));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::string> staff;
  for (const auto& g : figures_.groups())
    if (g.level == "facility")
      for (const auto& e : g.elements) staff.push_back(e.id);
  for (const auto& id : ids) {
    FacilityStaff f;
    U5_RETURN_IF_ERROR(store_.orgunits().Get(id, &f.unit));
    if (!figures_.IsStaffedFacility(f.unit.id, f.unit.kind)) continue;
    for (const auto& e : staff)
      if (auto v = BestValue(store_, e, id, period); v && v->value) f.staffing[e] = *v->value;
    const std::vector<std::string> up = ClosureAncestors(store_, id);
    for (const Plan& p : cat_.plans())
      for (const auto& a : up)
        if (a == p.orgunit || (!p.successor_orgunit.empty() && a == p.successor_orgunit)) {
          f.plans.push_back(&p);
          break;
        }
    out->push_back(std::move(f));
  }
  return Status::Ok();
}

Status Service::ListValues(const std::string& orgunit, const std::string& period, std::vector<EnteredValue>* out) {
  return GetValues(store_, orgunit, period, "", out);
}

Status Service::PutTarget(const Target& t, const std::string& reason, const audit::Entry& audit,
                          store::TargetVersion* out) {
  if (!cat_.FindPlan(t.plan)) return Status::NotFound("no plan '" + t.plan + "'", "plan");
  U5_RETURN_IF_ERROR(CheckTarget(cat_, t));
  store::TargetVersion v = ToVersion(t);
  v.origin = "edit";
  v.by_id = audit.user_id;
  v.by = audit.username;
  v.reason = reason;
  U5_RETURN_IF_ERROR(store_.targets().Put(&v, audit));
  if (out) *out = std::move(v);
  return Status::Ok();
}

Status Service::TargetHistory(const std::string& plan, const std::string& indicator, int year,
                              std::vector<store::TargetVersion>* out) {
  if (!cat_.FindPlan(plan)) return Status::NotFound("no plan '" + plan + "'", "plan");
  return store_.targets().History(plan, indicator, year, out);
}

}  // namespace u5::indicator
