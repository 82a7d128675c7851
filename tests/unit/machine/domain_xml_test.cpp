#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "machine/libvirt/domain_xml.hpp"
#include "machine/qemu/qemu_command.hpp"

namespace auditvm::machine {
namespace {

image::Manifest manifest(Arch arch) {
  image::Manifest m;
  m.arch = arch;
  m.kernel = "/img/vmlinux";
  m.initrd = "/img/initrd.cpio";
  m.shared_directories = {{"/nix/store", "nix-store", "/nix/store"}};
  return m;
}

TEST(DomainXml, DescribesTheSameGuestAsTheQemuBackend) {
  auto m = manifest(Arch::x86_64);
  DomainSpec spec{"auditvm-1-0", &m, "/run/a/vmlinux", "/run/a/initrd.cpio", "console=ttyS0 audit=1", 256, false, "/run/a/console.log", "/run/a/shell.sock"};
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(domain_xml(spec).c_str()));
  auto domain = doc.child("domain");
  EXPECT_STREQ(domain.attribute("type").value(), "qemu");
  EXPECT_STREQ(domain.child("os").child("type").attribute("machine").value(), "q35");
  EXPECT_STREQ(domain.child("os").child_value("cmdline"), "console=ttyS0 audit=1");
  EXPECT_STREQ(domain.child_value("on_poweroff"), "destroy");
  EXPECT_TRUE(domain.child("features").child("acpi"));
  auto console = domain.child("devices").child("console");
  EXPECT_STREQ(console.attribute("type").value(), "unix");
  EXPECT_STREQ(console.child("source").attribute("mode").value(), "connect");
  EXPECT_STREQ(console.child("target").attribute("type").value(), "virtio");
  EXPECT_FALSE(domain.child("devices").child("interface"));  // no network
  EXPECT_TRUE(domain.child("devices").child("filesystem").child("readonly"));
}

TEST(DomainXml, Aarch64UsesVirtAndCortexA57) {
  auto m = manifest(Arch::aarch64);
  DomainSpec spec{"n", &m, "k", "i", "c", 256, false, "l", "s"};
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(domain_xml(spec).c_str()));
  EXPECT_STREQ(doc.child("domain").child("os").child("type").attribute("machine").value(), "virt");
  EXPECT_STREQ(doc.child("domain").child("cpu").child_value("model"), "cortex-a57");
  EXPECT_FALSE(doc.child("domain").child("features").child("acpi"));
}

TEST(QemuCommand, PerArchChoicesAndNoNetwork) {
  auto x86 = qemu_command(manifest(Arch::x86_64), 256, Accel::tcg, "console=ttyS0", "/l/console.log", "/r/shell.sock");
  auto has = [](const std::vector<std::string>& argv, const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == flag && argv[i + 1] == value) return true;
    return false;
  };
  EXPECT_EQ(x86[0], "qemu-system-x86_64");
  EXPECT_TRUE(has(x86, "-machine", "q35"));
  EXPECT_TRUE(has(x86, "-accel", "tcg"));
  EXPECT_TRUE(has(x86, "-nic", "none"));
  EXPECT_TRUE(has(x86, "-chardev", "socket,id=shell,path=/r/shell.sock"));
  EXPECT_TRUE(has(x86, "-virtfs", "local,path=/nix/store,mount_tag=nix-store,security_model=none,readonly=on"));
  auto arm = qemu_command(manifest(Arch::aarch64), 256, Accel::tcg, "console=ttyAMA0", "/l", "/s");
  EXPECT_EQ(arm[0], "qemu-system-aarch64");
  EXPECT_TRUE(has(arm, "-cpu", "cortex-a57"));
}

TEST(QemuCommand, CommasInPathsAreDoubledInOptionValues) {
  // QEMU splits option values at ',' (",," is a literal comma): a run directory under an
  // XDG_RUNTIME_DIR with a comma must not split -chardev's path.
  auto m = manifest(Arch::x86_64);
  m.shared_directories = {{"/a,b", "tag", "/x"}};
  auto argv = qemu_command(m, 256, Accel::tcg, "c", "/l,1/console.log", "/r,2/shell.sock");
  std::string all;
  for (const auto& arg : argv) all += arg + "\n";
  EXPECT_NE(all.find("socket,id=shell,path=/r,,2/shell.sock\n"), std::string::npos) << all;
  EXPECT_NE(all.find("path=/l,,1/console.log"), std::string::npos) << all;
  EXPECT_NE(all.find("local,path=/a,,b,mount_tag=tag,"), std::string::npos) << all;
  EXPECT_EQ(all.find("/r,2"), std::string::npos) << all;
}

}  // namespace
}  // namespace auditvm::machine
