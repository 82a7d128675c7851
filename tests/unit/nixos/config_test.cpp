// Validation of configuration fragments: NixOS's own messages, the JSON path and the line.
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "nixos/config.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;

InputError error_of(const std::string& text, ModuleVersion module = ModuleVersion::current, const std::string& prefix = "") {
  try {
    load_config(json::parse(text), "config.json", prefix, module);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted " << text;
  return InputError({}, "");
}

void expect_error(const std::string& text, const std::string& pointer, const std::string& message,
                  ModuleVersion module = ModuleVersion::current) {
  auto e = error_of(text, module);
  EXPECT_EQ(e.where().file, "config.json");
  EXPECT_EQ(e.where().field, pointer);
  EXPECT_EQ(e.detail(), message);
}

TEST(ConfigErrors, TheExamplesFromTheNotesReadAsNixosWritesThem) {
  expect_error(R"({"security":{"audit":{"rules":[42]}}})", "/security/audit/rules/0",
               "A definition for option `security.audit.rules.\"[definition 1-entry 1]\"' is not of type `string'.");
  expect_error(R"({"security":{"audit":{"failureMode":"explode"}}})", "/security/audit/failureMode",
               "A definition for option `security.audit.failureMode' is not of type `one of \"silent\", \"printk\", \"panic\"'.");
  expect_error(R"({"security":{"audit":{"enable":"yes"}}})", "/security/audit/enable",
               "A definition for option `security.audit.enable' is not of type `one of false, true, \"lock\"'.");
  expect_error(R"({"security":{"audit":{"rulez":[]}}})", "/security/audit/rulez", "The option `security.audit.rulez' does not exist.");
}

TEST(ConfigErrors, ComposedTypesAreDescribedAsLibTypesDescribesThem) {
  expect_error(R"({"security":{"audit":{"rules":"-a always,exit"}}})", "/security/audit/rules",
               "A definition for option `security.audit.rules' is not of type `list of string'.");
  expect_error(R"({"security":{"audit":{"backlogLimit":"8192"}}})", "/security/audit/backlogLimit",
               "A definition for option `security.audit.backlogLimit' is not of type `signed integer'.");
  expect_error(R"({"security":{"auditd":{"settings":{"log_file":""}}}})", "/security/auditd/settings/log_file",
               "A definition for option `security.auditd.settings.log_file' is not of type "
               "`null or boolean or non-empty string or absolute path or signed integer'.");
  expect_error(R"({"security":{"auditd":{"settings":{"admin_space_left":"5"}}}})", "/security/auditd/settings/admin_space_left",
               "A definition for option `security.auditd.settings.admin_space_left' is not of type "
               "`signed integer or string matching the pattern [0-9]+%'.");
  expect_error(R"({"security":{"auditd":{"settings":[]}}})", "/security/auditd/settings",
               "A definition for option `security.auditd.settings' is not of type "
               "`open submodule of attribute set of (null or boolean or non-empty string or absolute path or signed integer)'.");
  expect_error(R"({"security":{"auditd":{"plugins":{"x":{"direction":"sideways"}}}}})", "/security/auditd/plugins/x/direction",
               "A definition for option `security.auditd.plugins.x.direction' is not of type `one of \"in\", \"out\"'.");
  expect_error(R"({"security":{"auditd":{"plugins":{"x":{"args":"a"}}}}})", "/security/auditd/plugins/x/args",
               "A definition for option `security.auditd.plugins.x.args' is not of type `null or (list of non-empty string)'.");
  expect_error(R"({"security":{"auditd":{"plugins":[]}}})", "/security/auditd/plugins",
               "A definition for option `security.auditd.plugins' is not of type `attribute set of (submodule)'.");
  expect_error(R"({"boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":[0]}}}})", "/boot/kernel/sysctl/kernel.printk_ratelimit",
               "A definition for option `boot.kernel.sysctl.\"kernel.printk_ratelimit\"' is not of type `sysctl option value'.");
  expect_error(R"({"boot":{"kernel":{"sysctl":{"net.core.rmem_max":-1}}}})", "/boot/kernel/sysctl/net.core.rmem_max",
               "A definition for option `boot.kernel.sysctl.\"net.core.rmem_max\"' is not of type `null or (unsigned integer, meaning >=0)'.");
  expect_error(R"({"boot":{"kernelParams":["audit=1","a b"]}})", "/boot/kernelParams/1",
               "A definition for option `boot.kernelParams.\"[definition 1-entry 2]\"' is not of type `string, with spaces inside double quotes'.");
}

TEST(ConfigErrors, NamespacesMustBeAttributeSets) {
  expect_error(R"({"security":"on"})", "/security", "value is a string while a set was expected");
  expect_error(R"([1])", "/", "value is a list while a set was expected");
  expect_error(R"({"services":{}})", "/services", "The option `services' does not exist.");
}

TEST(ConfigErrors, WhatTheAuditdModuleChecksWhenEnabled) {
  expect_error(R"({"security":{"auditd":{"enable":true,"settings":{"space_left":50}}}})", "/security/auditd/settings/space_left",
               "Failed assertions:\n- `security.auditd.settings.space_left` must be larger than `security.auditd.settings.admin_space_left`");
  expect_error(R"({"security":{"auditd":{"enable":true,"plugins":{"mine":{"active":true}}}}})", "/security/auditd/plugins/mine/path",
               "The option `security.auditd.plugins.mine.path' was accessed but has no value defined. Try setting the option.");
  expect_error(R"({"security":{"auditd":{"enable":true,"plugins":{"af_unix":{"format":"string"}}}}})", "/security/auditd/plugins/af_unix/format",
               "The option `security.auditd.plugins.af_unix.format' has conflicting definition values:\n"
               "- In `nixos/modules/security/auditd.nix': \"binary\"\n- In `config.json': \"string\"");
  expect_error(R"({"security":{"auditd":{"plugins":{"x":{"type":"always"}}}}})", "/security/auditd/plugins/x/type",
               "The option `security.auditd.plugins.x.type' is read-only, but it's set multiple times.");
  // Disabled, the module defines and checks nothing.
  EXPECT_NO_THROW(load_config(json::parse(R"({"security":{"auditd":{"enable":false,"settings":{"space_left":50},"plugins":{"mine":{}}}}})"),
                              "config.json"));
}

TEST(ConfigErrors, NixOS2411HasNoAuditdSettings) {
  expect_error(R"({"security":{"auditd":{"enable":true,"settings":{}}}})", "/security/auditd/settings",
               "The option `security.auditd.settings' does not exist.", ModuleVersion::nixos_24_11);
}

TEST(ConfigErrors, EmbeddedFragmentsNameTheirPlaceInTheEnclosingFile) {
  auto e = error_of(R"({"security":{"audit":{"enable":1}}})", ModuleVersion::current, "/configurations/3/nixos");
  EXPECT_EQ(e.where().field, "/configurations/3/nixos/security/audit/enable");
  // Attribute names are escaped as JSON pointers escape them.
  e = error_of(R"({"boot":{"kernel":{"sysctl":{"a/b":[]}}}})");
  EXPECT_EQ(e.where().field, "/boot/kernel/sysctl/a~1b");
}

TEST(ConfigErrors, AFileNamesTheLineOfTheWrongValue) {
  try {
    load_config_file(AUDITVM_TEST_DATA "/wrong-type.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 7);
    EXPECT_EQ(e.where().field, "/security/audit/rules/1");
    EXPECT_NE(std::string(e.what()).find("wrong-type.json:7: /security/audit/rules/1: A definition for option"), std::string::npos);
  }
}

TEST(Config, DefaultsAreNixpkgsDefaults) {
  auto config = load_config(json::object(), "config.json");
  EXPECT_EQ(config.audit_enable, AuditEnable::off);
  EXPECT_EQ(config.failure_mode, FailureMode::printk);
  EXPECT_EQ(config.backlog_limit, 1024);
  EXPECT_EQ(config.rate_limit, 0);
  EXPECT_TRUE(config.rules.empty());
  EXPECT_FALSE(config.auditd_enable);
  EXPECT_TRUE(config.sysctl.empty());
  EXPECT_EQ(load_config(json::object(), "config.json", "", ModuleVersion::nixos_24_11).backlog_limit, 64);
}

TEST(Config, EveryOptionIsRead) {
  auto config = load_config(json::parse(R"({"security":{"audit":{"enable":true,"failureMode":"silent","backlogLimit":8192,"rateLimit":5,
      "rules":["-a always,exit -S all"],"package":"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-audit-4.1.2"},
      "auditd":{"enable":true,"settings":{"num_logs":5}}},"boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":0}},"kernelParams":["quiet"]}})"),
                            "config.json");
  EXPECT_EQ(config.failure_mode, FailureMode::silent);
  EXPECT_EQ(config.backlog_limit, 8192);
  EXPECT_EQ(config.rate_limit, 5);
  EXPECT_EQ(config.rules, std::vector<std::string>{"-a always,exit -S all"});
  EXPECT_EQ(config.audit_package, "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-audit-4.1.2");
  EXPECT_EQ(config.auditd_settings.at("num_logs"), "5");
  EXPECT_EQ(config.auditd_plugins.size(), 4u);  // the module's own: af_unix, filter, remote, syslog
  EXPECT_EQ(config.sysctl.at("kernel.printk_ratelimit"), "0");
  EXPECT_EQ(config.extra_kernel_params, std::vector<std::string>{"quiet"});
}

}  // namespace
}  // namespace auditvm::nixos
