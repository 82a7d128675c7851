// `auditctl -R` without a VM: walks a rules file line by line the way auditctl does and stops at
// the first line that will fail on the target arch (everything after it is never loaded).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/parser.hpp"

namespace auditvm::check {

struct LoadReport {
  std::optional<int> failing_line;   // none: everything loads
  std::string failing_text;
  std::string message;               // as auditctl words it, e.g. "Syscall name unknown: open"
  rules::RuleSet loaded;             // what `auditctl -l` will show (and the control lines applied)
  std::vector<rules::NumberedLine> not_loaded;
  std::vector<std::string> warnings; // what the model cannot know on the host (watched paths, path=/dir=)
  bool complete() const { return !failing_line; }
};

LoadReport simulate_load(std::string_view text, Arch arch, const std::string& source);

}  // namespace auditvm::check
