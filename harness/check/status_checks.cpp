#include "check/status_checks.hpp"

#include <sstream>

namespace auditvm::check {
namespace {

// name=value pairs of /proc/cmdline, or "name value..." lines of auditctl -s.
std::optional<std::string> lookup(const std::string& source, const std::string& text, const std::string& name) {
  std::istringstream in(text);
  if (source == "cmdline") {
    for (std::string word; in >> word;)
      if (word.rfind(name + "=", 0) == 0) return word.substr(name.size() + 1);
    return std::nullopt;
  }
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
  return std::nullopt;
}

bool holds(const std::string& actual, const std::string& op, const nlohmann::json& expected) {
  if (expected.is_string()) return op == "=" && actual == expected.get<std::string>();
  long long value = 0;
  try {
    value = std::stoll(actual);
  } catch (const std::exception&) {
    return false;
  }
  long long wanted = expected.get<long long>();
  if (op == ">=") return value >= wanted;
  if (op == "<=") return value <= wanted;
  return value == wanted;
}

}  // namespace

StatusResult evaluate_status(const StigRule& stig, const std::string& proc_cmdline, const std::string& auditctl_status) {
  StatusResult result{stig.group_id, Verdict::NotAFinding, {}};
  for (const auto& condition : stig.status.value("all", nlohmann::json::array())) {
    std::string source = condition.value("source", "");
    std::string name = condition.value("name", "");
    std::string op = condition.value("op", "=");
    const auto& expected = condition["value"];
    std::string where = source == "cmdline" ? "the kernel command line" : "auditctl -s";
    auto actual = lookup(source, source == "cmdline" ? proc_cmdline : auditctl_status, name);
    if (!actual) result.reasons.push_back(name + " is not set on " + where);
    else if (!holds(*actual, op, expected))
      result.reasons.push_back(name + " is " + *actual + " on " + where + ", required " + op + " " +
                               (expected.is_string() ? expected.get<std::string>() : expected.dump()));
  }
  if (!result.reasons.empty()) result.verdict = Verdict::Open;
  return result;
}

}  // namespace auditvm::check
