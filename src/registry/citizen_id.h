// Vietnamese 12-digit citizen identity number (CCCD/định danh cá nhân), as
// laid out by Decree 137/2015/NĐ-CP and Circular 59/2021/TT-BCA: 3 digits for
// the province of birth registration, 1 digit for century and sex, 2 digits
// for the year of birth, 6 random digits.
#pragma once
#include <string>
#include <string_view>

#include "core/date.h"

namespace u5::registry {

// Empty string when valid; otherwise the reason. birth/sex are cross-checked
// when given (sex "male"/"female").
std::string CheckCitizenId(std::string_view id, const Date* birth, std::string_view sex);

}  // namespace u5::registry
