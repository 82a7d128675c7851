#include "check/status_checks.hpp"

#include <charconv>
#include <sstream>

namespace auditvm::check {
namespace {

// name=value pairs of /proc/cmdline, or the field of auditctl -s or of the services' lines.
std::optional<std::string> lookup(const std::string& source, const std::string& text, const std::string& name) {
  if (source != "cmdline") return parse_auditctl_status(text).text(name);
  std::istringstream in(text);
  for (std::string word; in >> word;)
    if (word.rfind(name + "=", 0) == 0) return word.substr(name.size() + 1);
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

AuditctlStatus parse_auditctl_status(const std::string& output) {
  AuditctlStatus status;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    auto space = line.find(' ');
    if (space == std::string::npos || space == 0) continue;
    status.fields.emplace(line.substr(0, space), line.substr(line.find_first_not_of(' ', space)));
  }
  return status;
}

std::optional<std::string> AuditctlStatus::text(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> AuditctlStatus::number(const std::string& name) const {
  auto value = text(name);
  if (!value) return std::nullopt;
  std::string first = value->substr(0, value->find(' '));
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), out);
  if (ec != std::errc() || end != first.data() + first.size()) return std::nullopt;
  return out;
}

StatusResult evaluate_status(const StigRule& stig, const GuestState& guest) {
  StatusResult result{stig.group_id, Verdict::NotAFinding, {}};
  const auto init = parse_auditctl_status(guest.services).text("init");
  for (const auto& condition : stig.status.value("all", nlohmann::json::array())) {
    std::string source = condition.value("source", "");
    std::string name = condition.value("name", "");
    std::string op = condition.value("op", "=");
    const auto& expected = condition["value"];
    if (condition.contains("init") && init != condition["init"].get<std::string>()) continue;
    std::string where = source == "cmdline" ? "the kernel command line" : source == "services" ? "the guest's audit services" : "auditctl -s";
    const std::string& text = source == "cmdline" ? guest.cmdline : source == "services" ? guest.services : guest.auditctl_status;
    auto actual = lookup(source, text, name);
    if (!actual) result.reasons.push_back(name + " is not set on " + where);
    else if (!holds(*actual, op, expected))
      result.reasons.push_back(name + " is " + *actual + " on " + where + ", required " + op + " " +
                               (expected.is_string() ? expected.get<std::string>() : expected.dump()));
  }
  if (!result.reasons.empty()) result.verdict = Verdict::Open;
  return result;
}

}  // namespace auditvm::check
