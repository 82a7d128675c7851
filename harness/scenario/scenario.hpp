// A scenario file: configurations (NixOS fragments with expected verdicts) x actors x module
// actions x architectures. Which actions must leave a record is not written down: the check
// model predicts it from the rules each guest actually loaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/coverage.hpp"
#include "core/arch.hpp"
#include "nixos/config.hpp"

namespace auditvm::scenario {

struct Configuration {
  std::string name;
  std::string description;
  nlohmann::json nixos;                     // the fragment as written (also what Nix imports)
  nixos::NixosConfig config;                // validated
  std::map<std::string, std::string> expect;                        // stig -> NotAFinding|Open
  std::map<Arch, std::map<std::string, std::string>> expect_by_arch;  // overrides
  std::string expected_verdict(const std::string& stig, Arch arch) const;
};

struct Actor {
  std::string name;
  std::optional<std::uint32_t> auid;  // nullopt: unset
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  // How its calls get their login uid: forked after it was set (a logged-in user's commands), or
  // set by the calling process itself ("login": "self", a login daemon's session process).
  check::LoginMode login = check::LoginMode::inherited;
};

// One call the helper makes in the guest.
struct Action {
  int index = 0;            // order in the cell
  std::string actor;
  Abi abi = Abi::b64;
  std::string syscall;      // init_module | finit_module | delete_module
  std::string expect;       // "success" or an errno name
  std::optional<bool> pinned_record;  // optional explicit expectation: a record must (not) exist
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string stig;                // the cell's own rule: stigs.front()
  std::vector<std::string> stigs;  // every syscall rule each cell judges, in the file's order
  std::string description;
  std::vector<Arch> arches;
  std::vector<Actor> actors;
  std::vector<Action> actions;  // expanded, in execution order
  std::vector<Configuration> configurations;
  const Actor& actor(const std::string& name) const;
};

// Validates and expands a scenario file; InputError naming the file and JSON path.
Scenario load_scenario(const std::filesystem::path& file);
// All scenario files directly in a directory (scenarios/*.json).
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir);

}  // namespace auditvm::scenario
