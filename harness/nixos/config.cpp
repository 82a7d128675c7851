#include "nixos/config.hpp"

#include <fstream>
#include <functional>

#include "core/errors.hpp"
#include "core/json_file.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;

// Walks the fragment, mirroring NixOS's option tree and its error messages.
class Validator {
 public:
  Validator(const std::string& source, const std::string& prefix) : source_(source), prefix_(prefix) {}

  NixosConfig run(const json& fragment) {
    attrs(fragment, {}, {{"security", [&](const json& v, auto p) { security(v, p); }},
                         {"boot", [&](const json& v, auto p) { boot(v, p); }}});
    return config_;
  }

 private:
  using Path = std::vector<std::string>;
  using Handler = std::function<void(const json&, Path)>;

  [[noreturn]] void fail(const Path& path, const std::string& message) const {
    std::string pointer = prefix_;
    for (const auto& part : path) pointer += "/" + part;
    throw InputError({source_, 0, pointer.empty() ? "/" : pointer}, message);
  }

  static std::string option_name(const Path& path) {
    std::string name;
    for (const auto& part : path) name += (name.empty() ? "" : ".") + part;
    return name;
  }

  void not_of_type(const Path& path, const std::string& type) const {
    fail(path, "A definition for option `" + option_name(path) + "' is not of type `" + type + "'.");
  }

  void attrs(const json& value, const Path& path, const std::map<std::string, Handler>& children) {
    if (!value.is_object()) not_of_type(path, "attribute set");
    for (const auto& [name, child] : value.items()) {
      Path next = path;
      next.push_back(name);
      auto it = children.find(name);
      if (it == children.end()) fail(next, "The option `" + option_name(next) + "' does not exist.");
      it->second(child, next);
    }
  }

  void security(const json& value, const Path& path) {
    attrs(value, path, {{"audit", [&](const json& v, auto p) { audit(v, p); }},
                        {"auditd", [&](const json& v, auto p) { auditd(v, p); }}});
  }

  void audit(const json& value, const Path& path) {
    attrs(value, path,
          {{"enable", [&](const json& v, auto p) {
              if (v.is_boolean()) config_.audit_enable = v.get<bool>() ? AuditEnable::on : AuditEnable::off;
              else if (v == "lock") config_.audit_enable = AuditEnable::lock;
              else not_of_type(p, "one of false, true, \"lock\"");
            }},
           {"failureMode", [&](const json& v, auto p) {
              if (v == "silent") config_.failure_mode = FailureMode::silent;
              else if (v == "printk") config_.failure_mode = FailureMode::printk;
              else if (v == "panic") config_.failure_mode = FailureMode::panic;
              else not_of_type(p, "one of \"silent\", \"printk\", \"panic\"");
            }},
           {"backlogLimit", [&](const json& v, auto p) { config_.backlog_limit = integer(v, p); }},
           {"rateLimit", [&](const json& v, auto p) { config_.rate_limit = integer(v, p); }},
           {"rules", [&](const json& v, auto p) { config_.rules = strings(v, p); }},
           {"package", [&](const json&, auto) {}}});
  }

  void auditd(const json& value, const Path& path) {
    attrs(value, path,
          {{"enable", [&](const json& v, auto p) {
              if (!v.is_boolean()) not_of_type(p, "boolean");
              config_.auditd_enable = v.get<bool>();
            }},
           {"settings", [&](const json& v, auto p) { config_.auditd_settings = scalars(v, p); }},
           {"plugins", [&](const json& v, auto p) {
              if (!v.is_object()) not_of_type(p, "attribute set of (submodule)");
            }}});
  }

  void boot(const json& value, const Path& path) {
    attrs(value, path,
          {{"kernel", [&](const json& v, auto p) {
              attrs(v, p, {{"sysctl", [&](const json& s, auto q) { config_.sysctl = scalars(s, q); }}});
            }},
           {"kernelParams", [&](const json& v, auto p) { config_.extra_kernel_params = strings(v, p); }}});
  }

  std::int64_t integer(const json& value, const Path& path) const {
    if (!value.is_number_integer()) not_of_type(path, "signed integer");
    return value.get<std::int64_t>();
  }

  std::vector<std::string> strings(const json& value, const Path& path) const {
    if (!value.is_array()) not_of_type(path, "list of string");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) {
        Path entry = path;
        entry.push_back(std::to_string(i));
        fail(entry, "A definition for option `" + option_name(path) + ".\"[definition 1-entry " + std::to_string(i + 1) +
                        "]\"' is not of type `string'.");
      }
      out.push_back(value[i].get<std::string>());
    }
    return out;
  }

  // Attribute sets of strings, integers or booleans (sysctl values, auditd.conf settings),
  // rendered the way NixOS renders them (booleans as 1/0 for sysctl).
  std::map<std::string, std::string> scalars(const json& value, const Path& path) const {
    if (!value.is_object()) not_of_type(path, "attribute set");
    std::map<std::string, std::string> out;
    for (const auto& [name, item] : value.items()) {
      Path entry = path;
      entry.push_back(name);
      if (item.is_string()) out[name] = item.get<std::string>();
      else if (item.is_number_integer()) out[name] = std::to_string(item.get<std::int64_t>());
      else if (item.is_boolean()) out[name] = item.get<bool>() ? "1" : "0";
      else not_of_type(entry, "string, signed integer or boolean");
    }
    return out;
  }

  std::string source_;
  std::string prefix_;
  NixosConfig config_;
};

}  // namespace

NixosConfig load_config(const json& fragment, const std::string& source, const std::string& pointer_prefix) {
  return Validator(source, pointer_prefix).run(fragment);
}

NixosConfig load_config_file(const std::filesystem::path& file) {
  return load_config(read_json_file(file, "configuration file"), file.string());
}

}  // namespace auditvm::nixos
