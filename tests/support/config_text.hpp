// A NixOS configuration from its JSON text, as the tests write them inline ("config.json" in messages).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "nixos/config.hpp"

namespace auditvm::test {

inline nixos::NixosConfig config_from_text(const std::string& text, nixos::ModuleVersion module = nixos::ModuleVersion::current) {
  return nixos::load_config(nlohmann::json::parse(text), "config.json", "", module);
}

}  // namespace auditvm::test
