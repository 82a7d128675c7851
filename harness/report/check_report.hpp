// Renders one STIG check result for people (text) and machines (JSON).
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "check/coverage.hpp"

namespace auditvm::report {

nlohmann::json check_json(const check::CheckResult& result, Arch arch);
void write_check_text(const check::CheckResult& result, const check::StigRule& stig, Arch arch, std::ostream& out);

}  // namespace auditvm::report
