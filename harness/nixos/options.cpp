#include "nixos/options.hpp"

#include "core/errors.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;
using namespace types;

OptionSet::Member option(std::string name, TypeRef type, std::optional<json> default_value = std::nullopt, bool read_only = false) {
  return {std::move(name), Option{std::move(type), std::move(default_value), read_only}, {}};
}

OptionSet::Member set(std::string name, std::vector<OptionSet::Member> members) {
  return {std::move(name), std::nullopt, OptionSet{std::move(members)}};
}

// nixos/modules/security/audit.nix (the options did not change between 24.11 and now, except
// backlogLimit's default, which went from the kernel's 64 to 1024).
OptionSet::Member audit_options(std::int64_t backlog_default) {
  return set("audit", {option("enable", enumeration({false, true, "lock"}), false),
                       option("failureMode", enumeration({"silent", "printk", "panic"}), "printk"),
                       option("backlogLimit", integer(), backlog_default),
                       option("rateLimit", integer(), 0),
                       option("rules", list_of(string()), json::array()),
                       option("package", package())});
}

// The type of auditd.conf and plugin settings values.
TypeRef auditd_setting() { return null_or(one_of({boolean(), non_empty_string(), absolute_path(), integer()})); }

// nixos/modules/security/auditd.nix, current.
OptionSet::Member auditd_options() {
  TypeRef space = either(integer(), matching("[0-9]+%"));
  OptionSet settings{{option("space_left", space, 75), option("admin_space_left", space, 50)}};
  OptionSet plugin{{option("active", boolean(), false),
                    option("direction", enumeration({"in", "out"}), "out"),
                    option("path", absolute_path()),
                    option("type", enumeration({"always"}), "always", true),
                    option("args", null_or(list_of(non_empty_string())), nullptr),
                    option("format", enumeration({"binary", "string"}), "string"),
                    option("settings", null_or(submodule({}, auditd_setting())), nullptr)}};
  return set("auditd", {option("enable", boolean(), false),
                        option("settings", submodule(std::move(settings), auditd_setting()), json::object()),
                        option("plugins", attrs_of(submodule(std::move(plugin))), json::object())});
}

// nixos/modules/config/sysctl.nix and nixos/modules/system/boot/kernel.nix.
OptionSet::Member boot_options() {
  TypeRef sysctl_value = named("sysctl option value", Phrase::none,
                               [](const json& v) { return v.is_boolean() || v.is_string() || v.is_number_integer() || v.is_null(); });
  OptionSet sysctl{{option("net.core.rmem_max", null_or(unsigned_integer()), nullptr),
                    option("net.core.wmem_max", null_or(unsigned_integer()), nullptr)}};
  TypeRef kernel_param = renamed(matching(R"(([^"[:space:]]|"[^"]*")+)"), "string, with spaces inside double quotes");
  return set("boot", {set("kernel", {option("sysctl", submodule(std::move(sysctl), sysctl_value), json::object())}),
                      option("kernelParams", list_of(kernel_param), json::array())});
}

OptionSet build(ModuleVersion version) {
  if (version == ModuleVersion::nixos_24_11)
    return {{set("security", {audit_options(64), set("auditd", {option("enable", boolean(), false)})}), boot_options()}};
  return {{set("security", {audit_options(1024), auditd_options()}), boot_options()}};
}

}  // namespace

std::string_view to_string(ModuleVersion version) { return version == ModuleVersion::current ? "current" : "24.11"; }

ModuleVersion parse_module_version(const std::string& text) {
  if (text == "current") return ModuleVersion::current;
  if (text == "24.11") return ModuleVersion::nixos_24_11;
  throw InputError({"--module-version", 0, text}, "expected current or 24.11");
}

const OptionSet& declarations(ModuleVersion version) {
  static const OptionSet current = build(ModuleVersion::current);
  static const OptionSet old = build(ModuleVersion::nixos_24_11);
  return version == ModuleVersion::current ? current : old;
}

const json& module_defined_auditd_plugins() {
  static const json plugins = {
      {"af_unix", {{"path", "/nix/store/<audit>/bin/audisp-af_unix"}, {"args", {"0640", "/var/run/audispd_events", "string"}}, {"format", "binary"}}},
      {"remote", {{"path", "/nix/store/<audit>/bin/audisp-remote"}, {"settings", json::object()}}},
      {"filter",
       {{"path", "/nix/store/<audit>/bin/audisp-filter"},
        {"args", {"allowlist", "/etc/audit/audisp-filter.conf", "/nix/store/<audit>/bin/audisp-syslog", "LOG_USER", "LOG_INFO", "interpret"}},
        {"settings", json::object()}}},
      {"syslog", {{"path", "/nix/store/<audit>/bin/audisp-syslog"}, {"args", {"LOG_INFO"}}}}};
  return plugins;
}

}  // namespace auditvm::nixos
