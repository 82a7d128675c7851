#include "image/systemd_layout.hpp"

#include <sstream>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "image/debian_packages.hpp"
#include "image/elf_closure.hpp"
#include "image/guest_layout.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDebianUnits = "/lib/systemd/system/";
constexpr const char* kLocalUnits = "/etc/systemd/system/";

}  // namespace

fs::path systemd_source_dir() { return guest_source_dir() / "systemd"; }

std::string package_path(const fs::path& tree, const std::string& path) {
  fs::path resolved = "/";
  for (const auto& part : fs::path(path).relative_path()) {
    resolved /= part;
    for (int hops = 0; hops < 16 && fs::is_symlink(tree / resolved.relative_path()); ++hops) {
      auto target = fs::read_symlink(tree / resolved.relative_path());
      resolved = (target.is_absolute() ? target : resolved.parent_path() / target).lexically_normal();
    }
  }
  return resolved.string();
}

std::vector<SystemdLayoutEntry> parse_systemd_layout(const std::string& text, const std::string& file) {
  std::vector<SystemdLayoutEntry> entries;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    std::istringstream words(line);
    std::string kind, first, second, extra;
    if (!(words >> kind) || kind[0] == '#') continue;
    words >> first >> second >> extra;
    using Kind = SystemdLayoutEntry::Kind;
    const InputLocation at{file, number, kind};
    if (!extra.empty()) throw InputError(at, "too many words");
    if (kind == "program" || kind == "program?" || kind == "unit") {
      if (first.empty() || !second.empty()) throw InputError(at, "expected '" + kind + " PATH'");
      entries.push_back({kind == "unit" ? Kind::unit : kind == "program" ? Kind::program : Kind::optional_program, first, ""});
    } else if (kind == "wants") {
      if (second.empty()) throw InputError(at, "expected 'wants TARGET UNIT'");
      entries.push_back({Kind::wants, second, first});
    } else {
      throw InputError(at, "unknown entry (expected program, program?, unit or wants)");
    }
  }
  return entries;
}

void add_systemd(InitramfsLayout& initramfs, const fs::path& tree, Arch arch, Manifest& manifest) {
  const fs::path source = systemd_source_dir();
  const fs::path layout_file = source / "layout";
  const auto entries = parse_systemd_layout(read_file(layout_file, FileKind::data, kMaxGuestFileBytes), layout_file.string());
  const fs::path rootfs = source / "rootfs";
  std::vector<std::string> programs;
  // Each file where the suite's package has it: a merged-/usr suite's systemd (trixie's 257) looks
  // for its units, executor and programs under /usr only (/lib/systemd/system is not searched).
  const std::string units = package_path(tree, "/lib/systemd/system");
  for (const auto& entry : entries) {
    using Kind = SystemdLayoutEntry::Kind;
    if (entry.kind == Kind::program || entry.kind == Kind::optional_program) {
      if (!fs::exists(resolve_in_root(tree, entry.path))) {
        if (entry.kind == Kind::optional_program) continue;
        throw InfraError("the systemd packages have no " + entry.path + " (" + layout_file.string() + ")");
      }
      const std::string at = package_path(tree, entry.path);
      programs.push_back(at);
      initramfs.host_file(at, resolve_in_root(tree, entry.path), 0755);
      if (at != entry.path) initramfs.symlink(entry.path, at);  // the name the layout (and PATH) knows it by
    } else if (entry.kind == Kind::unit) {
      const auto unit = resolve_in_root(tree, kDebianUnits + entry.path);
      if (!fs::exists(unit)) throw InfraError("the systemd packages have no unit " + entry.path + " (" + layout_file.string() + ")");
      initramfs.host_file(units + "/" + entry.path, unit, 0644);
    } else {
      // The guest's own units live in /etc/systemd/system, Debian's in its units directory.
      const bool own = fs::exists(rootfs / fs::path(kLocalUnits).relative_path() / entry.path);
      initramfs.symlink(kLocalUnits + entry.target + ".wants/" + entry.path, own ? kLocalUnits + entry.path : units + "/" + entry.path);
    }
  }
  for (const auto& library : library_closure(tree, arch, programs)) initramfs.host_file(library, resolve_in_root(tree, library), 0755);
  for (const auto& entry : fs::recursive_directory_iterator(rootfs))
    if (entry.is_regular_file()) initramfs.host_file("/" + fs::relative(entry.path(), rootfs).string(), entry.path(), 0644);
  initramfs.symlink(kLocalUnits + std::string("default.target"), units + "/multi-user.target");
  initramfs.symlink("/var/run", "/run");  // systemd taints a system whose /var/run is not /run
  initramfs.symlink("/init", package_path(tree, "/lib/systemd/systemd"));
  // systemd, journald and the rootfs tmpfs (where auditd's log lives: its space_left checks
  // count free memory) want more than the busybox guest's 256 MiB.
  manifest.memory_mib = 512;
}

}  // namespace auditvm::image
