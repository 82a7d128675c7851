// The differential tester's edges: its result as JSON (the shape), its text summary, and
// the fixtures --keep writes (a rules file and a JSON with the event, model and kernel evidence).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "difftest/loop.hpp"

namespace auditvm::difftest {

struct RunInfo {
  Arch arch = Arch::x86_64;
  std::optional<std::uint64_t> seed;       // none for --replay
  std::optional<std::filesystem::path> replay;
};

nlohmann::json event_json(const check::Event& event);
// {"arch", "seed", "rule_sets", "witness_events", "disagreements": [{"rules", "event", "model", "kernel", ...}], "seconds", ...}
nlohmann::json to_json(const RunInfo& info, const LoopResult& result);
std::string to_text(const RunInfo& info, const LoopResult& result);

// Writes every shrunk disagreement into `dir` (created if missing) as NAME.rules and NAME.json,
// each whole or not at all; returns the rules files written. Nothing is written outside `dir`.
std::vector<std::filesystem::path> write_fixtures(const std::filesystem::path& dir, const RunInfo& info, const LoopResult& result);

}  // namespace auditvm::difftest
