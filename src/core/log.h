// Structured logging: one JSON object a line on stderr (spdlog underneath).
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

namespace u5::log {

void Init(bool json = true);
void Info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void Warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void Error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace u5::log
