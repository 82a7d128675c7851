// The result model of a run: cells (configuration x arch), each with its STIG finding, the
// evidence behind it and the assertions that compare model, kernel and expectations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/arch.hpp"

namespace auditvm::report {

// model_mismatch: the check model and the kernel disagree; infra_error: the machinery failed.
enum class Status { pass, fail, model_mismatch, infra_error };
std::string_view to_string(Status status);

struct Assertion {
  std::string name;
  Status status = Status::pass;
  std::string message;
  nlohmann::json evidence;
};

// `auditctl -R` stopped at a line: the rules after it were never loaded.
struct LoadFailure {
  int line = 0;
  std::string text;
  std::string message;
};

// configuration@arch, and @suite for a Debian suite other than bookworm (the default guests'
// suite is left out, so ids, checklist and log names stay as they were before suites).
std::string cell_id(const std::string& configuration, Arch arch, const std::string& suite);

struct CellResult {
  std::string scenario;
  std::string configuration;
  std::string description;
  Arch arch = Arch::x86_64;
  // The guest that produced the result (from its image manifest).
  std::string suite;                // Debian suite (bookworm, trixie, ...); empty for NixOS guests
  std::string kernel_version;       // uname -r
  std::string audit_version;        // the audit userspace (auditd's package version)
  std::string image;                // the image's cache key
  std::string stig;                 // V-268096
  std::string expected_verdict;     // from the scenario
  std::string verdict;              // the model's, on what `auditctl -l` showed
  std::string kernel_verdict;       // what the records support
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
  double seconds = 0;
  std::string infra_error;          // non-empty: the cell could not run to the end
  nlohmann::json evidence;          // auditctl -l / -s, each action with its prediction and record
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
