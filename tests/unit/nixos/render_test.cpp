// The rendering of configurations, byte for byte against what nixpkgs' modules produce
// (../shared/notes/nixos-audit-module.md and nixos/modules/security/audit{,d}.nix).
#include <gtest/gtest.h>

#include <sstream>

#include "nixos/render.hpp"
#include "support/config_text.hpp"

namespace auditvm::nixos {
namespace {


const std::string kB32 = "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng";
const std::string kB64 = "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng";

TEST(RenderRules, TheStigFixWithDefaultsIsTheNotesFileByteForByte) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true,"rules":[")" + kB32 + R"(",")" + kB64 + R"("]},"auditd":{"enable":true}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 1\n-r 0\n" + kB32 + "\n" + kB64 + "\n\n-e 1\n");
  EXPECT_EQ(kernel_params(config), (std::vector<std::string>{"audit=1", "audit_backlog_limit=1024"}));
  EXPECT_TRUE(loads_rules(config));
  EXPECT_TRUE(runs_auditd(config));
}

TEST(RenderRules, FirstRuleLineIsWhereTheRulesStart) {
  for (auto module : {ModuleVersion::current, ModuleVersion::nixos_24_11}) {
    auto config = test::config_from_text(R"({"security":{"audit":{"enable":true,"rules":[")" + kB32 + R"(",")" + kB64 + R"("]}}})", module);
    std::vector<std::string> lines;
    std::istringstream text(render_rules(config));
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    ASSERT_GE(lines.size(), static_cast<std::size_t>(first_rule_line(config) + 1));
    EXPECT_EQ(lines[static_cast<std::size_t>(first_rule_line(config)) - 1], kB32);
    EXPECT_EQ(lines[static_cast<std::size_t>(first_rule_line(config))], kB64);
  }
}

TEST(RenderRules, LockPanicAndTunedLimits) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":"lock","failureMode":"panic","backlogLimit":8192,"rateLimit":200}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 8192\n-f 2\n-r 200\n\n-e 2\n");
  EXPECT_EQ(kernel_params(config), (std::vector<std::string>{"audit=1", "audit_backlog_limit=8192"}));
}

TEST(RenderRules, SilentWithNoRulesKeepsTheEmptyLine) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true,"failureMode":"silent","rules":[]}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 0\n-r 0\n\n-e 1\n");
}

TEST(RenderRules, DisabledWritesNothingRunsNothingAndAddsNoKernelParameters) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":false,"rules":["-a always,exit -S init_module"]}}})");
  EXPECT_EQ(render_rules(config), "");
  EXPECT_TRUE(kernel_params(config).empty());
  EXPECT_TRUE(audit_service_commands(config, "/etc/audit/audit.rules").empty());
  EXPECT_FALSE(loads_rules(config));
}

TEST(RenderRules, RulesKeepTheirDefinitionOrderAsMkAfterLeavesThem) {
  // Rules added with lib.mkAfter come after the others in definition order; in JSON that is list order.
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true,"rules":["-a never,exit -S finit_module","-a always,exit -S all","-w /etc -p wa"]}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 1\n-r 0\n-a never,exit -S finit_module\n-a always,exit -S all\n-w /etc -p wa\n\n-e 1\n");
}

TEST(RenderRules, TheServiceLoadsTheFileWithAuditctlR) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true}}})");
  EXPECT_EQ(audit_service_commands(config, "/etc/audit/audit.rules"), (std::vector<std::string>{"auditctl -R /etc/audit/audit.rules"}));
}

TEST(RenderRules, AFailedServiceTurnsAuditingOffAndDeletesWhatLoaded) {
  // ExecStopPost runs after a failing ExecStart too: the rules before a bad line do not stay.
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true}}})");
  EXPECT_EQ(audit_service_failure_commands(config), (std::vector<std::string>{"auditctl -e 0", "auditctl -D"}));
  EXPECT_TRUE(audit_service_failure_commands(test::config_from_text(R"({"security":{"audit":{"enable":false}}})")).empty());
  // 24.11's ExecStop (audit-stop) runs only after a start that succeeded: the partial load stays.
  EXPECT_TRUE(audit_service_failure_commands(test::config_from_text(R"({"security":{"audit":{"enable":true}}})", ModuleVersion::nixos_24_11)).empty());
}

TEST(RenderRules, AuditdAloneTurnsAuditingOnAsTheModulesMkDefaultDoes) {
  auto config = test::config_from_text(R"({"security":{"auditd":{"enable":true}}})");
  EXPECT_EQ(config.audit_enable, AuditEnable::on);
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 1\n-r 0\n\n-e 1\n");
  // An explicit definition wins over the module's default.
  EXPECT_EQ(test::config_from_text(R"({"security":{"audit":{"enable":false},"auditd":{"enable":true}}})").audit_enable, AuditEnable::off);
}

