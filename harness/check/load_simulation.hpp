// `auditctl -R` without a VM: reads a rules file line by line the way auditctl does (audit 3 or
// audit 4), and follows the kernel's answer to each line: a line auditctl cannot parse or the
// kernel refuses stops the load there (everything after it is never loaded) unless an earlier
// `-i` or `-c` told auditctl to go on. README "What auditctl -R does, as measured" has the facts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/target_paths.hpp"
#include "rules/parser.hpp"

namespace auditvm::check {

// A line auditctl or the kernel refused. The kernel's refusals read "Error sending ... request
// (errno text)" or "Error deleting rule (...)"; everything else is auditctl's own complaint.
struct RejectedLine {
  int line = 0;
  std::string text;
  std::string message;  // as auditctl words it, e.g. "Syscall name unknown: open"; empty: auditctl names no reason
  bool by_kernel = false;
};

struct LoadReport {
  std::optional<int> failing_line;  // where -R stopped; none: it read every line
  std::string failing_text;
  std::string message;
  bool failing_by_kernel = false;
  // The lines that took effect, in file order (rules, -d, -D, -e ...): arrange() replays them into
  // the kernel's lists; listing() below is what `auditctl -l` then prints.
  rules::RuleSet loaded;
  std::vector<rules::NumberedLine> not_loaded;  // never read (after the stop)
  std::vector<RejectedLine> rejected;           // every refused line (after -i or -c, more than one)
  // "FILE:LINE: ...": what the model cannot know (the paths of -w, path=, dir=, exe= when the
  // target's are not known), and auditctl's own warnings.
  std::vector<std::string> warnings;
  rules::Userspace userspace = rules::Userspace::audit3;  // whose auditctl read the file (and prints the listing)
  int exit_status = 0;                // of `auditctl -R`: 1 when it stopped, or after -c when a line was refused
  bool complete() const { return rejected.empty(); }
};

// `target`: the paths the target machine has (paths_to_probe's, probed there); a line whose path
// it lacks is refused as the kernel refuses it. Without it (lint with no guest) such a line loads,
// with a warning.
LoadReport simulate_load(std::string_view text, Arch arch, const std::string& source,
                         rules::Userspace userspace = rules::Userspace::audit3, const TargetPaths* target = nullptr);

// What `auditctl -l` prints after the load, one rule a line in the kernel's order (canonical text).
std::vector<std::string> predicted_listing(const LoadReport& report);

// The lines of a rules file as `auditctl -R` reads them: split at '\n' only (a CR or a tab stays in
// the line), numbered from 1; blank lines (spaces only) and those whose first word starts with '#'
// are skipped, and so is the "No rules" of an `auditctl -l` capture.
std::vector<rules::NumberedLine> auditctl_file_lines(std::string_view text);

}  // namespace auditvm::check
