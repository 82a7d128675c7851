#include "scenario/systemd_guest.hpp"

#include "image/configured_guest.hpp"
#include "nixos/boot_files.hpp"

namespace auditvm::scenario {

image::Manifest configured_systemd_guest(const image::Manifest& base, const nixos::NixosConfig& config) {
  auto boot = nixos::boot_configuration(config, nixos::systemd_guest_paths());
  std::vector<image::OverlayFile> files;
  for (const auto& file : boot.files) files.push_back({file.path, file.contents, file.mode, file.link_target});
  return image::configured_guest(base, files, boot.kernel_params);
}

}  // namespace auditvm::scenario
