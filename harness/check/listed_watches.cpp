#include "check/listed_watches.hpp"

#include <set>
#include <sstream>
#include <vector>

#include "core/text.hpp"
#include "rules/rule.hpp"

namespace auditvm::check {

// Both the rules file and the listing are split as auditctl splits a line (core's words: at
// spaces only), so a line auditctl did not read as a watch or a path rule is none here either.
std::string listing_as_loaded(const std::string& listing, const std::string& rules_file) {
  std::set<std::string> path_rules, watches;
  std::istringstream file(rules_file);
  for (std::string line; std::getline(file, line);) {
    auto w = words(line);
    if (w.empty()) continue;
    if (w[0] == "-w" && w.size() > 1) watches.insert(rules::without_trailing_slashes(w[1]));
    if (w[0] != "-a" && w[0] != "-A") continue;
    for (std::size_t i = 0; i + 1 < w.size(); ++i)
      if (w[i] == "-F" && w[i + 1].rfind("path=", 0) == 0) path_rules.insert(rules::without_trailing_slashes(w[i + 1].substr(5)));
  }
  std::string out;
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);) {
    auto w = words(line);
    const std::string watched = w.size() >= 2 && w[0] == "-w" ? rules::without_trailing_slashes(w[1]) : "";
    if (!watched.empty() && path_rules.count(watched) && !watches.count(watched)) {
      std::string rule = "-a always,exit -S all -F path=" + w[1];
      for (std::size_t i = 2; i + 1 < w.size(); i += 2) {
        if (w[i] == "-p") rule += " -F perm=" + w[i + 1];
        else if (w[i] == "-k") rule += " -F key=" + w[i + 1];
        else rule += " " + w[i] + " " + w[i + 1];
      }
      line = rule;
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace auditvm::check