TEST(RenderKernelParams, BootKernelParamsComeAfterTheModules) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":true}},"boot":{"kernelParams":["audit_backlog_limit=8192","quiet"]}})");
  EXPECT_EQ(kernel_params(config), (std::vector<std::string>{"audit=1", "audit_backlog_limit=1024", "audit_backlog_limit=8192", "quiet"}));
}

TEST(Render2411, TheStartScriptFillsATemporaryFileThenSetsTheFlags) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":"lock","failureMode":"panic","rules":[")" + kB64 + R"("]}}})",
                     ModuleVersion::nixos_24_11);
  EXPECT_EQ(config.backlog_limit, 64);  // the kernel's default, before it became 1024
  EXPECT_EQ(render_rules(config), kB64 + "\n");
  EXPECT_EQ(audit_service_commands(config, "/tmp/rules"),
            (std::vector<std::string>{"auditctl -D", "auditctl -R /tmp/rules", "auditctl -e 2 -b 64 -f 2 -r 0"}));
  EXPECT_TRUE(kernel_params(config).empty());
}

TEST(Render2411, DisabledStillRunsTheServiceToTurnAuditingOff) {
  auto config = test::config_from_text(R"({"security":{"audit":{"enable":false},"auditd":{"enable":true}}})", ModuleVersion::nixos_24_11);
  EXPECT_EQ(render_rules(config), "");
  EXPECT_EQ(audit_service_commands(config, "/tmp/rules"), (std::vector<std::string>{"auditctl -D", "auditctl -e 0 -a task,never"}));
  EXPECT_EQ(kernel_params(config), (std::vector<std::string>{"audit=1"}));  // from the old auditd module
  EXPECT_EQ(config.audit_enable, AuditEnable::off);                        // the old auditd did not turn auditing on
  EXPECT_EQ(render_auditd_conf(config), "");                               // nor write auditd.conf
}

TEST(RenderAuditd, ConfHasTheModulesDefaultsSortedWithBooleansAsYesNoAndNullsCommentedOut) {
  auto config = test::config_from_text(R"({"security":{"auditd":{"enable":true,"settings":{"write_logs":true,"log_format":"ENRICHED","flush":null,"num_logs":5,"space_left":"25%","admin_space_left":"5%"}}}})");
  EXPECT_EQ(render_auditd_conf(config),
            "admin_space_left = 5%\n#flush =\nlog_format = ENRICHED\nnum_logs = 5\nplugin_dir = /etc/audit/plugins.d\nspace_left = 25%\nwrite_logs = yes\n");
  EXPECT_EQ(render_auditd_conf(test::config_from_text(R"({"security":{"auditd":{"enable":false,"settings":{"num_logs":5}}}})")), "");
}

TEST(RenderAuditd, PluginsMergeWithTheOnesTheModuleDefines) {
  auto config = test::config_from_text(R"({"security":{"auditd":{"enable":true,"plugins":{
      "syslog":{"active":true,"args":["LOG_WARNING"]},
      "mine":{"path":"/run/current-system/sw/bin/my-plugin","settings":{"port":60}}}}}})");
  auto files = render_auditd_plugin_files(config);
  // The module's syslog plugin with the user's definition merged in: args concatenated.
  EXPECT_EQ(files.at("audit/plugins.d/syslog.conf"),
            "active = yes\nargs = LOG_INFO LOG_WARNING\ndirection = out\nformat = string\npath = /nix/store/<audit>/bin/audisp-syslog\ntype = always\n");
  EXPECT_EQ(files.at("audit/plugins.d/mine.conf"),
            "active = no\n#args =\ndirection = out\nformat = string\npath = /run/current-system/sw/bin/my-plugin\ntype = always\n");
  EXPECT_EQ(files.at("audit/audisp-mine.conf"), "port = 60\n");
  EXPECT_EQ(files.at("audit/audisp-remote.conf"), "");  // the module's remote plugin has empty settings
  EXPECT_EQ(files.count("audit/audisp-syslog.conf"), 0u);
  EXPECT_EQ(files.size(), 8u);  // af_unix, filter, mine, remote, syslog; filter, mine and remote with settings
}

TEST(RenderSysctl, NullsAreLeftOutAndBooleansBecomeDigits) {
  auto config = test::config_from_text(R"({"boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":0,"net.ipv4.tcp_syncookies":false,"kernel.sysrq":true,"vm.swappiness":null,"kernel.core_pattern":"core"}}}})");
  EXPECT_EQ(render_sysctl_conf(config), "kernel.core_pattern=core\nkernel.printk_ratelimit=0\nkernel.sysrq=1\nnet.ipv4.tcp_syncookies=0\n");
  EXPECT_EQ(config.sysctl.count("vm.swappiness"), 0u);
}

}  // namespace
}  // namespace auditvm::nixos
