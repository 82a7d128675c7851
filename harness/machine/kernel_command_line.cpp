#include "machine/kernel_command_line.hpp"

#include "core/arch_table.hpp"

namespace auditvm::machine {

std::string kernel_command_line(const image::Manifest& manifest, const std::vector<std::string>& extra_params) {
  std::string line;
  auto add = [&line](std::string_view param) { line += (line.empty() ? "" : " ") + std::string(param); };
  for (const auto& param : manifest.kernel_params) add(param);
  for (auto param : arch_info(manifest.arch).boot_params) add(param);
  for (const auto& param : extra_params) add(param);
  for (const auto& dir : manifest.shared_directories) add("auditvm.share=" + dir.mount_tag + ":" + dir.guest_path);
  return line;
}

}  // namespace auditvm::machine
