#include "nixos/boot_files.hpp"

#include "nixos/render.hpp"

namespace auditvm::nixos {

UnitPaths systemd_guest_paths() {
  // NixOS keeps these in the store; here they are under /etc/nixos. mkdir is busybox's, called by
  // its absolute path as NixOS calls coreutils': auditd (DefaultDependencies=false) may start
  // before the busybox applets are installed.
  return {"/sbin", "/bin/bash", "/bin/busybox mkdir", "/etc/nixos/audit.rules", "/etc/nixos/audit-start", "/etc/nixos/audit-stop",
          "/usr/sbin:/usr/bin:/sbin:/bin"};
}

BootConfiguration boot_configuration(const NixosConfig& config, const UnitPaths& paths) {
  BootConfiguration boot;
  boot.kernel_params = kernel_params(config);
  auto& files = boot.files;
  if (config.module == ModuleVersion::current && loads_rules(config)) files.push_back({paths.rules_file, render_rules(config)});
  if (config.module == ModuleVersion::nixos_24_11) {
    files.push_back({paths.start_script, audit_start_script(config, paths), 0755});
    files.push_back({paths.stop_script, audit_stop_script(paths), 0755});
  }
  for (const auto& unit : render_units(config, paths)) {
    const std::string path = "/etc/systemd/system/" + unit.name;
    files.push_back({path, unit.text});
    files.push_back({"/etc/systemd/system/" + unit.wanted_by + ".wants/" + unit.name, "", 0777, path});
  }
  if (auto conf = render_auditd_conf(config); !conf.empty()) files.push_back({"/etc/audit/auditd.conf", conf});
  for (const auto& [path, text] : render_auditd_plugin_files(config)) files.push_back({"/etc/" + path, text});
  if (auto sysctl = render_sysctl_conf(config); !sysctl.empty()) files.push_back({"/etc/sysctl.d/60-nixos.conf", sysctl});
  return boot;
}

}  // namespace auditvm::nixos
