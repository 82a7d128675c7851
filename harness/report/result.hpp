// The result model of a run: cells (configuration x arch), each with its STIG finding, the
// evidence behind it and the assertions that compare model, kernel and expectations. Typed all
// the way: JSON exists only in the JSON writer.
#pragma once

#include <array>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "check/kernel_model.hpp"
#include "check/target_paths.hpp"
#include "core/arch.hpp"

namespace auditvm::report {

using check::Verdict;  // NotAFinding | Open
// The name of a verdict, "" for none (a cell that did not get that far, a verdict not expected).
std::string verdict_name(const std::optional<Verdict>& verdict);
// "NotAFinding" / "Open" (as scenario files write them); none for anything else.
std::optional<Verdict> parse_verdict(std::string_view name);

// model_mismatch: the check model and the kernel disagree; infra_error: the machinery failed.
enum class Status { pass, fail, model_mismatch, infra_error };
std::string_view to_string(Status status);

// One scenario action as it ran: the call, what it returned, the model's prediction, the records.
struct ActionRow {
  int index = 0;
  std::string actor;
  Abi abi = Abi::b64;
  std::string syscall;
  std::string expect;                 // "success" or an errno name, from the scenario
  std::string helper;                 // the module helper's output line, as printed
  std::optional<std::string> result;  // "success" or the errno name; none: the helper did not run
  // Only when the call ran:
  check::Fate predicted = check::Fate::no_rule;
  std::string prediction_reason;
  std::vector<std::string> records;  // the kernel's records of this call, as text
};

// One witness event (check/witness.hpp) as it ran: what it stands for, what the model predicted,
// what the kernel did. `number` is its event number in the cell, as reports cite it ("event #41").
struct WitnessRow {
  int number = 0;
  std::string rule;                   // the STIG rule whose regions chose it (V-268098)
  check::Event event;                 // as asked for
  bool required = true;               // in the STIG's required event set
  std::string region;                 // the model region it witnesses
  check::Fate predicted = check::Fate::no_rule;
  std::string prediction_reason;
  std::optional<std::string> result;  // "success" or the errno name; none: the call could not be made
  std::string helper;                 // the guest runner's output line
  std::vector<std::string> records;   // the kernel's records of this call, as text
  bool recorded() const { return !records.empty(); }
  bool made_as_asked() const;  // the call ran and came back with the outcome asked for
  // The call ran, came back as asked for, and the kernel did what the model predicted (an
  // undecidable prediction holds either way).
  bool held() const;
  // "b64 finit_module, auid 1005, uid 0, EPERM: no record, event #41"
  std::string text() const;
};

struct Assertion {
  std::string name;
  Status status = Status::pass;
  std::string message;
  std::optional<ActionRow> action;  // the action the assertion is about, if any
};

// `auditctl -R` stopped at a line: the rules after it were never loaded.
struct LoadFailure {
  int line = 0;
  std::string text;
  std::string message;
  // The one sentence every report uses: "the rules failed to load at line 2 (TEXT): MESSAGE;
  // nothing after it was loaded", with " of FILE" after the line number when `file` is given.
  std::string sentence(const std::string& file = "") const;
};

// What `auditctl -R` printed, and its exit status.
struct LoadOutput {
  int exit_status = 0;
  std::string output;
};

// A state check (V-268080, 090, 092, 093, 119) read from /proc/cmdline, `auditctl -s` and the audit services.
struct StatusCheckRow {
  std::string rule;
  Verdict verdict = Verdict::Open;
  std::vector<std::string> reasons;  // the conditions not met
};

// Another syscall rule the cell judged (a scenario naming several): its verdict on `auditctl -l`,
// the kernel's from its own witnesses (evidence.witnesses with this rule), and its findings, each
// annotated with the witness that confirms it. The cell's own rule is in the CellResult itself.
struct RuleCheckRow {
  std::string rule;
  std::optional<Verdict> expected_verdict;
  std::optional<Verdict> verdict;
  std::optional<Verdict> kernel_verdict;
  bool literal_match = false;
  bool grep_match = false;
  std::vector<std::string> uncovered;
  std::vector<std::string> notes;
};

// What the guest showed: the captured text behind the verdicts, and every action.
struct CellEvidence {
  std::optional<LoadOutput> auditctl_R;            // when the configuration loads rules
  std::optional<std::string> rules_file_rendered;  // a NixOS-built guest: auditvm's rendering, compared with its file
  std::string rules_file;                          // the rules file the guest loaded
  // What the guest has at the paths the rules file needs (check::paths_to_probe), probed in the
  // trip that loaded it; none in results written before it was probed.
  std::optional<check::TargetPaths> target_paths;
  std::string auditctl_l;
  std::string auditctl_s_before;  // before the actions
  std::string auditctl_s_after;
  std::string cmdline;            // /proc/cmdline
  std::string uname_r;            // the kernel the guest runs
  std::string auditctl_v;         // the audit userspace it runs
  std::string services;           // its audit services and package (check::GuestState::services)
  std::vector<StatusCheckRow> status_checks;
  std::vector<RuleCheckRow> rule_checks;  // the other syscall rules, in the scenario's order
  std::vector<ActionRow> actions;
  std::vector<WitnessRow> witnesses;  // the model's witness events, after the actions
};

// configuration@arch, and @suite for a Debian suite other than bookworm (the default guests'
// suite is left out, so ids, checklist and log names stay as they were before suites).
std::string cell_id(const std::string& configuration, Arch arch, const std::string& suite);

// Where a cell's time went, in seconds per phase (steady clock), in the order a cell takes them.
struct CellTimings {
  double boot = 0;     // booting the guest: only on the first cell a guest served (a guest restored: 0)
  double reset = 0;    // a reused guest reset and verified clean
  double load = 0;     // rules file and sysctls written, auditctl -R, auditd started (a booted NixOS guest: watched)
  double state = 0;    // auditctl -l, auditctl -s, /proc/cmdline
  double check = 0;    // the check model on the listing and the witnesses it chooses (host)
  double events = 0;   // the actions' and witnesses' calls in the guest
  double records = 0;  // auditd's log flushed and read back (or dmesg), auditctl -s after, written, parsed
  double judge = 0;    // the assertions (host)
  double restore = 0;  // the first cell's guest restored from a snapshot instead of booted (then boot is 0)
};
// The phases by name, in order: the one list the JSON writer, the reader and bench/matrix.sh follow.
inline constexpr std::array<std::pair<const char*, double CellTimings::*>, 9> kTimingPhases{{
    {"boot", &CellTimings::boot}, {"restore", &CellTimings::restore}, {"reset", &CellTimings::reset}, {"load", &CellTimings::load},
    {"state", &CellTimings::state}, {"check", &CellTimings::check}, {"events", &CellTimings::events},
    {"records", &CellTimings::records}, {"judge", &CellTimings::judge}}};

struct CellResult {
  std::string scenario;
  std::string configuration;
  std::string description;
  Arch arch = Arch::x86_64;
  // The guest that produced the result (from its image manifest).
  std::string suite;                       // Debian suite (bookworm, trixie, ...); empty for NixOS guests
  std::string kernel_version;              // uname -r
  std::string audit_version;               // the audit userspace (auditd's package version)
  std::string image;                       // the image's cache key
  std::string stig;                        // V-268096
  std::optional<Verdict> expected_verdict; // from the scenario, if it states one
  std::optional<Verdict> verdict;          // the model's, on what `auditctl -l` showed
  std::optional<Verdict> kernel_verdict;   // what the records support
  bool literal_match = false;
  bool grep_match = false;
  std::vector<std::string> uncovered;
  std::vector<std::string> notes;
  std::optional<LoadFailure> load_failure;
  std::vector<Assertion> assertions;
  int records_expected = 0;
  int records_matched = 0;
  std::string console_log;
  std::string audit_log;
  double seconds = 0;    // the cell's own time, its guest's boot not included
  CellTimings timings;
  std::string infra_error;              // non-empty: the cell could not run to the end
  std::optional<CellEvidence> evidence; // none when the cell did not run to the end
  Status status() const;
  std::string id() const { return cell_id(configuration, arch, suite); }
};

struct RunResult {
  std::string version;
  std::string started_at;
  double seconds = 0;
  std::vector<CellResult> cells;
  Status status() const;
  int exit_code() const;  // 0 all as expected, 1 an assertion failed, 2 infrastructure error
};

}  // namespace auditvm::report
