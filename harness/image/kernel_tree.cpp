#include "image/kernel_tree.hpp"

#include <cstring>
#include <sstream>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "image/debian_packages.hpp"
#include "image/decompress.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

std::string where(const KernelTree& kernel, const std::string& name) {
  return kernel.packages + " (/usr/lib/modules/" + kernel.version + (kernel.builtin.count(name) ? ": built in" : ": neither a module nor in modules.builtin") + ")";
}

ModuleImage decompressed(const KernelTree& kernel, const std::string& name) {
  const fs::path& file = kernel.modules.at(name);
  std::string data = read_file(file, FileKind::data, kMaxGuestFileBytes);
  return {name, decompress(data, detect_compression(data), kernel.packages + ": " + file.filename().string())};
}

}  // namespace

std::optional<std::string> module_name(const fs::path& file) {
  std::string name = file.filename().string();
  for (const char* suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"})
    if (name.ends_with(suffix)) return name.substr(0, name.size() - std::strlen(suffix));
  return std::nullopt;
}

KernelTree find_kernel(const fs::path& tree, const std::string& packages) {
  KernelTree kernel;
  kernel.packages = packages;
  const fs::path modules_root = resolve_in_root(tree, "/lib/modules");
  if (!fs::is_directory(modules_root) || fs::is_empty(modules_root)) throw InfraError("no kernel modules in " + packages + " (/usr/lib/modules is empty)");
  kernel.version = fs::directory_iterator(modules_root)->path().filename().string();
  const fs::path dir = modules_root / kernel.version;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (auto name = module_name(entry.path()); name && entry.is_regular_file()) kernel.modules[*name] = entry.path();
  // kernel/drivers/virtio/virtio.ko per line; a kernel without built-in modules may lack the file.
  std::istringstream builtin(fs::exists(dir / "modules.builtin") ? read_file(dir / "modules.builtin", FileKind::data, kMaxGuestFileBytes) : "");
  for (std::string line; std::getline(builtin, line);)
    if (auto name = module_name(line)) kernel.builtin.insert(*name);
  for (const auto& path : {"/boot/vmlinuz-" + kernel.version, "/lib/modules/" + kernel.version + "/vmlinuz"})
    if (fs::path file = resolve_in_root(tree, path); fs::is_regular_file(file)) {
      kernel.vmlinuz = file;
      return kernel;
    }
  throw InfraError("no kernel in " + packages + ": neither /boot/vmlinuz-" + kernel.version + " nor /usr/lib/modules/" + kernel.version + "/vmlinuz");
}

GuestDrivers guest_drivers(const KernelTree& kernel, const std::vector<std::string>& drivers) {
  GuestDrivers out;
  for (const auto& driver : drivers) {
    if (kernel.modules.count(driver)) out.modules.push_back(decompressed(kernel, driver));
    else (kernel.builtin.count(driver) ? out.built_in : out.absent).push_back(driver);
  }
  return out;
}

ModuleImage loadable_module(const KernelTree& kernel, const std::string& name) {
  if (!kernel.modules.count(name)) throw InfraError("the guest's test module " + name + " is not a loadable module in " + where(kernel, name));
  return decompressed(kernel, name);
}

}  // namespace auditvm::image
