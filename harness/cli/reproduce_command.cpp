// auditvm reproduce: an auditor's `auditctl -l` capture (or a rules file) loaded into a real guest
// the way NixOS loads rules, the default actors' module calls and the model's witness events run,
// and the kernel's verdict (from the witnesses) set against the model's.
#include <iostream>

#include "check/load_simulation.hpp"
#include "check/stig.hpp"
#include "cli/arch_option.hpp"
#include "cli/command.hpp"
#include "cli/reproduce_summary.hpp"
#include "cli/rules_input.hpp"
#include "cli/run_options.hpp"
#include "core/files.hpp"
#include "core/write_file.hpp"
#include "image/builder.hpp"
#include "machine/cleanup.hpp"
#include "nixos/render.hpp"
#include "report/report_dir.hpp"
#include "report/writers.hpp"
#include "rules/parser.hpp"
#include "scenario/matrix.hpp"

namespace auditvm::cli {

CommandRunner register_reproduce(CLI::App& root, const GlobalOptions& global) {
  struct Options {
    std::string rules_file, arch = "x86_64", format = "text", report_dir = "results-reproduce";
    MachineOptions machine;
    ImageOptions images;
    TargetOptions target;
    RulesInput input = RulesInput::listing;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("reproduce", "Load captured `auditctl -l` output into a guest and gather the kernel's evidence");
  cmd->add_option("--rules", options->rules_file, "File with `auditctl -l` output or audit rules ('-' for stdin)")->required();
  add_rules_input_option(*cmd, options->input);
  cmd->add_option("--arch", options->arch, "x86_64 or aarch64")->capture_default_str();
  cmd->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->add_option("--report-dir", options->report_dir, "Where logs and reports go")->capture_default_str();
  options->machine.add_to(*cmd);
  options->images.add_to(*cmd, false);
  options->target.add_to(*cmd);
  cmd->footer("Exit status: 0 NotAFinding and 1 Open when model and kernel agree, 3 when they disagree, 2 on errors.");
  return [options, &global, cmd] {
    auto target = options->target.value();  // bad input, before any guest
    DefaultGuests guests(options->images, options->machine.cache_dir, global.quiet);
    if (guests.suites().size() != 1) throw InputError({"--suite", 0, options->images.suites}, "reproduce runs on one suite");
    if (options->images.image_dirs.size() > 1) throw InputError({"--image", 0, options->images.image_dirs[1]}, "reproduce boots one image");
    Arch arch = arch_from_option(options->arch);
    // --image: its arch, unless --arch names another (then that is a mistake).
    if (auto arches = guests.image_arches(); !arches.empty()) {
      if (cmd->count("--arch") && arches.front() != arch)
        throw InputError({"--arch", 0, options->arch}, "the --image directory holds a " + std::string(to_string(arches.front())) + " image");
      arch = arches.front();
    }
    // The rules the captured kernel held, as lines auditctl -R loads.
    std::string text;
    const std::string source = options->rules_file == "-" ? "<stdin>" : options->rules_file;
    if (options->input == RulesInput::listing) {
      auto listed = read_input(options->rules_file);
      auto as_listed = rules::rule_lines(listed);
      auto lines = rules::loadable_lines(listed, arch, source);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].text != as_listed[i].text)
          std::cerr << source << ":" << lines[i].number << ": note: read as `auditctl -l` prints it (the -S names of a rule without -F arch "
                    << "after an arch=b32 one are b32 names); loading `" << lines[i].text << "` (--input rules reads a rules file)\n";
      }
      int next = 1;  // blank lines where comments were: the user's line numbers stay for load failures
      for (const auto& line : lines) {
        for (; next < line.number; ++next) text += "\n";
        text += line.text + "\n";
        ++next;
      }
    } else {
      text = read_input(options->rules_file);
    }
    // Bad input is reported before any VM starts; a syscall the arch lacks is not bad input but
    // exactly what the guest is to show (auditctl -R stops there).
    auto predicted = check::simulate_load(text, arch, options->rules_file);
    if (predicted.failing_line && predicted.message.rfind("Syscall name unknown", 0) != 0)
      throw InputError({options->rules_file, *predicted.failing_line, predicted.failing_text}, predicted.message);
    // The default actors and calls, with the captured rules as the one configuration.
    auto scenario = scenario::load_scenario(check::shipped_scenarios_dir() / "V-268096.json");
    scenario::Configuration captured;
    captured.name = "reproduce";
    captured.description = "rules from " + options->rules_file;
    captured.config.audit_enable = nixos::AuditEnable::on;
    captured.config.auditd_enable = true;
    std::vector<int> line_of_rule;  // the user's line number of each rule, for the load failure
    for (const auto& line : rules::rule_lines(text)) {
      captured.config.rules.push_back(line.text);
      line_of_rule.push_back(line.number);
    }
    scenario.name = "reproduce";
    scenario.configurations = {captured};
    scenario.arches = {arch};

