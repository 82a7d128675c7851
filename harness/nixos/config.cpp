#include "nixos/config.hpp"

#include <charconv>

#include "core/errors.hpp"
#include "core/json_file.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;

constexpr const char* kAuditdModule = "nixos/modules/security/auditd.nix";

// What the current auditd module defines itself when security.auditd.enable is true.
json auditd_module_definitions() {
  return {{"security",
           {{"auditd", {{"settings", {{"plugin_dir", "/etc/audit/plugins.d"}}}, {"plugins", module_defined_auditd_plugins()}}}}}};
}

// Two definitions of the same options, merged as the module system merges them for the types
// involved: attribute sets attribute by attribute, lists concatenated, anything else must agree.
json merge_definitions(const json& module, const json& user, const Place& place) {
  if (module.is_object() && user.is_object()) {
    json out = module;
    for (const auto& [name, value] : user.items())
      out[name] = module.contains(name) ? merge_definitions(module[name], value, place.child(name)) : value;
    return out;
  }
  if (module.is_array() && user.is_array()) {
    json out = module;
    out.insert(out.end(), user.begin(), user.end());
    return out;
  }
  if (module == user) return module;
  fail(place, "The option `" + show_option(place.option) + "' has conflicting definition values:\n- In `" + kAuditdModule +
                  "': " + module.dump() + "\n- In `" + place.source + "': " + user.dump());
}

// nixos/modules/security/auditd.nix's prepareConfigValue.
std::string conf_value(const json& value) {
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : " ") + conf_value(item);
    return out;
  }
  return value.dump();
}

ConfText conf_values(const json& attrs, const std::string& leave_out = "") {
  ConfText out;
  for (const auto& [name, value] : attrs.items())
    if (name != leave_out) out[name] = value.is_null() ? std::nullopt : std::optional(conf_value(value));
  return out;
}

// sysctl.nix: null leaves the key out, false is 0, anything else is Nix's toString (true is 1).
std::map<std::string, std::string> sysctl_values(const json& attrs) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : attrs.items()) {
    if (value.is_null()) continue;
    if (value.is_boolean()) out[name] = value.get<bool>() ? "1" : "0";
    else out[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

// The auditd module's own checks, which only run when it is enabled.
void check_auditd(const json& auditd, const Place& place) {
  for (const auto& [name, plugin] : auditd["plugins"].items())
    if (!plugin.contains("path")) {
      Place at = place.child("plugins").child(name).child("path");
      fail(at, "The option `" + show_option(at.option) + "' was accessed but has no value defined. Try setting the option.");
    }
  const json& space = auditd["settings"]["space_left"];
  const json& admin = auditd["settings"]["admin_space_left"];
  // "25%" -> 25; the type has already checked the form ([0-9]+%), not the size.
  auto percent = [&](const json& v, const char* name) {
    const std::string text = v.get<std::string>();
    std::int64_t out = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size() - 1, out);
    if (error != std::errc() || end != text.data() + text.size() - 1)
      fail(place.child("settings").child(name), "The percentage \"" + text + "\" is too large for a Nix integer (lib.toInt fails on it).");
    return out;
  };
  bool larger = true;
  if (space.is_number() && admin.is_number()) larger = space.get<std::int64_t>() > admin.get<std::int64_t>();
  if (space.is_string() && admin.is_string()) larger = percent(space, "space_left") > percent(admin, "admin_space_left");
  if (!larger)
    fail(place.child("settings").child("space_left"),
         "Failed assertions:\n- `security.auditd.settings.space_left` must be larger than `security.auditd.settings.admin_space_left`");
}

NixosConfig extract(const json& merged, ModuleVersion module) {
  NixosConfig config;
  config.module = module;
  const json& audit = merged["security"]["audit"];
  const json& enable = audit["enable"];
  config.audit_enable = enable == "lock" ? AuditEnable::lock : enable == true ? AuditEnable::on : AuditEnable::off;
  const json& mode = audit["failureMode"];
  config.failure_mode = mode == "silent" ? FailureMode::silent : mode == "panic" ? FailureMode::panic : FailureMode::printk;
  config.backlog_limit = audit["backlogLimit"].get<std::int64_t>();
  config.rate_limit = audit["rateLimit"].get<std::int64_t>();
  config.rules = audit["rules"].get<std::vector<std::string>>();
  if (audit.contains("package")) config.audit_package = audit["package"].get<std::string>();

  const json& auditd = merged["security"]["auditd"];
  config.auditd_enable = auditd["enable"].get<bool>();
  if (auditd.contains("settings")) config.auditd_settings = conf_values(auditd["settings"]);
  if (auditd.contains("plugins"))
    for (const auto& [name, plugin] : auditd["plugins"].items()) {
      AuditdPlugin out{conf_values(plugin, "settings"), std::nullopt};
      if (!plugin["settings"].is_null()) out.settings = conf_values(plugin["settings"]);
      config.auditd_plugins[name] = std::move(out);
    }

  config.sysctl = sysctl_values(merged["boot"]["kernel"]["sysctl"]);
  config.extra_kernel_params = merged["boot"]["kernelParams"].get<std::vector<std::string>>();
  return config;
}

}  // namespace

NixosConfig load_config(const json& fragment, const std::string& source, const std::string& pointer_prefix, ModuleVersion module) {
  const OptionSet& options = declarations(module);
  Place root{source, {}, json::json_pointer(pointer_prefix)};
  json merged = evaluate(options, fragment, root);  // the user's definitions alone, so errors point into them
  if (module == ModuleVersion::current && merged["security"]["auditd"]["enable"] == true) {
    merged = evaluate(options, merge_definitions(auditd_module_definitions(), fragment, root), root);
    check_auditd(merged["security"]["auditd"], root.child("security").child("auditd"));
    // `security.audit.enable = lib.mkDefault true`: auditd turns auditing on unless told otherwise.
    bool enable_defined = fragment.contains("security") && fragment["security"].contains("audit") && fragment["security"]["audit"].contains("enable");
    if (!enable_defined) merged["security"]["audit"]["enable"] = true;
  }
  return extract(merged, module);
}

NixosConfig load_config_file(const std::filesystem::path& file, ModuleVersion module) {
  auto document = read_json_document(file, "configuration file");
  try {
    return load_config(document.value, file.string(), "", module);
  } catch (const InputError& e) {
    throw document.lines.locate(e);
  }
}

}  // namespace auditvm::nixos
