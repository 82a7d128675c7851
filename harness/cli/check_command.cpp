// auditvm check: the STIG verdict for captured `auditctl -l` output (or a rules file).
#include <iostream>

#include "check/coverage.hpp"
#include "check/xccdf_benchmark.hpp"
#include "cli/arch_option.hpp"
#include "cli/command.hpp"
#include "cli/rules_input.hpp"
#include "cli/run_options.hpp"
#include "core/clock.hpp"
#include "core/files.hpp"
#include "report/check_report.hpp"
#include "report/report_dir.hpp"

namespace auditvm::cli {
namespace {

struct CheckOptions {
  std::string rules_file;
  std::string arch = "x86_64";
  std::string stig = "V-268096";
  std::string format = "text";
  std::string benchmark;  // DISA's XCCDF file: its ids and texts over the shipped ones
  std::string report_dir;  // the capture's checklists go there when given
  TargetOptions target;
  RulesInput input = RulesInput::listing;
};

int run_check(const CheckOptions& options) {
  std::string started = now_iso8601();
  Arch arch = arch_from_option(options.arch);
  auto target = options.target.value();
  auto loaded = read_rules(read_input(options.rules_file), arch, options.rules_file == "-" ? "<stdin>" : options.rules_file, options.input, std::cerr);
  auto stigs = check::coverage_rules_for(options.stig);
  if (!options.benchmark.empty()) {
    auto benchmark = check::load_benchmark(options.benchmark);
    for (auto& stig : stigs) stig = check::with_benchmark(stig, benchmark);
  }
  bool open = false;
  nlohmann::json results = nlohmann::json::array();
  std::vector<report::Finding> findings;
  for (const auto& stig : stigs) {
    auto result = check::evaluate(loaded, arch, stig);
    findings.push_back(report::check_finding(result, stig, arch));
    open |= result.verdict == check::Verdict::Open;
    if (options.format == "json") results.push_back(report::check_json(result, arch));
    else report::write_check_text(result, stig, arch, std::cout);
  }
  if (options.format == "json") {
    nlohmann::json out = results.size() == 1 ? results[0]
                                             : nlohmann::json{{"status", open ? "Open" : "NotAFinding"}, {"results", results}};
    std::cout << out.dump(2) << "\n";
  }
  if (!options.report_dir.empty()) {
    // An auditor's capture as checklists of its own (the asset given by --host-name, ...).
    std::string name = "check@" + std::string(to_string(arch));
    report::ChecklistTarget defaults{"auditvm " + name, "auditvm-" + name, "audit rules captured in " + options.rules_file};
    report::ReportDir reports(options.report_dir);
    reports.write_checklists(name, report::with_given(defaults, target), findings, AUDITVM_VERSION_STRING, started);
  }
  return open ? 1 : 0;
}

}  // namespace

CommandRunner register_check(CLI::App& root, const GlobalOptions&) {
  auto options = std::make_shared<CheckOptions>();
  auto* cmd = root.add_subcommand("check", "Evaluate `auditctl -l` output (or a rules file) against a STIG rule");
  cmd->add_option("--rules", options->rules_file, "File with `auditctl -l` output or audit rules ('-' for stdin)")->required();
  add_rules_input_option(*cmd, options->input);
  cmd->add_option("--arch", options->arch, "Machine the rules were loaded on: x86_64 or aarch64")->capture_default_str();
  cmd->add_option("--stig", options->stig, "STIG rule (group id), or 'all'")->capture_default_str();
  cmd->add_option("--benchmark", options->benchmark,
                  "DISA's XCCDF benchmark (U_Anduril_NixOS_STIG_V1R2_Manual-xccdf.xml): take the STIG's ids and texts from it");
  cmd->add_option("--report-dir", options->report_dir, "Write the capture's checklists there: cklb/check@ARCH.cklb, .ckl and -xccdf.xml");
  options->target.add_to(*cmd);
  cmd->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->footer("Exit status: 0 NotAFinding, 1 Open, 2 bad input.");
  return [options] { return run_check(*options); };
}

}  // namespace auditvm::cli
