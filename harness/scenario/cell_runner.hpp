// One cell: a configuration applied in a running guest of one arch, checked, exercised and judged.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "check/stig.hpp"
#include "machine/machine.hpp"
#include "report/result.hpp"
#include "scenario/guest_commands.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {

struct Cell {
  const Scenario* scenario = nullptr;
  const Configuration* configuration = nullptr;
  Arch arch = Arch::x86_64;
  std::string suite;  // Debian suite of the default guest; empty: the guest's own (NixOS)
  std::string id() const { return report::cell_id(configuration->name, arch, suite); }
};

// What a guest keeps while it runs (its command line, kernel release, auditctl's version, and the
// audit settings it booted with, read before the first load): read in the first cell it serves,
// kept by whoever reuses the guest for the next (run_cell's `facts`); each reset restores `boot_audit`.
struct GuestFacts {
  std::string cmdline, uname_r, auditctl_v;
  std::optional<AuditSettings> boot_audit;  // none for a guest built with its configuration (never reset)
};

// The cell's names and expected verdict, before anything ran (what a cell that failed to start reports).
report::CellResult describe_cell(const Cell& cell);
// Which guest produced a result: what its image's manifest says (the cell checks it against the guest).
void record_guest(report::CellResult& result, const image::Manifest& manifest);

// Runs `cell` on `guest` (reset first when the guest served an earlier cell). Machine errors
// propagate (the caller marks the cell as an infrastructure error); everything else is in the result.
// `predictor` is the model's prediction for each event (check::predict; a test may give another).
// `others`: the scenario's other syscall rules, each judged with witnesses of its own in the same
// guest trip (evidence.rule_checks). `facts`: the guest's, kept from its earlier cells (filled by
// the first; nullptr: read in every cell, and a reset is an InfraError: it needs the boot's settings).
report::CellResult run_cell(machine::Machine& guest, const Cell& cell, const check::StigRule& stig, bool reset_first,
                            const std::filesystem::path& log_dir, const check::Predictor& predictor = check::predict,
                            const std::vector<check::StigRule>& others = {}, std::optional<GuestFacts>* facts = nullptr);

}  // namespace auditvm::scenario
