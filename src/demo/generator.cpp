#include "demo/generator.h"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "demo/model.h"

namespace u5::demo {
namespace {

Status ReadCommunes(store::Store& store, const std::string& province, const Profile* profile, std::vector<Commune>* out) {
  store::OrgUnit p;
  Status st = store.orgunits().Get(province, &p);
  if (st.code() == Code::not_found || (st.ok() && (p.scheme != "vn2025" || p.kind != "province")))
    return Status::NotFound("no 2025 province with code " + province, "province");
  U5_RETURN_IF_ERROR(st);
  const int64_t province_pop = p.population.value_or(0);
  std::vector<store::OrgUnit> units;
  U5_RETURN_IF_ERROR(store.orgunits().Children(province, &units));
  std::vector<Commune> cs;
  std::vector<int64_t> known;
  int64_t known_sum = 0;
  for (store::OrgUnit& u : units) {
    if (u.scheme != "vn2025" || u.kind != "commune") continue;
    Commune c;
    c.code = std::move(u.id);
    c.name = std::move(u.name);
    c.division_type = u.division_type.value_or("");
    c.population = u.population.value_or(-1);
    c.area_km2 = u.area_km2.value_or(0);
    c.profile = profile;
    if (c.population >= 0) {
      known.push_back(c.population);
      known_sum += c.population;
    }
    cs.push_back(std::move(c));
  }
  if (cs.empty()) return Status::NotFound("province " + province + " has no communes", "province");
  // Communes without a figure share what the province total leaves over; if
  // the figures already exceed the total, each gets the median commune.
  const int64_t missing = static_cast<int64_t>(cs.size() - known.size());
  int64_t fill = 0;
  if (missing > 0) {
    std::sort(known.begin(), known.end());
    const int64_t median = known.empty() ? 10000 : known[known.size() / 2];
    const int64_t rest = province_pop - known_sum;
    fill = rest > missing * 1000 ? rest / missing : median;
  }
  for (auto& c : cs) {
    if (c.population < 0) {
      c.population = fill;
      c.population_estimated = true;
    }
    const double density = c.area_km2 > 0 ? c.population / c.area_km2 : 1000;
    c.town = c.division_type == "phường";
    c.remote = c.division_type == "đặc khu" || (c.division_type == "xã" && density < (profile->mountain ? 100 : 250));
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

// Stores batches on a second thread so that generation and SQLite overlap,
// in bulk transactions of opts.commit_records; emptied vectors come back to
// the generator so their capacity is reused.
class Writer {
 public:
  Writer(store::Store& store, size_t commit_records)
      : store_(store), commit_records_(commit_records), thread_([this] { Run(); }) {}
  ~Writer() { Close(); }

  Status Push(std::vector<store::Record>& batch) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.empty() || !status_.ok(); });
    if (!status_.ok()) return status_;
    std::vector<store::Record> mine;
    mine.swap(batch);
    if (!free_.empty()) {
      batch.swap(free_.back());
      free_.pop_back();
    }
    queue_.push_back(std::move(mine));
    cv_.notify_all();
    return Status::Ok();
  }
  Status Close() {
    {
      std::unique_lock lock(mu_);
      closed_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  Status Store(std::vector<store::Record>& b) {
    // Ids carry the record's date, so inserting a batch in id order walks the
    // primary-key indexes from left to right instead of at random; persons
    // first, and the generator's timestamps keep every reference behind its
    // target (a pregnancy before its visits, a delivery before its newborn).
    // The key is built once per record: the sort then compares integers that
    // sit in the array instead of following pointers into the records.
    order_.resize(b.size());
    for (size_t i = 0; i < b.size(); ++i) order_[i] = SortKey{IdPrefix(b[i]), &b[i]};
    std::sort(order_.begin(), order_.end(), [](const SortKey& x, const SortKey& y) {
      if (x.prefix != y.prefix) return x.prefix < y.prefix;
      return x.record->id < y.record->id;
    });
    for (const SortKey& k : order_) {
      const store::Record& r = *k.record;
      if (!bulk_) U5_RETURN_IF_ERROR(store_.OpenBulk(&bulk_));
      U5_RETURN_IF_ERROR(bulk_->Add(r));
      if (++in_tx_ >= commit_records_) {
        U5_RETURN_IF_ERROR(bulk_->Commit());
        bulk_.reset();
        in_tx_ = 0;
      }
    }
    return Status::Ok();
  }

  void Run() {
    while (true) {
      std::vector<store::Record> b;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) break;
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      Status st = status_.ok() ? Store(b) : Status::Ok();
      b.clear();
      std::unique_lock lock(mu_);
      if (!st.ok() && status_.ok()) status_ = st;
      free_.push_back(std::move(b));
      cv_.notify_all();
    }
    Status st = status_.ok() && bulk_ ? bulk_->Commit() : Status::Ok();
    bulk_.reset();
    std::unique_lock lock(mu_);
    if (!st.ok() && status_.ok()) status_ = st;
  }

  store::Store& store_;
  const size_t commit_records_;
  std::unique_ptr<store::BulkWriter> bulk_;
  struct SortKey {
    uint64_t prefix;  // persons first, then the id's first 8 characters (its time)
    const store::Record* record;
  };
  static uint64_t IdPrefix(const store::Record& r) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < r.id.size(); ++i) v = v << 8 | static_cast<unsigned char>(r.id[i]);
    return (r.is_person() ? 0 : 1ull << 63) | v >> 1;
  }
  std::vector<SortKey> order_;
  size_t in_tx_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<store::Record>> queue_;
  std::vector<std::vector<store::Record>> free_;
  bool closed_ = false;
  Status status_;
  std::thread thread_;
};

}  // namespace

