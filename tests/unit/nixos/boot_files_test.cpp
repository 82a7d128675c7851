// What a systemd guest gets from a configuration: the same texts as `auditvm render`, enabled units.
#include <gtest/gtest.h>

#include "nixos/boot_files.hpp"
#include "nixos/render.hpp"

namespace auditvm::nixos {
namespace {

const BootFile* find(const BootConfiguration& boot, const std::string& path) {
  for (const auto& file : boot.files)
    if (file.path == path) return &file;
  return nullptr;
}

TEST(BootFiles, CurrentModuleWithAuditdAndSysctl) {
  auto config = load_config(nlohmann::json::parse(R"({"security":{"audit":{"enable":true,"rules":["-w /etc -p wa"]},"auditd":{"enable":true}},
                                                      "boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":0}}}})"),
                            "config.json");
  auto paths = systemd_guest_paths();
  auto boot = boot_configuration(config, paths);
  EXPECT_EQ(boot.kernel_params, kernel_params(config));
  ASSERT_TRUE(find(boot, paths.rules_file));
  EXPECT_EQ(find(boot, paths.rules_file)->contents, render_rules(config));
  ASSERT_TRUE(find(boot, "/etc/systemd/system/sysinit.target.wants/audit-rules-nixos.service"));
  EXPECT_EQ(find(boot, "/etc/systemd/system/sysinit.target.wants/audit-rules-nixos.service")->link_target,
            "/etc/systemd/system/audit-rules-nixos.service");
  ASSERT_TRUE(find(boot, "/etc/systemd/system/sysinit.target.wants/auditd.service"));
  ASSERT_TRUE(find(boot, "/etc/audit/auditd.conf"));
  EXPECT_EQ(find(boot, "/etc/audit/auditd.conf")->contents, render_auditd_conf(config));
  ASSERT_TRUE(find(boot, "/etc/sysctl.d/60-nixos.conf"));
  EXPECT_EQ(find(boot, "/etc/sysctl.d/60-nixos.conf")->contents, "kernel.printk_ratelimit=0\n");
  EXPECT_FALSE(find(boot, paths.start_script));
}

TEST(BootFiles, NixOS2411HasExecutableScriptsAndNoRulesFile) {
  auto config = load_config(nlohmann::json::parse(R"({"security":{"audit":{"enable":true}}})"), "config.json", "", ModuleVersion::nixos_24_11);
  auto paths = systemd_guest_paths();
  auto boot = boot_configuration(config, paths);
  EXPECT_FALSE(find(boot, paths.rules_file));
  ASSERT_TRUE(find(boot, paths.start_script));
  EXPECT_EQ(find(boot, paths.start_script)->mode, 0755U);
  EXPECT_TRUE(find(boot, "/etc/systemd/system/basic.target.wants/audit.service"));
  EXPECT_TRUE(boot.kernel_params.empty());
}

}  // namespace
}  // namespace auditvm::nixos
