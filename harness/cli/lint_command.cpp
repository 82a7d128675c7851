// auditvm lint: will these rules load on that arch, and what does the STIG check say about what
// does load? Predicts auditctl -R's stop at the first failing line without a VM.
#include <iostream>

#include "check/coverage.hpp"
#include "check/load_simulation.hpp"
#include "cli/arch_option.hpp"
#include "cli/command.hpp"
#include "core/files.hpp"
#include "nixos/render.hpp"
#include "report/check_report.hpp"

namespace auditvm::cli {

CommandRunner register_lint(CLI::App& root, const GlobalOptions&) {
  struct Options {
    std::string config, rules_file, arch = "all", stig = "V-268096", format = "text", audit_version = "3.0.9";
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("lint", "Predict, without a VM, which rules will fail to load on an arch and the verdict on the rest");
  auto* config = cmd->add_option("--config", options->config, "NixOS configuration fragment (JSON)");
  auto* rules = cmd->add_option("--rules", options->rules_file, "A rules file ('-' for stdin)");
  config->excludes(rules);
  cmd->add_option("--arch", options->arch, "x86_64, aarch64 or all")->capture_default_str();
  cmd->add_option("--stig", options->stig, "STIG rule (group id), or 'all'")->capture_default_str();
  cmd->add_option("--audit-version", options->audit_version,
                  "The target's audit userspace (3.0.9 on bookworm, 4.0.2 on trixie, 4.2.1 on sid): they read rules files differently and know different syscalls")
      ->capture_default_str();
  cmd->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->footer("Exit status: 0 everything loads, 1 something will not, 2 bad input.");
  return [options] {
    if (options->config.empty() && options->rules_file.empty()) throw InputError({"lint", 0, "--config/--rules"}, "give one of --config or --rules");
    std::string text = options->config.empty() ? read_input(options->rules_file) : nixos::render_rules(nixos::load_config_file(options->config));
    std::string source = options->config.empty() ? options->rules_file : options->config + " (rendered)";
    auto userspace = rules::userspace_from_version(options->audit_version);
    if (!userspace) throw InputError({"lint", 0, "--audit-version"}, "unknown audit version '" + options->audit_version + "' (3.x or 4.x, e.g. 3.0.9)");
    auto stigs = check::coverage_rules_for(options->stig);
    bool all_load = true;
    nlohmann::json out = nlohmann::json::array();
    for (Arch arch : options->arch == "all" ? all_arches() : std::vector<Arch>{arch_from_option(options->arch)}) {
      auto load = check::simulate_load(text, arch, source, *userspace);
      all_load &= load.complete();
      nlohmann::json not_loaded = nlohmann::json::array();
      for (const auto& line : load.not_loaded) not_loaded.push_back({{"line", line.number}, {"text", line.text}});
      nlohmann::json entry = {{"arch", to_string(arch)}, {"complete", load.complete()}, {"warnings", load.warnings},
                              {"loaded_lines", load.loaded.rules.size()}, {"not_loaded", not_loaded}, {"results", nlohmann::json::array()}};
      if (load.failing_line) entry["load_failure"] = {{"line", *load.failing_line}, {"text", load.failing_text}, {"message", load.message}};
      nlohmann::json rejected = nlohmann::json::array();
      for (const auto& line : load.rejected)
        rejected.push_back({{"line", line.line}, {"text", line.text}, {"message", line.message}, {"by", line.by_kernel ? "kernel" : "auditctl"}});
      entry["rejected"] = rejected;
      entry["exit_status"] = load.exit_status;
      entry["listing"] = check::predicted_listing(load);  // what auditctl -l will print
      if (options->format == "text") {
        if (load.complete()) std::cout << to_string(arch) << ": all " << load.loaded.rules.size() << " lines load\n";
        else if (load.failing_line)
          std::cout << to_string(arch) << ": auditctl -R stops at line " << *load.failing_line << ": " << load.failing_text << "\n"
                    << "  " << (load.failing_by_kernel ? "kernel" : "auditctl") << ": " << load.message << "\n  "
                    << load.not_loaded.size() << " later line(s) are never loaded\n";
        else
          for (const auto& line : load.rejected)  // -i or -c: -R skipped the line and went on
            std::cout << to_string(arch) << ": line " << line.line << " is skipped (-i/-c): " << line.text << "\n  "
                      << (line.by_kernel ? "kernel" : "auditctl") << ": " << line.message << "\n";
        for (const auto& w : load.warnings) std::cout << "  warning: " << w << "\n";
      }
      for (const auto& stig : stigs) {
        auto result = check::evaluate(load.loaded, arch, stig);
        if (options->format == "text") report::write_check_text(result, stig, arch, std::cout);
        entry["results"].push_back(report::check_json(result, arch));
      }
      out.push_back(entry);
    }
    if (options->format == "json") std::cout << nlohmann::json{{"complete", all_load}, {"arches", out}}.dump(2) << "\n";
    return all_load ? 0 : 1;
  };
}

}  // namespace auditvm::cli
