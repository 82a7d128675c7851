// auditvm difftest: random rule sets (or replayed fixtures) loaded one after the other into one
// guest, model and kernel compared event by event, every disagreement shrunk to a minimal rule set.
#include <iostream>

#include "cli/arch_option.hpp"
#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "core/write_file.hpp"
#include "difftest/output.hpp"
#include "machine/cleanup.hpp"
#include "report/report_dir.hpp"

namespace auditvm::cli {

CommandRunner register_difftest(CLI::App& root, const GlobalOptions& global) {
  struct Options {
    std::string arch, format = "text", report_dir = "results-difftest", keep, replay;
    std::uint64_t count = 50, seed = 1;
    int shrink_budget = 60;
    MachineOptions machine;
    ImageOptions images;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("difftest", "Hunt for disagreements between the model and the kernel with random rule sets");
  cmd->add_option("--arch", options->arch, "x86_64 or aarch64")->required();
  cmd->add_option("--count", options->count, "How many rule sets to generate")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", options->seed, "The generator's seed (the same seed gives the same rule sets everywhere)")->capture_default_str();
  cmd->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->add_option("--keep", options->keep, "Write each shrunk disagreement here as a fixture (NAME.rules and NAME.json)");
  cmd->add_option("--replay", options->replay, "Run every *.rules file under this directory instead of generated sets");
  cmd->add_option("--shrink-budget", options->shrink_budget, "Cells run at most to shrink one disagreement")->capture_default_str()->check(CLI::Range(0, 10000));
  cmd->add_option("--report-dir", options->report_dir, "Where the guest's logs go")->capture_default_str();
  options->machine.add_to(*cmd);
  options->images.add_to(*cmd, false);
  cmd->footer("Exit status: 0 no disagreement, 1 some, 2 on errors (bad input, or a rule set the machinery could not run) and on Ctrl-C\n"
              "(then the sets judged until then are written, \"interrupted\": true in JSON).");
  return [options, &global] {
    Arch arch = arch_from_option(options->arch);
    DefaultGuests guests(options->images, options->machine.cache_dir, global.quiet);
    if (guests.suites().size() != 1) throw InputError({"--suite", 0, options->images.suites}, "difftest runs on one suite");
    if (options->images.image_dirs.size() > 1) throw InputError({"--image", 0, options->images.image_dirs[1]}, "difftest boots one image");
    if (auto arches = guests.image_arches(); !arches.empty() && arches.front() != arch)
      throw InputError({"--arch", 0, options->arch}, "the --image directory holds a " + std::string(to_string(arches.front())) + " image");

    difftest::RunInfo info{arch, std::nullopt, std::nullopt};
    std::vector<difftest::RuleSetSource> sets;
    if (!options->replay.empty()) {
      info.replay = options->replay;
      sets = difftest::replay_sets(options->replay);
    } else {
      info.seed = options->seed;
      sets = difftest::generated_sets(arch, options->seed, options->count);
    }
    report::ReportDir reports(options->report_dir);  // locked and cleared before the guest starts
    difftest::LoopOptions loop;
    loop.arch = arch;
    loop.manifest = guests.get(arch, guests.suites().front());
    loop.backend = options->machine.backend_options();
    loop.accel = options->machine.accel_value();
    loop.report_dir = reports.path();
    loop.shrink_budget = options->shrink_budget;
    if (!global.quiet)
      loop.progress = [total = sets.size(), arch](std::size_t done, std::size_t found) {
        std::cerr << "difftest " << to_string(arch) << ": " << done << "/" << total << " rule sets, " << found << " disagreements\n";
      };
    // Ctrl-C: the guest is torn down, and the sets judged until then are written (exit 2).
    machine::allow_graceful_stop(std::chrono::seconds(30));
    auto result = difftest::run_loop(sets, loop);
    if (!options->keep.empty())
      for (const auto& file : difftest::write_fixtures(options->keep, info, result))
        if (!global.quiet) std::cerr << "kept " << file.string() << "\n";
    if (options->format == "json") std::cout << difftest::to_json(info, result).dump(2) << "\n";
    else std::cout << difftest::to_text(info, result);
    flush_standard_output();
    if (result.interrupted || !result.errors.empty() || result.rule_sets < sets.size()) return 2;
    return result.found.empty() ? 0 : 1;
  };
}

}  // namespace auditvm::cli