Status GenerateTo(const Sink& sink, store::Store& orgunits, const Options& in, Stats* stats, const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  Options opts = in;
  int ty;
  unsigned tm, td;
  YmdFromDate(opts.today, ty, tm, td);
  if (opts.to_year == 0) opts.to_year = ty;
  if (opts.from_year == 0) opts.from_year = opts.to_year - 5;
  if (opts.from_year > opts.to_year) return Status::Invalid("from", "--from must not be after --to");
  if (opts.from_year < 1990 || opts.to_year > ty) return Status::Invalid("to", "years must lie between 1990 and this year");
  if (opts.provinces.empty()) return Status::Invalid("province", "at least one province is needed");
  const Date window_from = DateFromYmd(opts.from_year, 1, 1);
  const Date window_to = std::min(DateFromYmd(opts.to_year, 12, 31), opts.today);

  std::vector<std::unique_ptr<Profile>> profiles;
  std::vector<Commune> communes;
  for (const auto& p : opts.provinces) {
    profiles.push_back(std::make_unique<Profile>(ProfileFor(p)));
    U5_RETURN_IF_ERROR(ReadCommunes(orgunits, p, profiles.back().get(), &communes));
  }
  // Births: population x crude birth rate, remote communes 1.25 times the
  // others, the province's mean kept at the profile's rate.
  for (auto& pr : profiles) {
    double pop_remote = 0, pop_all = 0;
    for (const auto& c : communes)
      if (c.profile == pr.get()) {
        pop_all += static_cast<double>(c.population);
        if (c.remote) pop_remote += static_cast<double>(c.population);
      }
    const double w = pop_all > 0 ? pop_remote / pop_all : 0;
    const double other_cbr = pr->crude_birth_rate / (w * 1.25 + (1 - w));
    for (auto& c : communes)
      if (c.profile == pr.get())
        c.births_per_year = static_cast<double>(c.population) * other_cbr * (c.remote ? 1.25 : 1.0) / 1000;
  }
  if (opts.children > 0) {
    double per_year = 0;
    for (const auto& c : communes) per_year += c.births_per_year;
    const double scale = static_cast<double>(opts.children) / (5 * per_year);
    for (auto& c : communes) c.births_per_year *= scale;
  }
  CalibrateRates(communes);

  // Births from five years before the window (children under five at its
  // start) to nine months after it (pregnancies still ongoing at its end).
  const Date births_from = DateFromYmd(opts.from_year - 5, 1, 1);
  const Date births_to{window_to.days + 280};
  const double years = (births_to.days - births_from.days + 1) / 365.25;

  Emitter out(opts, window_from, window_to, sink);
  // Progress by births, the measure of a commune's work, rather than by communes, which differ
  // tenfold in size: the expected births of the communes done over those of all.
  double expected_all = 0, expected_done = 0;
  for (const auto& c : communes) expected_all += c.births_per_year * years;
  Stats s;
  Status st;
  for (size_t i = 0; i < communes.size() && st.ok(); ++i) {
    Commune& c = communes[i];
    Rng rng(opts.seed, c.code);
    const int n_villages = c.town ? rng.Between(8, 20) : rng.Between(6, 15);
    for (int v = 0; v < n_villages; ++v) c.villages.push_back(VillageName(rng, c.profile->mountain && !c.town, c.town, v));
    const double expected = c.births_per_year * years;
    int64_t births = static_cast<int64_t>(expected);
    if (rng.Chance(expected - static_cast<double>(births))) ++births;
    s.births += births;
    st = GenerateCommune(c, out, rng, births, births_from, births_to);
    expected_done += expected;
    if (progress) progress(expected_all > 0 ? expected_done / expected_all : 1.0, out.persons() + out.events());
  }
  if (st.ok()) st = out.Flush();
  U5_RETURN_IF_ERROR(st);
  s.persons = out.persons();
  s.events = out.events();
  s.communes = static_cast<int64_t>(communes.size());
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = s;
  return Status::Ok();
}

Status Generate(store::Store& store, const Options& opts, Stats* stats, const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  Writer writer(store, opts.commit_records);
  bool alone = false;
  auto sink = [&](std::vector<store::Record>& b) {
    if (!alone) {
      // The communes are read: the writer may have the file to itself, which lets
      // a load into an empty file skip the write-ahead log (SqliteBulk::Begin).
      store.ReleaseConnection();
      alone = true;
    }
    return writer.Push(b);
  };
  Status st = GenerateTo(sink, store, opts, stats, progress);
  Status wst = writer.Close();
  U5_RETURN_IF_ERROR(st);
  U5_RETURN_IF_ERROR(wst);
  if (stats) stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Status::Ok();
}

}  // namespace u5::demo
