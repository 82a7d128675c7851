#include "check/load_simulation.hpp"

#include <set>

#include "core/errors.hpp"
#include "rules/canonical.hpp"

namespace auditvm::check {

LoadReport simulate_load(std::string_view text, Arch arch, const std::string& source) {
  LoadReport report;
  report.loaded = {source, arch, {}};
  std::set<std::string> present;
  for (const auto& line : rules::rule_lines(text)) {
    if (report.failing_line) {
      report.not_loaded.push_back(line);
      continue;
    }
    try {
      auto rule = rules::parse_rule_line(line.text, arch, source, line.number, rules::Dialect::auditctl);
      if (const auto* control = rule.control(); control && control->option == "-D") present.clear();
      if (!rule.control()) {
        // The kernel refuses a rule identical to a loaded one, and auditctl -R stops there.
        if (!present.insert(rules::canonical_text(rule, arch)).second)
          throw InputError({source, line.number, line.text}, "Error sending add rule data request (Rule exists)");
      }
      // The kernel resolves watched paths when the rule is added; lint cannot see the target's files.
      const std::string at = "line " + std::to_string(line.number) + ": ";
      const std::string stops = " fails to load with \"No such file or directory\" (and stops every later line) if ";
      if (const auto* watch = rule.watch_rule())
        report.warnings.push_back(at + "the watch on " + watch->path + stops + "its directory does not exist on the target");
      if (const auto* syscall = rule.syscall_rule())
        for (const auto& field : syscall->fields) {
          if (field.field == "path")  // like a watch: the parent directory must exist
            report.warnings.push_back(at + "-F path=" + field.value + stops + "its directory does not exist on the target");
          if (field.field == "dir")  // a tree: the directory itself must exist
            report.warnings.push_back(at + "-F dir=" + field.value + stops + "that directory does not exist on the target");
        }
      report.loaded.rules.push_back(std::move(rule));
    } catch (const InputError& e) {
      report.failing_line = line.number;
      report.failing_text = line.text;
      report.message = e.detail();
    }
  }
  return report;
}

}  // namespace auditvm::check
