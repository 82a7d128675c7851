// The check tests' shared steps: the V-268096 verdict on a rules text, and its findings as text.
#pragma once

#include <string>

#include "check/coverage.hpp"
#include "rules/parser.hpp"

namespace auditvm::test {

inline check::CheckResult check(const std::string& text, Arch arch = Arch::x86_64) {
  return check::evaluate(rules::parse_rules(text, arch, "t"), arch, check::find_stig_rule("V-268096"));
}

inline std::string uncovered_text(const check::CheckResult& result) {
  std::string out;
  for (const auto& group : result.uncovered) out += group.text() + "\n";
  return out;
}

}  // namespace auditvm::test
