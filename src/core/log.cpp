#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/date.h"

namespace u5::log {

static std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("under5");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}

void Init(bool) { Logger(); }

static void Emit(spdlog::level::level_enum lvl, const char* level, std::string_view event, const nlohmann::json& fields) {
  nlohmann::json j = {{"ts", NowIso()}, {"level", level}, {"event", event}};
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
  Logger()->log(lvl, "{}", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Info(std::string_view e, const nlohmann::json& f) { Emit(spdlog::level::info, "info", e, f); }
void Warn(std::string_view e, const nlohmann::json& f) { Emit(spdlog::level::warn, "warn", e, f); }
void Error(std::string_view e, const nlohmann::json& f) { Emit(spdlog::level::err, "error", e, f); }

}  // namespace u5::log
