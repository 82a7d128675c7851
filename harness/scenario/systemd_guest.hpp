// A systemd guest for one configuration: the base image (auditvm image build --guest systemd)
// with the files and kernel parameters NixOS's modules make of the configuration built in.
#pragma once

#include "image/manifest.hpp"
#include "nixos/config.hpp"

namespace auditvm::scenario {

image::Manifest configured_systemd_guest(const image::Manifest& base, const nixos::NixosConfig& config);

}  // namespace auditvm::scenario
