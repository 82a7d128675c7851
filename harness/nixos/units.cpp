#include "nixos/units.hpp"

#include "nixos/render.hpp"

namespace auditvm::nixos {
namespace {

// The lines NixOS writes for ConditionKernelCommandLine = [ "!audit=0" "!audit=off" ]: both must hold.
const char* kNotDisabledOnCommandLine = "ConditionKernelCommandLine=!audit=0\nConditionKernelCommandLine=!audit=off\n";

std::string current_audit_unit(const NixosConfig& config, const UnitPaths& paths) {
  std::string unit = "[Unit]\nDescription=Load Audit Rules\nBefore=sysinit.target shutdown.target\nConflicts=shutdown.target\n"
                     "DefaultDependencies=false\nConditionVirtualization=!container\n" + std::string(kNotDisabledOnCommandLine) +
                     "\n[Service]\nType=oneshot\nRemainAfterExit=true\n"
                     "ExecStart=" + paths.audit_bin + "/auditctl -R " + paths.rules_file + "\n";
  for (const auto& command : audit_service_failure_commands(config)) unit += "ExecStopPost=" + paths.audit_bin + "/" + command + "\n";
  return unit;
}

std::string current_auditd_unit(const UnitPaths& paths) {
  return "[Unit]\nDescription=Security Audit Logging Service\nDocumentation=man:auditd(8)\n"
         "After=local-fs.target systemd-tmpfiles-setup.service\nBefore=sysinit.target shutdown.target\nConflicts=shutdown.target\n"
         "DefaultDependencies=false\nRefuseManualStop=true\nConditionVirtualization=!container\n" + std::string(kNotDisabledOnCommandLine) +
         "\n[Service]\nLogsDirectory=audit\nExecStart=" + paths.audit_bin + "/auditd -l -n -s nochange\n"
         // Not restarted after an intentional exit (auditd(8), EXIT CODES).
         "Restart=on-failure\nRestartPreventExitStatus=2 4 6\n"
         "MemoryDenyWriteExecute=true\nLockPersonality=true\nRestrictRealtime=true\n";
}

std::string old_audit_unit(const UnitPaths& paths) {
  return "[Unit]\nDescription=Kernel Auditing\nConditionVirtualization=!container\nConditionSecurity=audit\n"
         "\n[Service]\nEnvironment=PATH=" + paths.path + "\nType=oneshot\nRemainAfterExit=true\n"
         "ExecStart=@" + paths.start_script + " audit-start\nExecStop=@" + paths.stop_script + " audit-stop\n";
}

std::string old_auditd_unit(const UnitPaths& paths) {
  return "[Unit]\nDescription=Linux Audit daemon\nBefore=shutdown.target\nConflicts=shutdown.target\n"
         "ConditionVirtualization=!container\nConditionSecurity=audit\nDefaultDependencies=false\n"
         "\n[Service]\nEnvironment=PATH=" + paths.path + "\nExecStartPre=" + paths.mkdir + " -p /var/log/audit\n"
         "ExecStart=" + paths.audit_bin + "/auditd -l -n -s nochange\n";
}

}  // namespace

std::string audit_unit_name(const NixosConfig& config) {
  if (config.module == ModuleVersion::nixos_24_11) return "audit.service";  // there even when disabled
  return loads_rules(config) ? "audit-rules-nixos.service" : "";
}

std::vector<Unit> render_units(const NixosConfig& config, const UnitPaths& paths) {
  std::vector<Unit> units;
  const bool current = config.module == ModuleVersion::current;
  if (!audit_unit_name(config).empty())
    units.push_back({audit_unit_name(config), current ? "sysinit.target" : "basic.target", current ? current_audit_unit(config, paths) : old_audit_unit(paths)});
  if (runs_auditd(config))
    units.push_back({"auditd.service", current ? "sysinit.target" : "basic.target", current ? current_auditd_unit(paths) : old_auditd_unit(paths)});
  return units;
}

std::string audit_start_script(const NixosConfig& config, const UnitPaths& paths) {
  std::string script = "#!" + paths.shell + " -eu\n";
  if (!loads_rules(config)) script += "# Explicitly disable everything, as otherwise journald might start it.\n";
  // The commands are render.cpp's (one list of what the service runs); the script's comments and
  // its temporary rules file (each rule echoed in single quotes, as the module writes it) are here.
  for (const auto& command : audit_service_commands(config, "\"$rulesfile\"")) {
    if (!loads_rules(config)) {
      script += command + "\n";
    } else if (command == "auditctl -D") {
      script += "# Clear out any rules we may start with\n" + command + "\n";
    } else if (command.rfind("auditctl -R ", 0) == 0) {
      script += "# Put the rules in a temporary file owned and only readable by root\nrulesfile=\"$(mktemp)\"\n";
      for (const auto& rule : config.rules) script += "echo '" + rule + "' >> $rulesfile\n";
      script += "# Apply the requested rules\n" + command + "\n";
    } else {
      script += "# Enable and configure auditing\n" + command + "\n";
    }
  }
  return script;
}

std::string audit_stop_script(const UnitPaths& paths) {
  return "#!" + paths.shell + " -eu\n# Clear the rules\nauditctl -D\n# Disable auditing\nauditctl -e 0\n";
}

}  // namespace auditvm::nixos
