#include "machine/libvirt/domain_xml.hpp"

#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "core/arch_table.hpp"

namespace auditvm::machine {

std::string domain_xml(const DomainSpec& spec) {
  const auto& arch = arch_info(spec.manifest->arch);
  pugi::xml_document doc;
  auto domain = doc.append_child("domain");
  domain.append_attribute("type") = spec.kvm ? "kvm" : "qemu";
  domain.append_child("name").text() = spec.name.c_str();
  auto memory = domain.append_child("memory");
  memory.append_attribute("unit") = "MiB";
  memory.text() = spec.memory_mib;
  domain.append_child("vcpu").text() = 1;

  auto os = domain.append_child("os");
  auto type = os.append_child("type");
  type.append_attribute("arch") = std::string(arch.name).c_str();
  type.append_attribute("machine") = std::string(arch.qemu_machine).c_str();
  type.text() = "hvm";
  os.append_child("kernel").text() = spec.kernel.c_str();
  os.append_child("initrd").text() = spec.initrd.c_str();
  os.append_child("cmdline").text() = spec.kernel_command_line.c_str();

  auto cpu = domain.append_child("cpu");
  if (spec.kvm) {
    cpu.append_attribute("mode") = "host-passthrough";
  } else if (arch.libvirt_tcg_cpu_model.empty()) {
    cpu.append_attribute("mode") = "maximum";
  } else {
    cpu.append_attribute("mode") = "custom";
    cpu.append_attribute("match") = "exact";
    cpu.append_child("model").text() = std::string(arch.libvirt_tcg_cpu_model).c_str();
  }
  // Without <acpi/> libvirt passes -no-acpi, and an ACPI guest's poweroff would hang.
  if (arch.acpi) domain.append_child("features").append_child("acpi");
  for (const char* event : {"on_poweroff", "on_reboot", "on_crash"}) domain.append_child(event).text() = "destroy";

  auto devices = domain.append_child("devices");
  auto serial = devices.append_child("serial");
  serial.append_attribute("type") = "file";
  serial.append_child("source").append_attribute("path") = spec.console_log.c_str();
  auto console = devices.append_child("console");
  console.append_attribute("type") = "unix";
  auto source = console.append_child("source");
  source.append_attribute("mode") = "connect";
  source.append_attribute("path") = spec.channel_socket.c_str();
  console.append_child("target").append_attribute("type") = "virtio";
  for (const auto& dir : spec.manifest->shared_directories) {
    auto fs = devices.append_child("filesystem");
    fs.append_attribute("type") = "mount";
    fs.append_attribute("accessmode") = "passthrough";
    fs.append_child("source").append_attribute("dir") = dir.host_path.c_str();
    fs.append_child("target").append_attribute("dir") = dir.mount_tag.c_str();
    fs.append_child("readonly");
  }
  auto usb = devices.append_child("controller");
  usb.append_attribute("type") = "usb";
  usb.append_attribute("model") = "none";
  devices.append_child("memballoon").append_attribute("model") = "none";

  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

}  // namespace auditvm::machine