    scenario::RunOptions run_options;
    run_options.jobs = 1;
    run_options.backend = options->machine.backend_options();
    run_options.accel = options->machine.accel_value();
    report::ReportDir reports(options->report_dir);  // locked and cleared before any guest starts
    run_options.report_dir = reports.path();
    run_options.quiet = global.quiet;
    run_options.suites = guests.suites();
    auto manifest = guests.get(arch, guests.suites().front());
    run_options.guest_for = [&](const scenario::Cell&) { return manifest; };
    auto run = scenario::run_matrix({scenario}, run_options);
    auto& cell = run.cells.at(0);
    if (!cell.infra_error.empty()) throw InfraError(cell.infra_error);
    // auditctl counted lines of the rules file NixOS would write (a header, then the rules): say
    // which line of the user's file that is.
    if (cell.load_failure) {
      auto index = cell.load_failure->line - nixos::first_rule_line(captured.config);
      if (index >= 0 && static_cast<std::size_t>(index) < line_of_rule.size())
        cell.load_failure->line = line_of_rule[static_cast<std::size_t>(index)];
    }

    // The auditor's capture gets the same reports as a run: result.json, junit.xml, the checklist.
    run.version = AUDITVM_VERSION_STRING;
    reports.write_reports(run, check::load_stig_rules(check::shipped_stig_dir()), target);
    auto summary = summarise_reproduce(cell);
    bool mismatch = !summary.agree;
    std::vector<std::string> records;
    for (const auto& action : cell.evidence->actions) records.insert(records.end(), action.records.begin(), action.records.end());
    nlohmann::json out = report::to_json(cell);
    out["status"] = report::verdict_name(cell.verdict);
    out["kernel_status"] = report::verdict_name(cell.kernel_verdict);
    out["agree"] = !mismatch;
    out["disagreement"] = summary.disagreement.empty() ? nlohmann::json() : nlohmann::json(summary.disagreement);
    out["records"] = records;
    out["cell_status"] = report::to_string(cell.status());
    if (options->format == "json") {
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << summary.headline << "\n";
      std::cout << "  guest: Debian " << manifest.suite << ", kernel " << manifest.kernel_version << ", audit " << manifest.audit_version << "\n";
      if (cell.load_failure)
        std::cout << "  cause: " << cell.load_failure->sentence(options->rules_file) << "\n";
      for (const auto& u : cell.uncovered) std::cout << "  not audited: " << u << "\n";
      std::size_t held = 0;
      for (const auto& w : cell.evidence->witnesses) held += w.held();
      std::cout << "  witnesses: " << cell.evidence->witnesses.size() << " events chosen by the model, " << held << " did as predicted\n";
      for (const auto& w : cell.evidence->witnesses)
        if (!w.held()) std::cout << "    did not hold: " << w.text() << " (" << w.region << "; predicted: " << w.prediction_reason << ")\n";
      std::cout << "  records: " << records.size() << " module-call records; evidence in " << options->report_dir << "/logs\n";
      std::cout << "  reports: " << options->report_dir << "/{result.json,junit.xml,report.html,cklb/}\n";
    }
    flush_standard_output();
    if (mismatch) return 3;
    return cell.verdict == report::Verdict::NotAFinding ? 0 : 1;
  };
}

}  // namespace auditvm::cli
