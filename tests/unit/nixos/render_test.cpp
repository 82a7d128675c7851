#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "nixos/render.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;

NixosConfig load(const std::string& text) { return load_config(json::parse(text), "config.json"); }

const char* kRule = "-a always,exit -F arch=b64 -S init_module -k m";

TEST(Render, DefaultsMatchNixosByteForByte) {
  auto config = load(R"({"security":{"audit":{"enable":true,"rules":[")" + std::string(kRule) + R"("]}}})");
  EXPECT_EQ(render_rules(config), std::string("-D\n-b 1024\n-f 1\n-r 0\n") + kRule + "\n\n-e 1\n");
  EXPECT_EQ(kernel_params(config), (std::vector<std::string>{"audit=1", "audit_backlog_limit=1024"}));
}

TEST(Render, LockPanicAndTunedLimits) {
  auto config = load(R"({"security":{"audit":{"enable":"lock","failureMode":"panic","backlogLimit":8192,"rateLimit":200,"rules":[]}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 8192\n-f 2\n-r 200\n\n-e 2\n");
  EXPECT_EQ(kernel_params(config)[1], "audit_backlog_limit=8192");
}

TEST(Render, SilentAndEmptyRules) {
  auto config = load(R"({"security":{"audit":{"enable":true,"failureMode":"silent"}}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 0\n-r 0\n\n-e 1\n");
}

TEST(Render, DisabledWritesNothingAndAddsNoKernelParameters) {
  auto config = load(R"({"security":{"audit":{"enable":false,"rules":["-a always,exit -S init_module"]}}})");
  EXPECT_EQ(render_rules(config), "");
  EXPECT_TRUE(kernel_params(config).empty());
  EXPECT_FALSE(loads_rules(config));
}

TEST(Render, RulesKeepTheirOrderAndSysctlsAndAuditdAreRead) {
  auto config = load(R"({"security":{"audit":{"enable":true,"rules":["-a never,exit -S finit_module","-a always,exit -S all"]},"auditd":{"enable":true}},
                        "boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":0}},"kernelParams":["audit_backlog_limit=8192"]}})");
  EXPECT_EQ(render_rules(config), "-D\n-b 1024\n-f 1\n-r 0\n-a never,exit -S finit_module\n-a always,exit -S all\n\n-e 1\n");
  EXPECT_TRUE(runs_auditd(config));
  EXPECT_EQ(config.sysctl.at("kernel.printk_ratelimit"), "0");
  EXPECT_EQ(kernel_params(config).back(), "audit_backlog_limit=8192");
}

void expect_error(const std::string& text, const std::string& pointer, const std::string& message) {
  try {
    load(text);
    FAIL() << "accepted " << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "config.json");
    EXPECT_EQ(e.where().field, pointer);
    EXPECT_EQ(e.detail(), message);
  }
}

TEST(Config, TypeErrorsReadLikeNixos) {
  expect_error(R"({"security":{"audit":{"rules":[42]}}})", "/security/audit/rules/0",
               "A definition for option `security.audit.rules.\"[definition 1-entry 1]\"' is not of type `string'.");
  expect_error(R"({"security":{"audit":{"failureMode":"explode"}}})", "/security/audit/failureMode",
               "A definition for option `security.audit.failureMode' is not of type `one of \"silent\", \"printk\", \"panic\"'.");
  expect_error(R"({"security":{"audit":{"enable":"yes"}}})", "/security/audit/enable",
               "A definition for option `security.audit.enable' is not of type `one of false, true, \"lock\"'.");
  expect_error(R"({"security":{"audit":{"rulez":[]}}})", "/security/audit/rulez", "The option `security.audit.rulez' does not exist.");
}

}  // namespace
}  // namespace auditvm::nixos
