// A systemd guest that boots a configuration as NixOS does, watched directly (both arches, one
// boot each): the module's kernel parameters on /proc/cmdline, journald's audit socket taking the
// records when auditd is off, and stopping audit-rules-nixos disabling auditing (its ExecStopPost),
// as nixpkgs' own audit test asserts.
#include <gtest/gtest.h>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "nixos/config.hpp"
#include "scenario/guest_commands.hpp"
#include "scenario/systemd_guest.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class SystemdBoot : public testing::TestWithParam<Arch> {};

TEST_P(SystemdBoot, KernelParamsJournaldAuditSocketAndStoppingTheRulesUnit) {
  auto base = image::find_image(GetParam(), image::with_init(image::default_suite(), image::GuestInit::systemd));
  ASSERT_TRUE(base) << "build the image first: auditvm image build --arch all --guest systemd";
  auto config = nixos::load_config(nlohmann::json::parse(R"({"security":{"audit":{"enable":true,"backlogLimit":4096,
      "rules":["-w /etc/auditvm-probe -p wa -k jprobe",
      "-a always,exit -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k privileged-usermod"]},"auditd":{"enable":false}}})"), "config.json");
  auto manifest = scenario::configured_systemd_guest(*base, config);
  EXPECT_TRUE(manifest.configuration_built_in);
  const fs::path logs = test::make_temp_dir("systemd-boot");
  machine::BootOptions boot;
  boot.console_log = logs / "console.log";
  boot.accel = machine::Accel::tcg;
  auto guest = machine::make_machine(manifest, boot, {});
  guest->boot();
  auto run = [&](const std::string& command) { return guest->run(command, 120s); };
  ASSERT_EQ(run(scenario::booted_configuration_settle_script(false)).exit_status, 0);
  // Not a first boot every time: the image's /etc/machine-id is empty (as an image meant to be
  // copied has it), so systemd makes up an ID without the first-boot preset pass over /etc (1.8 s
  // of each boot under TCG).
  EXPECT_EQ(run("journalctl -b -o cat --no-pager _PID=1 | grep -c 'Detected first boot'").out, "0\n");
  EXPECT_EQ(run("wc -c < /etc/machine-id").out, "33\n");

  // The module's parameters, from the manifest onto the kernel's command line.
  EXPECT_NE((" " + run("cat /proc/cmdline").out).find(" audit=1 audit_backlog_limit=4096"), std::string::npos);
  auto status = run("auditctl -s").out;
  EXPECT_NE(status.find("enabled 1\n"), std::string::npos) << status;
  EXPECT_NE(status.find("backlog_limit 4096\n"), std::string::npos) << status;
  EXPECT_EQ(run("systemctl is-active audit-rules-nixos.service").out, "active\n");
  // The STIG's path rules name /run/current-system/sw/bin, linked before the rules load (NixOS's
  // stage 2 links it before systemd starts), so they load at boot as on NixOS.
  EXPECT_EQ(run("readlink /run/current-system").out, "/opt/auditvm/system\n");
  EXPECT_NE(run("auditctl -l").out.find("path=/run/current-system/sw/bin/usermod"), std::string::npos) << run("auditctl -l").out;

  // No auditd: journald's audit socket takes the records into the journal.
  ASSERT_EQ(run("touch /etc/auditvm-probe").exit_status, 0);
  auto journal = run("i=0; until journalctl -b -o cat --no-pager _TRANSPORT=audit | grep -q 'key=\"jprobe\"'; do "
                     "[ $i -lt 50 ] || exit 1; sleep 0.1; i=$((i+1)); done");
  EXPECT_EQ(journal.exit_status, 0) << run("journalctl -b -o cat --no-pager _TRANSPORT=audit | tail -5").out;

  // Stopping the unit runs its ExecStopPost: auditctl -e 0, then -D.
  ASSERT_EQ(run("systemctl stop audit-rules-nixos.service").exit_status, 0);
  EXPECT_NE(run("auditctl -s").out.find("enabled 0\n"), std::string::npos);
  EXPECT_EQ(run("auditctl -l").out, "No rules\n");
  guest.reset();
  fs::remove_all(logs);
}

INSTANTIATE_TEST_SUITE_P(Arches, SystemdBoot, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm
