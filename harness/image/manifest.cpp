#include "image/manifest.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/json_file.hpp"

namespace auditvm::image {
namespace {

using nlohmann::json;

template <typename T>
T required(const json& data, const std::string& key, const std::string& file) {
  if (!data.contains(key)) throw InputError({file, 0, key}, "manifest field is missing");
  try {
    return data.at(key).get<T>();
  } catch (const json::exception&) {
    throw InputError({file, 0, key}, "manifest field has the wrong type");
  }
}

template <typename T>
T optional(const json& data, const std::string& key, T fallback, const std::string& file) {
  return data.contains(key) ? required<T>(data, key, file) : fallback;
}

}  // namespace

Manifest load_manifest(const std::filesystem::path& file) {
  json data = read_json_file(file, "manifest");
  const std::string name = file.string();
  auto resolve = [&](const std::string& path) {
    std::filesystem::path p(path);
    return p.is_absolute() ? p : file.parent_path() / p;
  };
  Manifest m;
  m.format_version = data.value("format_version", "1");
  m.guest_kind = data.value("guest_kind", "debian");
  auto arch = parse_arch(required<std::string>(data, "arch", name));
  if (!arch) throw InputError({name, 0, "arch"}, "unknown architecture");
  m.arch = *arch;
  m.kernel_version = data.value("kernel_version", "");
  m.kernel = resolve(required<std::string>(data, "kernel", name));
  m.initrd = resolve(required<std::string>(data, "initrd", name));
  m.console = required<std::string>(data, "console", name);
  m.kernel_params = required<std::vector<std::string>>(data, "kernel_params", name);
  m.module_name = data.value("module_name", "nls_ascii");
  m.module_path = required<std::string>(data, "module_path", name);
  m.helpers = required<std::map<std::string, std::string>>(data, "helpers", name);
  for (const char* abi : {"b64", "b32"})
    if (!m.helpers.count(abi)) throw InputError({name, 0, std::string("helpers.") + abi}, "manifest field is missing");
  for (const auto& dir : data.value("shared_directories", json::array())) {
    SharedDirectory shared;
    shared.host_path = required<std::string>(dir, "host_path", name);
    shared.mount_tag = required<std::string>(dir, "mount_tag", name);
    shared.guest_path = required<std::string>(dir, "guest_path", name);
    m.shared_directories.push_back(shared);
  }
  m.packages = data.value("packages", std::map<std::string, std::string>{});
  m.files = data.value("files", std::map<std::string, std::string>{});
  m.cache_key = data.value("cache_key", "");
  m.configuration_built_in = optional<bool>(data, "configuration_built_in", false, name);
  m.memory_mib = optional<unsigned>(data, "memory_mib", 0U, name);
  m.boot_timeout_s = optional<unsigned>(data, "boot_timeout_s", 0U, name);
  for (const auto& path : {m.kernel, m.initrd})
    if (!std::filesystem::exists(path)) throw InputError({name, 0, path == m.kernel ? "kernel" : "initrd"}, "file does not exist: " + path.string());
  return m;
}

void save_manifest(const Manifest& m, const std::filesystem::path& file) {
  json shared = json::array();
  for (const auto& dir : m.shared_directories)
    shared.push_back({{"host_path", dir.host_path.string()}, {"mount_tag", dir.mount_tag}, {"guest_path", dir.guest_path}});
  json data = {{"format_version", m.format_version},
               {"guest_kind", m.guest_kind},
               {"arch", to_string(m.arch)},
               {"kernel_version", m.kernel_version},
               {"kernel", m.kernel.string()},
               {"initrd", m.initrd.string()},
               {"console", m.console},
               {"kernel_params", m.kernel_params},
               {"module_name", m.module_name},
               {"module_path", m.module_path},
               {"helpers", m.helpers},
               {"shared_directories", shared},
               {"packages", m.packages},
               {"files", m.files},
               {"cache_key", m.cache_key},
               {"configuration_built_in", m.configuration_built_in},
               {"memory_mib", m.memory_mib},
               {"boot_timeout_s", m.boot_timeout_s}};
  std::ofstream out(file);
  out << data.dump(2) << "\n";
  if (!out) throw InfraError("cannot write " + file.string());
}

}  // namespace auditvm::image
