#include "difftest/loop.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include "check/stig.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/write_file.hpp"
#include "machine/cleanup.hpp"
#include "nixos/render.hpp"
#include "rules/parser.hpp"
#include "scenario/cell_runner.hpp"

namespace auditvm::difftest {
namespace {

// The guest and the cells run in it: boots on demand, reboots once after a machinery failure.
class Session {
 public:
  explicit Session(const LoopOptions& options)
      : options_(options),
        scenario_(scenario::load_scenario(check::shipped_scenarios_dir() / "V-268096.json")),
        stig_(check::find_stig_rule(scenario_.stig)) {
    scenario_.name = "difftest";
    scenario_.arches = {options.arch};
  }
  ~Session() { shut_down(); }
  std::size_t cells() const { return cells_; }
  double boot_seconds() const { return boot_seconds_; }

  struct Ran {
    report::CellResult cell;
    Judgement judgement;
  };

  Ran run(const Lines& lines) {
    try {
      return run_once(lines);
    } catch (const std::exception&) {
      if (machine::stop_requested()) throw;
      guest_.reset();  // suspect now: a fresh guest, and one more try
      return run_once(lines);
    }
  }

 private:
  Ran run_once(const Lines& lines) {
    if (!guest_) boot();
    scenario::Configuration configuration;
    configuration.name = "difftest";
    configuration.description = "a difftest rule set";
    configuration.config = configuration_for(lines);
    scenario_.configurations = {configuration};
    scenario::Cell cell{&scenario_, &scenario_.configurations.front(), options_.arch, options_.manifest.suite};
    Ran out{scenario::run_cell(*guest_, cell, stig_, used_, options_.report_dir / "logs", check::predict, {}, &facts_), {}};
    used_ = true;
    out.cell.kernel_version = options_.manifest.kernel_version;
    Stopwatch judging;  // difftest's own judge: counted with the cell's
    out.judgement = judge_cell(out.cell, scenario_, stig_, options_.model);
    out.cell.timings.judge += judging.total();
    ++cells_;
    return out;
  }

  void boot() {
    machine::BootOptions boot;
    boot.accel = options_.accel;
    boot.extra_kernel_params = nixos::kernel_params(configuration_for({}));
    boot.console_log = options_.report_dir / "logs" / ("difftest-guest-" + std::to_string(boots_++) + "-" + std::string(to_string(options_.arch)) + ".console.log");
    make_directories(boot.console_log.parent_path());
    Stopwatch booting;
    guest_ = machine::make_machine(options_.manifest, boot, options_.backend);
    guest_->boot();
    boot_seconds_ += booting.total();
    used_ = false;
    facts_.reset();
  }

  void shut_down() {
    if (!guest_) return;
    try {
      guest_->shutdown();
    } catch (const std::exception& e) {
      std::cerr << "auditvm: " << e.what() << "\n";
    }
    guest_.reset();
  }

