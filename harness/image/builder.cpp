#include "image/builder.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <sstream>
#include <iostream>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/files.hpp"
#include "core/remove_on_exit.hpp"
#include "image/cache.hpp"
#include "image/debian_packages.hpp"
#include "image/guest_layout.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBuilderVersion = "3";  // bump when the image layout changes

// `image prune` keeps the last image of other guest inputs (another checkout's, which may still
// boot it) while its pointer is younger than this; every `image build` there renews it.
constexpr auto kOtherInputsMaxAge = std::chrono::hours(24 * 7);

fs::path cache_dir_or_default(const fs::path& dir) { return dir.empty() ? default_cache_dir() : dir; }

std::string arch_name(Arch arch) { return std::string(to_string(arch)); }

// <arch><suite tag>: x86_64 (bookworm), x86_64-trixie. Names the image directories, the
// .current and .lock files and the build directories of that arch and suite.
std::string flavour(Arch arch, const Suite& suite) { return arch_name(arch) + suite_tag(suite); }

// Image directories are named <arch><suite tag>-<inputs>-<packages>, so the project's inputs
// alone tell whether an image is current for this checkout (find_image) without asking apt.
std::string image_dir_name(Arch arch, const Suite& suite, const std::string& key) { return flavour(arch, suite) + "-" + key; }

// The suite an image directory name belongs to (x86_64-trixie-... is trixie's, x86_64-<hex>-...
// bookworm's), or none when it is not one of this arch's.
std::vector<Suite> every_suite() {
  std::vector<Suite> all;
  for (GuestInit init : {GuestInit::busybox, GuestInit::systemd})
    for (const auto& suite_name : suite_names()) all.push_back(with_init(*parse_suite(suite_name), init));
  return all;
}

std::optional<Suite> suite_of(const std::string& name, Arch arch) {
  if (name.rfind(arch_name(arch) + "-", 0) != 0) return std::nullopt;
  std::optional<Suite> found = default_suite();
  for (const auto& suite : every_suite()) {
    // The longest tag wins: x86_64-trixie-backports-... is not trixie's, x86_64-systemd-... not bookworm's busybox guest.
    if (!suite_tag(suite).empty() && name.rfind(flavour(arch, suite) + "-", 0) == 0 && suite_tag(suite).size() > suite_tag(*found).size()) found = suite;
  }
  return found;
}

// <cache>/<arch><suite tag>-<inputs>.current: the image the last build for these guest inputs
// produced or confirmed. One per inputs, so a checkout with other guest files, helpers or
// packages has its own and never boots this one's image (nor moves its pointer).
fs::path pointer_file(const fs::path& cache, Arch arch, const Suite& suite, const std::string& inputs) {
  return cache / (image_dir_name(arch, suite, inputs) + ".current");
}

void mark_current(const fs::path& cache, Arch arch, const Suite& suite, const std::string& inputs, const std::string& dir_name) {
  write_file_atomic(pointer_file(cache, arch, suite, inputs), dir_name + "\n");
}

// The image directory a pointer file names; empty when there is none.
std::string pointed_name(const fs::path& pointer) {
  if (!fs::exists(pointer)) return "";
  std::istringstream text(read_file(pointer, FileKind::data));
  std::string name;
  text >> name;
  return name;
}

// The <inputs> part of an image directory's name (<flavour>-<inputs>-<versions>).
std::string inputs_of(const std::string& name, Arch arch, const Suite& suite) {
  const std::string prefix = flavour(arch, suite) + "-";
  const auto end = name.find('-', prefix.size());
  return end == std::string::npos ? "" : name.substr(prefix.size(), end - prefix.size());
}

Progress progress_for(bool quiet) {
  if (quiet) return {};
  return [](const std::string& line) { std::cerr << "image: " << line << "\n"; };
}

}  // namespace

std::string input_key(Arch arch, const Suite& suite) {
  std::string inputs = std::string(kBuilderVersion) + "\n" + arch_name(arch) + "\n";
  // The packages asked for and where from: another package list is another guest even when the
  // archive resolves the same versions for the common ones.
  for (const auto& name : guest_packages(arch, suite)) inputs += "package " + name + "\n";
  inputs += "sources " + sha256_hex(sources_list(suite) + apt_preferences(suite)) + "\n";
  const fs::path guest = guest_source_dir();
  for (const auto& file : guest_input_files(arch, suite.init)) {
    // Helpers live in the build tree: named by their file name, guest files relative to guest/.
    auto name = file.string().rfind(guest.string(), 0) == 0 ? fs::relative(file, guest.parent_path()).string() : file.filename().string();
    inputs += name + " " + sha256_file(file) + "\n";
  }
  return sha256_hex(inputs).substr(0, 16);
}

std::string image_key(const std::string& inputs, const std::map<std::string, std::string>& package_versions) {
  std::string versions;
  for (const auto& [name, version] : package_versions) versions += name + "=" + version + "\n";
  return inputs + "-" + sha256_hex(versions).substr(0, 8);
}

std::optional<Manifest> find_image(Arch arch, const Suite& suite, const fs::path& cache_dir) {
  const fs::path cache = cache_dir_or_default(cache_dir);
  const std::string inputs = input_key(arch, suite);
  const std::string name = pointed_name(pointer_file(cache, arch, suite, inputs));
  // A pointer of these inputs names an image of these inputs; anything else was not written by the builder.
  if (name.rfind(image_dir_name(arch, suite, inputs) + "-", 0) != 0) return std::nullopt;
  if (!fs::exists(cache / name / "manifest.json")) return std::nullopt;
  return load_manifest(cache / name / "manifest.json");
}

