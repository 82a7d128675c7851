// The asset a checklist is about (STIG Viewer's target data): by default auditvm's own name for the
// cell, or what the user gives (--host-name, --fqdn, ... or a --target file), so results land on
// the user's asset in STIG Manager rather than on "auditvm-<cell>".
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "report/result.hpp"

namespace auditvm::report {

struct ChecklistTarget {
  std::string title;
  std::string host_name;
  std::string comments;
  std::string fqdn;
  std::string ip_address;
  std::string mac_address;
  std::string role = "None";  // None, Workstation, Member Server or Domain Controller
};

// What the user set; anything unset keeps the default.
struct TargetData {
  std::optional<std::string> host_name, fqdn, ip_address, mac_address, role, comments;
  // `other`'s fields where it sets them (options over a target file).
  TargetData overridden_by(const TargetData& other) const;
};

// A target file: {"host_name": ..., "fqdn": ..., "ip_address": ..., "mac_address": ..., "role": ...,
// "comments": ...} (the .cklb target_data names), every field optional. InputError naming the
// file, line and field for anything else.
TargetData load_target_file(const std::filesystem::path& file);

// InputError (at `where`) unless `host_name` can name an asset and its checklist files: not empty,
// at most 255 bytes (STIG Manager's limit), no '/' or NUL, not "." or "..".
void check_host_name(const std::string& host_name, const InputLocation& where);

// InputError (at `where`) unless `role` is one STIG Viewer offers.
void check_role(const std::string& role, const InputLocation& where);

// The cell's target: "auditvm-<cell id>", its description as comment, unless `given` says otherwise.
ChecklistTarget cell_target(const CellResult& cell, const TargetData& given);
// `target` with what `given` sets.
ChecklistTarget with_given(ChecklistTarget target, const TargetData& given);

}  // namespace auditvm::report
