#include "difftest/output.hpp"

#include <cmath>

#include "core/write_file.hpp"

namespace auditvm::difftest {
namespace {

std::string rules_text(const Lines& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

nlohmann::json found_json(const Found& found) {
  nlohmann::json out{{"rules", rules_text(found.shrunk)},
                     {"kind", std::string(to_string(found.disagreement.kind))},
                     {"signature", found.disagreement.signature()},
                     {"what", found.disagreement.what},
                     {"event", found.disagreement.event ? event_json(*found.disagreement.event) : nlohmann::json()},
                     {"model", found.disagreement.model},
                     {"kernel", found.disagreement.kernel},
                     {"records", found.disagreement.records},
                     {"source", found.source.name},
                     {"original_rules", rules_text(found.source.lines)}};
  if (found.same_as) out["same_as"] = *found.same_as;
  else out["shrink"] = {{"tests", found.shrink_tests}, {"minimal", !found.shrink_exhausted}};
  return out;
}

// A file name for the n-th disagreement: from its set's index, or the replayed file's stem.
std::string fixture_name(const RunInfo& info, const Found& found, std::size_t n) {
  std::string base = found.source.index ? "difftest-" + std::string(to_string(info.arch)) + "-seed" + std::to_string(info.seed.value_or(0)) +
                                              "-set" + std::to_string(*found.source.index)
                                        : std::filesystem::path(found.source.name).stem().string();
  for (char& c : base)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  if (base.empty() || base[0] == '.') base = "fixture" + base;
  return base + "-" + std::to_string(n);
}

// A comment line cannot hold a newline (auditctl's messages may).
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

nlohmann::json event_json(const check::Event& event) {
  return {{"abi", std::string(to_string(event.abi))},
          {"syscall", event.syscall},
          {"auid", event.auid},
          {"uid", event.uid},
          {"euid", event.euid},
          {"gid", event.gid},
          {"success", event.success},
          {"exit", event.exit_code},
          {"login", std::string(check::to_string(event.login))},
          {"alternate_exe", event.alternate_exe}};
}

nlohmann::json to_json(const RunInfo& info, const LoopResult& result) {
  nlohmann::json disagreements = nlohmann::json::array();
  for (const auto& found : result.found) disagreements.push_back(found_json(found));
  nlohmann::json out{{"arch", std::string(to_string(info.arch))},
                     {"seed", info.seed ? nlohmann::json(*info.seed) : nlohmann::json()},
                     {"rule_sets", result.rule_sets},
                     {"witness_events", result.events},
                     {"witnesses_not_made", result.not_made},
                     {"cells", result.cells},
                     {"disagreements", disagreements},
                     {"inconclusive", result.inconclusive_reasons},
                     {"unconfirmed", result.unconfirmed},
                     {"errors", result.errors},
                     {"seconds", std::round(result.seconds * 10) / 10}};
  if (info.replay) out["replay"] = info.replay->string();
  if (result.interrupted) out["interrupted"] = true;
  // Where the seconds went (bench/difftest.sh prints it): the sets' cells phase by phase, the guests' boots, shrinking.
  nlohmann::json phases = nlohmann::json::object();
  for (const auto& [name, member] : report::kTimingPhases)
    if (std::string_view(name) != "restore") phases[name] = std::round(result.phases.*member * 10) / 10;
  phases["shrink"] = std::round(result.shrink_seconds * 10) / 10;
  out["phases"] = phases;
  return out;
}

std::string to_text(const RunInfo& info, const LoopResult& result) {
  std::string out = "difftest " + std::string(to_string(info.arch)) + (info.seed ? ", seed " + std::to_string(*info.seed) : ", replay of " + info.replay->string()) +
                    ": " + std::to_string(result.rule_sets) + " rule sets, " + std::to_string(result.events) + " events compared, " +
                    std::to_string(result.found.size()) + " disagreements, " + std::to_string(result.inconclusive) + " inconclusive, " +
                    (result.unconfirmed.empty() ? "" : std::to_string(result.unconfirmed.size()) + " unconfirmed, ") +
                    std::to_string(static_cast<int>(std::lround(result.seconds))) + " s" + (result.interrupted ? " (interrupted)" : "");
  if (result.seconds > 0)
    out += " (" + std::to_string(result.cells) + " cells with shrinking: " + std::to_string(static_cast<int>(std::lround(result.cells * 60.0 / result.seconds))) +
           " cells/min)";
  out += "\n";
  for (std::size_t i = 0; i < result.found.size(); ++i) {
    const auto& f = result.found[i];
    out += "#" + std::to_string(i) + " " + f.source.name + ": " + std::string(to_string(f.disagreement.kind)) + " " + f.disagreement.what +
           ": model " + f.disagreement.model + ", kernel " + f.disagreement.kernel + "\n";
    if (f.same_as) {
      out += "  same as #" + std::to_string(*f.same_as) + "\n";
      continue;
    }
    out += "  minimal rule set (" + std::to_string(f.shrink_tests) + " runs" + (f.shrink_exhausted ? ", budget exhausted" : "") + "):\n";
    for (const auto& line : f.shrunk) out += "    " + line + "\n";
    if (f.shrunk.empty()) out += "    (no rules)\n";
  }
  for (const auto& e : result.errors) out += "error: " + e + "\n";
  for (const auto& u : result.unconfirmed) out += "unconfirmed: " + u + "\n";
  return out;
}

std::vector<std::filesystem::path> write_fixtures(const std::filesystem::path& dir, const RunInfo& info, const LoopResult& result) {
  std::vector<std::filesystem::path> written;
  for (std::size_t i = 0; i < result.found.size(); ++i) {
    const auto& found = result.found[i];
    if (found.same_as) continue;
    make_directories(dir);
    auto name = fixture_name(info, found, i);
    auto json = found_json(found);
    json["arch"] = std::string(to_string(info.arch));
    json["kernel_version"] = found.kernel_version;
    json["evidence"] = {{"rules_file", found.evidence.rules_file},
                        {"auditctl_R", found.evidence.auditctl_R ? nlohmann::json{{"exit_status", found.evidence.auditctl_R->exit_status},
                                                                                  {"output", found.evidence.auditctl_R->output}}
                                                                 : nlohmann::json()},
                        {"auditctl_l", found.evidence.auditctl_l}};
    if (found.evidence.target_paths)  // what the guest had at the rules' paths
      for (const auto& [path, state] : found.evidence.target_paths->states) json["evidence"]["target_paths"][path] = std::string(check::to_string(state));
    auto rules_file = file_in(dir, name + ".rules");
    write_file_atomic(file_in(dir, name + ".json"), json.dump(2) + "\n");
    write_file_atomic(rules_file, one_line("# " + std::string(to_string(found.disagreement.kind)) + " " + found.disagreement.what + ": model " +
                                               found.disagreement.model + ", kernel " + found.disagreement.kernel) +
                                      "\n" + rules_text(found.shrunk));
    written.push_back(rules_file);
  }
  return written;
}

}  // namespace auditvm::difftest
