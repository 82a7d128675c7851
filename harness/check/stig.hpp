// STIG rules are data (scenarios/stig/*.json): ids, texts, the literal rule lines of the check
// and the set of events the rule requires to be audited. Adding a rule needs a file, not C++.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/event_space.hpp"
#include "core/arch.hpp"
#include "core/errors.hpp"

namespace auditvm::check {

// "Every call of these syscalls on these ABIs by these auids, with these outcomes, is recorded."
struct RequiredEvents {
  std::vector<Abi> abis;
  std::vector<std::string> syscalls;
  std::vector<Interval> auids;       // e.g. [1000, 4294967294]
  bool successes = true;
  bool failures = true;
  std::vector<int> failure_errnos;   // empty: any failure; else only these (EACCES, EPERM)
  // Ranges of the caller's ids at the call's exit, e.g. V-268091's "uid!=euid, euid=0" as euid
  // [0, 0] and uid [1, 4294967295]; none: every id.
  std::vector<std::pair<Dim, Interval>> ids;
};

// "Every access of this kind to these paths by these auids, with these outcomes, is recorded": what a
// watch (-w PATH -p ...) or a path rule (-F path=... -F perm=...) of the STIG is there to record.
// access: write, attr (attribute changes), read, exec; a path ending in '/' is a directory, its
// entries included.
struct RequiredAccess {
  std::vector<std::string> paths;
  std::vector<std::string> access;
  std::vector<Interval> auids;
  bool successes = true;
  bool failures = true;
};

// What a later release of the STIG (V1R2) publishes differently: an unset field is unchanged, unless
// it is named in `unavailable` (no rendering we could transcribe from gives it for that release).
struct StigReleaseChanges {
  std::string release;       // V1R2
  std::string release_date;  // 2025-08-19
  std::optional<std::string> rule_id, stig_id, srg_id, severity, title, discussion, check_text, fix_text;
  std::optional<std::vector<std::string>> ccis;
  std::vector<std::string> unavailable;
  std::vector<std::string> sources;
};

struct StigRule {
  std::string group_id;   // V-268096
  std::string rule_id;    // SV-268096r1039563_rule
  std::string stig_id;    // ANIX-00-000290
  std::string srg_id;
  std::string severity;
  std::string title;
  std::string discussion;
  std::string check_text;
  std::string fix_text;
  std::vector<std::string> ccis;           // CCI-000172, ...
  std::string release;                     // the release the published fields above are from: V1R1
  std::string release_date;                // 2024-10-25
  std::vector<std::string> unavailable;    // published fields no transcribed rendering gives (left empty)
  std::vector<std::string> sources;        // the renderings the published fields were transcribed from
  std::vector<StigReleaseChanges> later_releases;
  // "syscall_coverage", "path_coverage" (watches and path rules: `required_access`), or "status"
  // (evaluated from /proc/cmdline and auditctl -s)
  std::string kind = "syscall_coverage";
  std::vector<std::string> literal_rules;  // the lines the check text expects in `auditctl -l`
  std::string grep_word;                   // the word the check greps for (init_module)
  std::vector<RequiredEvents> required;
  std::vector<RequiredAccess> required_access;  // kind == "path_coverage"
  nlohmann::json status;                   // kind == "status": what to look for
  std::filesystem::path source;            // the data file
};

// The rule as `release` publishes it: the base fields with that release's changes applied (its
// `unavailable` replaces the base one). InputError if the rule has no such release.
StigRule in_release(const StigRule& rule, const std::string& release);

StigRule load_stig_rule(const std::filesystem::path& file);
std::vector<StigRule> load_stig_rules(const std::filesystem::path& dir);  // sorted by group id

// scenarios/stig of this installation: $AUDITVM_HOME/scenarios/stig, else the source tree.
std::filesystem::path shipped_stig_dir();
std::filesystem::path shipped_scenarios_dir();

// One rule by group id ("V-268096"), from the shipped directory. InputError if unknown, naming
// where the id was given (`named_at`: the --stig option unless a file named it).
StigRule find_stig_rule(const std::string& group_id, const InputLocation& named_at = {"--stig", 0, ""});

// The rules `--stig ID|all` selects for a verdict on rules alone (check, lint): every coverage rule
// for "all"; a state check (kind "status") is an InputError, since only a guest can decide it.
std::vector<StigRule> coverage_rules_for(const std::string& stig_option);

}  // namespace auditvm::check