  const LoopOptions& options_;
  scenario::Scenario scenario_;
  check::StigRule stig_;
  std::unique_ptr<machine::Machine> guest_;
  bool used_ = false;
  std::optional<scenario::GuestFacts> facts_;  // the booted guest's, read by its first cell
  int boots_ = 0;
  std::size_t cells_ = 0;
  double boot_seconds_ = 0;
};

void add_timings(report::CellTimings& sum, const report::CellTimings& cell) {
  for (const auto& [name, member] : report::kTimingPhases) sum.*member += cell.*member;
}

const Disagreement* with_signature(const Judgement& judgement, const std::string& signature) {
  if (!judgement.inconclusive.empty() && signature.rfind("load", 0) != 0) return nullptr;
  for (const auto& d : judgement.disagreements)
    if (d.signature() == signature) return &d;
  return nullptr;
}

}  // namespace

LoopResult run_loop(const std::vector<RuleSetSource>& sets, const LoopOptions& options) {
  Stopwatch started;
  LoopResult out;
  Session session(options);
  std::map<std::string, std::size_t> shrunk_signatures;  // signature -> index in out.found
  for (const auto& set : sets) {
    if (machine::stop_requested()) break;
    Session::Ran ran;
    try {
      ran = session.run(set.lines);
    } catch (const std::exception& e) {
      if (machine::stop_requested()) break;
      out.errors.push_back(set.name + ": " + e.what());
      continue;
    }
    ++out.rule_sets;
    add_timings(out.phases, ran.cell.timings);
    out.events += static_cast<std::size_t>(ran.judgement.events);
    out.not_made += static_cast<std::size_t>(ran.judgement.not_made);
    if (!ran.judgement.inconclusive.empty()) {
      ++out.inconclusive;
      out.inconclusive_reasons.push_back(set.name + ": " + ran.judgement.inconclusive);
    }
    if (!ran.judgement.unconfirmed.empty()) out.unconfirmed.push_back(set.name + ": " + ran.judgement.unconfirmed);
    // One Found per distinct signature of this set; shrunk the first time a signature is seen.
    std::vector<std::string> seen_here;
    for (const auto& disagreement : ran.judgement.disagreements) {
      auto signature = disagreement.signature();
      if (std::find(seen_here.begin(), seen_here.end(), signature) != seen_here.end()) continue;
      seen_here.push_back(signature);
      Found found{set, disagreement, set.lines, 0, false, std::nullopt, ran.cell.evidence.value_or(report::CellEvidence{}),
                  options.manifest.kernel_version};
      if (auto earlier = shrunk_signatures.find(signature); earlier != shrunk_signatures.end()) {
        found.same_as = earlier->second;
      } else {
        // The last candidate that still disagreed is the one shrink returns: keep its evidence.
        std::map<Lines, std::pair<Disagreement, report::CellEvidence>> failing;
        auto still = [&](const Lines& candidate) {
          if (machine::stop_requested()) return false;  // interrupted: no more cells, no errors
          try {
            auto again = session.run(candidate);
            if (const auto* d = with_signature(again.judgement, signature)) {
              failing[candidate] = {*d, again.cell.evidence.value_or(report::CellEvidence{})};
              return true;
            }
          } catch (const std::exception& e) {
            if (!machine::stop_requested()) out.errors.push_back(set.name + " (shrinking): " + e.what());
          }
          return false;
        };
        Stopwatch shrinking;
        auto result = shrink(set.lines, still, options.shrink_budget);
        out.shrink_seconds += shrinking.total();
        found.shrunk = result.lines;
        found.shrink_tests = result.tests;
        found.shrink_exhausted = result.exhausted;
        if (auto it = failing.find(result.lines); it != failing.end()) std::tie(found.disagreement, found.evidence) = it->second;
        shrunk_signatures.emplace(signature, out.found.size());
      }
      out.found.push_back(std::move(found));
    }
    if (options.progress) options.progress(out.rule_sets, out.found.size());
  }
  out.cells = session.cells();
  out.phases.boot = session.boot_seconds();
  out.interrupted = machine::stop_requested();
  out.seconds = started.total();
  return out;
}

std::vector<RuleSetSource> generated_sets(Arch arch, std::uint64_t seed, std::uint64_t count, const GeneratorOptions& generator) {
  std::vector<RuleSetSource> out;
  for (std::uint64_t i = 0; i < count; ++i) {
    auto set = generate_rule_set(arch, seed, i, generator);
    out.push_back({"set " + std::to_string(i), set.lines, i});
  }
  return out;
}

std::vector<RuleSetSource> replay_sets(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) throw InputError({dir.string(), 0, ""}, "--replay needs a directory of *.rules files");
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error); !error && it != std::filesystem::recursive_directory_iterator();
       it.increment(error))
    if (it->is_regular_file() && it->path().extension() == ".rules") files.push_back(it->path());
  if (error) throw InputError({dir.string(), 0, ""}, "cannot list the directory: " + error.message());
  std::sort(files.begin(), files.end());
  std::vector<RuleSetSource> out;
  for (const auto& file : files) {
    Lines lines;
    for (const auto& line : rules::rule_lines(read_file(file, FileKind::input))) lines.push_back(line.text);
    out.push_back({file.string(), lines, std::nullopt});
  }
  return out;
}

}  // namespace auditvm::difftest