std::optional<Manifest> find_image(Arch arch, const fs::path& cache_dir) { return find_image(arch, default_suite(), cache_dir); }

Manifest image_for_run(Arch arch, const BuildOptions& options) {
  if (auto current = find_image(arch, options.suite, options.cache_dir)) return *current;
  return build_image(arch, options);
}

std::vector<fs::path> prune_images(const fs::path& cache_dir) {
  const fs::path cache = cache_dir_or_default(cache_dir);
  std::vector<fs::path> removed;
  if (!fs::exists(cache)) return removed;
  auto remove = [&](const fs::path& path) {
    fs::remove_all(path);
    removed.push_back(path);
  };
  const auto now = fs::file_time_type::clock::now();
  for (Arch arch : all_arches()) {
    for (const auto& suite : every_suite()) {
      FileLock lock(cache / (flavour(arch, suite) + ".lock"));  // no build of this arch and suite runs meanwhile
      const std::string mine = input_key(arch, suite);
      const std::string build_prefix = ".build-" + flavour(arch, suite) + "-";
      // The one pointer per arch and suite of before pointers per inputs: nothing reads it any more.
      if (fs::exists(cache / (flavour(arch, suite) + ".current"))) remove(cache / (flavour(arch, suite) + ".current"));
      for (const auto& entry : fs::directory_iterator(cache)) {
        const std::string name = entry.path().filename().string();
        if (suite_of(name, arch) == suite && fs::exists(entry.path() / "manifest.json")) {
          const std::string inputs = inputs_of(name, arch, suite);
          const fs::path pointer = pointer_file(cache, arch, suite, inputs);
          const bool latest = !inputs.empty() && pointed_name(pointer) == name;
          if (latest && (inputs == mine || now - fs::last_write_time(pointer) < kOtherInputsMaxAge)) continue;
          remove(entry.path());
          if (latest) remove(pointer);
        }
        // .build-<arch><tag>-<pid>: a builder that died; ours would hold the lock.
        if (name.rfind(build_prefix, 0) == 0 && name.find_first_not_of("0123456789", build_prefix.size()) == std::string::npos) remove(entry.path());
      }
    }
  }
  return removed;
}

std::vector<CachedImage> list_images(const fs::path& cache_dir) {
  std::vector<CachedImage> images;
  auto dir = cache_dir_or_default(cache_dir);
  if (!fs::exists(dir)) return images;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(dir))
    if (fs::exists(entry.path() / "manifest.json")) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  std::map<std::string, std::string> mine;  // flavour -> this checkout's inputs
  for (const auto& path : dirs) {
    auto manifest = load_manifest(path / "manifest.json");
    const std::string name = path.filename().string();
    auto suite = suite_of(name, manifest.arch);
    if (!suite) continue;  // not named as the builder names images
    const std::string inputs = inputs_of(name, manifest.arch, *suite);
    auto [it, fresh] = mine.try_emplace(flavour(manifest.arch, *suite));
    if (fresh) it->second = input_key(manifest.arch, *suite);
    const bool latest = !inputs.empty() && pointed_name(pointer_file(dir, manifest.arch, *suite, inputs)) == name;
    images.push_back({*suite, latest && inputs == it->second, latest, std::move(manifest)});
  }
  return images;
}

Manifest build_image(Arch arch, const BuildOptions& options) {
  const fs::path cache = cache_dir_or_default(options.cache_dir);
  std::error_code error;
  fs::create_directories(cache, error);
  if (error) throw InfraError("cannot create cache directory " + cache.string() + ": " + error.message());
  const Progress progress = progress_for(options.quiet);
  const Suite& suite = options.suite;
  FileLock lock(cache / (flavour(arch, suite) + ".lock"));  // a concurrent builder waits here

  ResolvedPackages packages = options.debs_dir ? resolve_offline(arch, *options.debs_dir, suite)
                                               : resolve_online(arch, suite, cache, options.refresh, progress);
  const std::string inputs = input_key(arch, suite);
  const std::string key = image_key(inputs, packages.versions());
  const std::string name = image_dir_name(arch, suite, key);
  const fs::path final_dir = cache / name;
  if (fs::exists(final_dir / "manifest.json")) {
    mark_current(cache, arch, suite, inputs, name);
    return load_manifest(final_dir / "manifest.json");
  }

  // Build next to the final place and rename: a half-built image is never visible.
  const fs::path work = cache / (".build-" + flavour(arch, suite) + "-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "image");
  RemoveOnExit cleanup(work);
  auto debs = fetch_debs(arch, suite, packages, cache, progress);
  extract_debs(debs, work / "tree", guest_files_filter(), progress);
  Manifest manifest = lay_out_guest(arch, suite.init, work / "tree", work / "image", kernel_package_names(packages), progress);
  manifest.packages = packages.versions();
  manifest.suite = suite.name;
  if (manifest.packages.count("auditd")) manifest.audit_version = manifest.packages.at("auditd");
  manifest.cache_key = key;
  manifest.kernel = manifest.kernel.filename();  // relative: the image directory is renamed below
  manifest.initrd = manifest.initrd.filename();
  save_manifest(manifest, work / "image" / "manifest.json");
  // World-readable: libvirt's QEMU runs as another user and reads kernel and initrd.
  for (const auto& entry : fs::recursive_directory_iterator(work / "image"))
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(work / "image", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                                      fs::perms::others_exec);
  fs::remove_all(final_dir);
  fs::rename(work / "image", final_dir);
  mark_current(cache, arch, suite, inputs, name);
  if (progress) progress(flavour(arch, suite) + " ready in " + final_dir.string());
  return load_manifest(final_dir / "manifest.json");
}

}  // namespace auditvm::image
