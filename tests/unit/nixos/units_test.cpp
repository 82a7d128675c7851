// The systemd units of NixOS's security.audit and security.auditd modules, against the modules'
// texts (nixpkgs nixos/modules/security/audit.nix and auditd.nix, current and NixOS 24.11).
#include <gtest/gtest.h>

#include "nixos/units.hpp"
#include "support/config_text.hpp"

namespace auditvm::nixos {
namespace {


const UnitPaths kPaths{"/sbin", "/bin/bash", "/bin/mkdir", "/etc/nixos/audit.rules", "/etc/nixos/audit-start", "/etc/nixos/audit-stop",
                       "/usr/sbin:/usr/bin:/sbin:/bin"};

bool has(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

TEST(AuditUnits, CurrentModuleAuditRulesNixos) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true}}})");
  auto units = render_units(config, kPaths);
  ASSERT_EQ(units.size(), 1U);
  const auto& unit = units[0];
  EXPECT_EQ(unit.name, "audit-rules-nixos.service");
  EXPECT_EQ(audit_unit_name(config), "audit-rules-nixos.service");
  EXPECT_EQ(unit.wanted_by, "sysinit.target");
  for (const char* line : {"[Unit]", "Description=Load Audit Rules", "Before=sysinit.target shutdown.target", "Conflicts=shutdown.target",
                           "DefaultDependencies=false", "ConditionVirtualization=!container", "ConditionKernelCommandLine=!audit=0",
                           "ConditionKernelCommandLine=!audit=off", "[Service]", "Type=oneshot", "RemainAfterExit=true",
                           "ExecStart=/sbin/auditctl -R /etc/nixos/audit.rules", "ExecStopPost=/sbin/auditctl -e 0", "ExecStopPost=/sbin/auditctl -D"})
    EXPECT_TRUE(has("\n" + unit.text, line)) << line << "\n" << unit.text;
  // -e 0 before -D, as the module lists them.
  EXPECT_LT(unit.text.find("auditctl -e 0"), unit.text.find("auditctl -D"));
}

TEST(AuditUnits, CurrentModuleDisabledHasNoUnits) {
  EXPECT_TRUE(render_units(test::config_from_text(R"({"security":{"audit":{"enable":false}}})"), kPaths).empty());
  EXPECT_EQ(audit_unit_name(test::config_from_text(R"({"security":{"audit":{"enable":false}}})")), "");
}

TEST(AuditUnits, CurrentAuditd) {
  auto units = render_units(test::config_from_text(R"({"security":{"auditd":{"enable":true}}})"), kPaths);
  ASSERT_EQ(units.size(), 2U);
  const auto& unit = units[1];
  EXPECT_EQ(unit.name, "auditd.service");
  EXPECT_EQ(unit.wanted_by, "sysinit.target");
  for (const char* line : {"Description=Security Audit Logging Service", "Documentation=man:auditd(8)",
                           "After=local-fs.target systemd-tmpfiles-setup.service", "Before=sysinit.target shutdown.target",
                           "Conflicts=shutdown.target", "DefaultDependencies=false", "RefuseManualStop=true", "ConditionVirtualization=!container",
                           "ConditionKernelCommandLine=!audit=0", "ConditionKernelCommandLine=!audit=off", "LogsDirectory=audit",
                           "ExecStart=/sbin/auditd -l -n -s nochange", "Restart=on-failure", "RestartPreventExitStatus=2 4 6",
                           "MemoryDenyWriteExecute=true", "LockPersonality=true", "RestrictRealtime=true"})
    EXPECT_TRUE(has("\n" + unit.text, line)) << line << "\n" << unit.text;
}

TEST(AuditUnits, NixOS2411AuditServiceAndItsStartScript) {
  const std::string rule = "-a always,exit -F arch=b64 -S init_module -k module_chng";
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":"lock","rules":[")" + rule + R"("]}}})", ModuleVersion::nixos_24_11);
  auto units = render_units(config, kPaths);
  ASSERT_EQ(units.size(), 1U);
  EXPECT_EQ(units[0].name, "audit.service");
  EXPECT_EQ(audit_unit_name(config), "audit.service");
  EXPECT_EQ(units[0].wanted_by, "basic.target");
  for (const char* line : {"Description=Kernel Auditing", "ConditionVirtualization=!container", "ConditionSecurity=audit", "Type=oneshot",
                           "RemainAfterExit=true", "ExecStart=@/etc/nixos/audit-start audit-start", "ExecStop=@/etc/nixos/audit-stop audit-stop",
                           "Environment=PATH=/usr/sbin:/usr/bin:/sbin:/bin"})
    EXPECT_TRUE(has("\n" + units[0].text, line)) << line << "\n" << units[0].text;
  EXPECT_EQ(audit_start_script(config, kPaths), "#!/bin/bash -eu\n"
                                                "# Clear out any rules we may start with\n"
                                                "auditctl -D\n"
                                                "# Put the rules in a temporary file owned and only readable by root\n"
                                                "rulesfile=\"$(mktemp)\"\n"
                                                "echo '" + rule + "' >> $rulesfile\n"
                                                "# Apply the requested rules\n"
                                                "auditctl -R \"$rulesfile\"\n"
                                                "# Enable and configure auditing\n"
                                                "auditctl -e 2 -b 64 -f 1 -r 0\n");
  EXPECT_EQ(audit_stop_script(kPaths), "#!/bin/bash -eu\n# Clear the rules\nauditctl -D\n# Disable auditing\nauditctl -e 0\n");
}

TEST(AuditUnits, NixOS2411DisabledStillRunsTheDisableScript) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":false}}})", ModuleVersion::nixos_24_11);
  ASSERT_EQ(render_units(config, kPaths).size(), 1U);
  EXPECT_EQ(audit_start_script(config, kPaths),
            "#!/bin/bash -eu\n# Explicitly disable everything, as otherwise journald might start it.\nauditctl -D\nauditctl -e 0 -a task,never\n");
}

TEST(AuditUnits, NixOS2411Auditd) {
  auto units = render_units(test::config_from_text(R"({"security":{"audit":{"enable":true},"auditd":{"enable":true}}})", ModuleVersion::nixos_24_11), kPaths);
  ASSERT_EQ(units.size(), 2U);
  EXPECT_EQ(units[1].name, "auditd.service");
  EXPECT_EQ(units[1].wanted_by, "basic.target");
  for (const char* line : {"Description=Linux Audit daemon", "Before=shutdown.target", "Conflicts=shutdown.target", "DefaultDependencies=false",
                           "ConditionVirtualization=!container", "ConditionSecurity=audit", "ExecStartPre=/bin/mkdir -p /var/log/audit",
                           "ExecStart=/sbin/auditd -l -n -s nochange"})
    EXPECT_TRUE(has("\n" + units[1].text, line)) << line << "\n" << units[1].text;
  EXPECT_EQ(units[1].text.find("Restart="), std::string::npos);  // 24.11's auditd is not restarted
}

}  // namespace
}  // namespace auditvm::nixos
