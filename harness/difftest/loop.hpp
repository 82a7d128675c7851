// The differential tester's loop: one booted guest, and for each rule set (generated from the
// seed, or read from files) a cell: reset (verified), load it as NixOS does, run the scenario's
// actions and the model's witness events, judge model against kernel. Every disagreement is
// shrunk in the same guest to a minimal rule set that still shows it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "difftest/generator.hpp"
#include "difftest/judge.hpp"
#include "difftest/shrinker.hpp"
#include "image/manifest.hpp"
#include "machine/machine.hpp"

namespace auditvm::difftest {

// One rule set to try: generated (seed, index) or a file of --replay.
struct RuleSetSource {
  std::string name;  // "set 17" or the file's path
  Lines lines;
  std::optional<std::uint64_t> index;  // generated sets
};

struct LoopOptions {
  Arch arch = Arch::x86_64;
  image::Manifest manifest;  // the guest
  machine::BackendOptions backend;
  machine::Accel accel = machine::Accel::automatic;
  std::filesystem::path report_dir;  // logs/ (console, the last cell's audit log)
  Model model = kernel_model();
  int shrink_budget = 60;  // predicate runs (one cell each) per distinct disagreement
  // Called after each rule set with how many ran (progress); may be empty.
  std::function<void(std::size_t done, std::size_t disagreements)> progress;
};

struct Found {
  RuleSetSource source;
  Disagreement disagreement;   // as the shrunk rule set shows it
  Lines shrunk;                // the minimal rule set (the source's lines when not shrunk)
  int shrink_tests = 0;
  bool shrink_exhausted = false;
  std::optional<std::size_t> same_as;  // not shrunk: an earlier Found has the same signature
  report::CellEvidence evidence;       // the shrunk set's cell (rules file, auditctl -R, -l)
  std::string kernel_version;
};

struct LoopResult {
  std::size_t rule_sets = 0;
  std::size_t cells = 0;        // cells run, shrinking included
  std::size_t events = 0;       // events compared over all sets (shrinking aside)
  std::size_t not_made = 0;     // witnesses the guest could not make as asked
  std::size_t inconclusive = 0; // sets whose kernel side could not be trusted (lost records, ...)
  std::vector<std::string> inconclusive_reasons;
  std::vector<std::string> unconfirmed;  // sets whose Open only rests on gaps no witness could be made in
  std::vector<Found> found;
  std::vector<std::string> errors;  // sets that could not be run (the machinery failed twice)
  double seconds = 0;
  // Where the time went, summed over the rule sets' own cells (shrinking aside): the cell's
  // phases, and booting (boot: every guest the run started, restarts after a failure included).
  report::CellTimings phases;
  double shrink_seconds = 0;  // the cells run while shrinking
  bool interrupted = false;   // stopped by Ctrl-C or SIGTERM: the sets judged until then
};

LoopResult run_loop(const std::vector<RuleSetSource>& sets, const LoopOptions& options);

// The sets of a generated run: `count` sets of `seed`.
std::vector<RuleSetSource> generated_sets(Arch arch, std::uint64_t seed, std::uint64_t count, const GeneratorOptions& generator = {});
// Every *.rules file under `dir` (recursively, sorted by path); InputError naming a file that cannot be read.
std::vector<RuleSetSource> replay_sets(const std::filesystem::path& dir);

}  // namespace auditvm::difftest
