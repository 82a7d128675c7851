#include "cli/run_options.hpp"

#include <sstream>

#include "core/errors.hpp"
#include "image/builder.hpp"

namespace auditvm::cli {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void MachineOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--backend", backend, "qemu (direct) or libvirt")->check(CLI::IsMember({"qemu", "libvirt"}))->capture_default_str();
  cmd.add_option("--libvirt-uri", libvirt_uri, "libvirt connection URI, a local one (qemu:///system or qemu:///session): the guest's kernel, initrd and console socket are files on this machine")->capture_default_str();
  cmd.add_option("--accel", accel, "auto (KVM when it works, else TCG), kvm or tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
      ->capture_default_str();
  cmd.add_option("--cache-dir", cache_dir, "Image cache (default: $XDG_CACHE_HOME/auditvm/images)");
}

machine::BackendOptions MachineOptions::backend_options() const {
  return {backend == "libvirt" ? machine::Backend::libvirt : machine::Backend::qemu, libvirt_uri};
}

machine::Accel MachineOptions::accel_value() const {
  if (accel == "kvm") return machine::Accel::kvm;
  if (accel == "tcg") return machine::Accel::tcg;
  return machine::Accel::automatic;
}

std::vector<image::Suite> suites_from_option(const std::string& text) {
  std::vector<image::Suite> suites;
  for (const auto& name : split_commas(text)) {
    auto suite = image::parse_suite(name);
    if (!suite) {
      std::string known;
      for (const auto& n : image::suite_names()) known += (known.empty() ? "" : ", ") + n;
      throw InputError({"--suite", 0, name}, "unknown Debian suite (expected one of " + known + ")");
    }
    suites.push_back(*suite);
  }
  if (suites.empty()) suites.push_back(image::default_suite());
  return suites;
}

void TargetOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--target", file, "JSON file with the checklists' target data (host_name, fqdn, ip_address, mac_address, role, comments)")
      ->check(CLI::ExistingFile);
  cmd.add_option("--host-name", host_name, "The checklists' asset name (default: auditvm-<cell>)");
  cmd.add_option("--fqdn", fqdn, "The checklists' target FQDN");
  cmd.add_option("--ip", ip_address, "The checklists' target IP address");
  cmd.add_option("--mac", mac_address, "The checklists' target MAC address");
  cmd.add_option("--role", role, "The checklists' target role: None, Workstation, Member Server or Domain Controller");
  cmd.add_option("--target-comment", comments, "The checklists' target comment (default: the configuration's description)");
}

report::TargetData TargetOptions::value() const {
  report::TargetData from_file = file.empty() ? report::TargetData{} : report::load_target_file(file);
  report::TargetData given{host_name, fqdn, ip_address, mac_address, role, comments};
  if (host_name) report::check_host_name(*host_name, {"--host-name", 0, ""});
  if (role) report::check_role(*role, {"--role", 0, *role});
  return from_file.overridden_by(given);
}

void ImageOptions::add_to(CLI::App& cmd, bool several_suites) {
  std::string names;
  for (const auto& n : image::suite_names()) names += (names.empty() ? "" : ", ") + n;
  cmd.add_option("--suite", suites, (several_suites ? "Debian suites of the guests, comma-separated: " : "Debian suite of the guest: ") + names +
                                        " (default: bookworm)");
  cmd.add_option("--image", image_dirs, "A built image directory (holding manifest.json) to boot instead of the cache's; repeatable");
}

DefaultGuests::DefaultGuests(const ImageOptions& options, std::filesystem::path cache_dir, bool quiet, image::GuestInit init)
    : cache_dir_(std::move(cache_dir)), quiet_(quiet), init_(init) {
  for (const auto& dir : options.image_dirs) {
    auto manifest = image::load_manifest(std::filesystem::path(dir) / "manifest.json");
    const std::string suite = manifest.suite.empty() ? image::default_suite().name : manifest.suite;
    if (!images_.emplace(std::pair{manifest.arch, suite}, manifest).second)
      throw InputError({dir, 0, "--image"}, "a second image for " + std::string(to_string(manifest.arch)) + " " + suite);
    if (std::find(suites_.begin(), suites_.end(), suite) == suites_.end()) suites_.push_back(suite);
    from_image_dirs_ = true;
  }
  if (!options.suites.empty() || !from_image_dirs_) {
    suites_.clear();
    for (const auto& suite : suites_from_option(options.suites)) suites_.push_back(suite.name);
  }
}

std::vector<Arch> DefaultGuests::image_arches() const {
  std::vector<Arch> arches;
  if (!from_image_dirs_) return arches;
  for (const auto& [key, manifest] : images_)
    if (std::find(arches.begin(), arches.end(), key.first) == arches.end()) arches.push_back(key.first);
  return arches;
}

const image::Manifest& DefaultGuests::get(Arch arch, const std::string& suite_name) {
  const auto key = std::pair{arch, suite_name};
  if (auto it = images_.find(key); it != images_.end()) return it->second;
  if (from_image_dirs_) throw InputError({"--image", 0, std::string(to_string(arch)) + " " + suite_name}, "no --image directory holds this arch and suite");
  image::BuildOptions build{cache_dir_, std::nullopt, quiet_, false};
  build.suite = image::with_init(suites_from_option(suite_name).front(), init_);
  return images_.emplace(key, image::image_for_run(arch, build)).first->second;
}

}  // namespace auditvm::cli
