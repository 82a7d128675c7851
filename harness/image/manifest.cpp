#include "image/manifest.hpp"


#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/json_file.hpp"

namespace auditvm::image {
using nlohmann::json;

Manifest load_manifest(const std::filesystem::path& file) {
  json data = read_json_document(file, "manifest").value;
  const std::string name = file.string();
  auto resolve = [&](const std::string& path) {
    std::filesystem::path p(path);
    return p.is_absolute() ? p : file.parent_path() / p;
  };
  Manifest m;
  m.format_version = json_field_or<std::string>(data, "format_version", "1", {name, 0, ""});
  m.guest_kind = json_field_or<std::string>(data, "guest_kind", "debian", {name, 0, ""});
  auto arch = parse_arch(json_field<std::string>(data, "arch", {name, 0, ""}));
  if (!arch) throw InputError({name, 0, "arch"}, "unknown architecture");
  m.arch = *arch;
  m.kernel_version = json_field_or<std::string>(data, "kernel_version", "", {name, 0, ""});
  m.kernel = resolve(json_field<std::string>(data, "kernel", {name, 0, ""}));
  m.initrd = resolve(json_field<std::string>(data, "initrd", {name, 0, ""}));
  m.console = json_field<std::string>(data, "console", {name, 0, ""});
  m.kernel_params = json_field<std::vector<std::string>>(data, "kernel_params", {name, 0, ""});
  m.module_name = json_field_or<std::string>(data, "module_name", "nls_ascii", {name, 0, ""});
  m.module_path = json_field<std::string>(data, "module_path", {name, 0, ""});
  m.helpers = json_field<std::map<std::string, std::string>>(data, "helpers", {name, 0, ""});
  for (const char* abi : {"b64", "b32"})
    if (!m.helpers.count(abi)) throw InputError({name, 0, std::string("helpers.") + abi}, "manifest field is missing");
  const auto dirs = json_field_or<std::vector<json>>(data, "shared_directories", {}, {name, 0, ""});
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    const InputLocation at{name, 0, "/shared_directories/" + std::to_string(i)};
    SharedDirectory shared;
    shared.host_path = json_field<std::string>(dirs[i], "host_path", at);
    shared.mount_tag = json_field<std::string>(dirs[i], "mount_tag", at);
    shared.guest_path = json_field<std::string>(dirs[i], "guest_path", at);
    m.shared_directories.push_back(shared);
  }
  m.packages = json_field_or<std::map<std::string, std::string>>(data, "packages", {}, {name, 0, ""});
  m.files = json_field_or<std::map<std::string, std::string>>(data, "files", {}, {name, 0, ""});
  m.cache_key = json_field_or<std::string>(data, "cache_key", "", {name, 0, ""});
  // Images from before suites were all bookworm, and their auditd version is among the packages.
  m.suite = json_field_or<std::string>(data, "suite", m.guest_kind == "debian" ? "bookworm" : "", {name, 0, ""});
  m.audit_version = json_field_or<std::string>(data, "audit_version", m.packages.count("auditd") ? m.packages.at("auditd") : "", {name, 0, ""});
  m.configuration_built_in = json_field_or<bool>(data, "configuration_built_in", false, {name, 0, ""});
  m.memory_mib = json_field_or<unsigned>(data, "memory_mib", 0U, {name, 0, ""});
  m.boot_timeout_s = json_field_or<unsigned>(data, "boot_timeout_s", 0U, {name, 0, ""});
  for (const auto& path : {m.kernel, m.initrd})
    if (std::error_code error; !std::filesystem::exists(path, error)) throw InputError({name, 0, path == m.kernel ? "kernel" : "initrd"}, "file does not exist: " + path.string());
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
               {"suite", m.suite},
               {"audit_version", m.audit_version},
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
  write_file_atomic(file, data.dump(2) + "\n");
}

}  // namespace auditvm::image
