#include "report/target.hpp"

#include <array>

#include "core/json_file.hpp"

namespace auditvm::report {
namespace {

constexpr std::array<const char*, 4> kRoles = {"None", "Workstation", "Member Server", "Domain Controller"};

struct Field {
  const char* name;
  std::optional<std::string> TargetData::*member;
};
constexpr std::array<Field, 6> kFields = {{{"host_name", &TargetData::host_name},
                                           {"fqdn", &TargetData::fqdn},
                                           {"ip_address", &TargetData::ip_address},
                                           {"mac_address", &TargetData::mac_address},
                                           {"role", &TargetData::role},
                                           {"comments", &TargetData::comments}}};

}  // namespace

TargetData TargetData::overridden_by(const TargetData& other) const {
  TargetData out = *this;
  for (const auto& field : kFields)
    if (other.*field.member) out.*field.member = other.*field.member;
  return out;
}

void check_host_name(const std::string& host_name, const InputLocation& where) {
  if (host_name.empty()) throw InputError(where, "is empty: STIG Manager needs a host name");
  if (host_name.size() > 255) throw InputError(where, "is longer than 255 bytes, more than STIG Manager takes for a host name");
  if (host_name == "." || host_name == ".." || host_name.find_first_of(std::string("/\0", 2)) != std::string::npos)
    throw InputError(where, "'" + host_name + "' cannot name the checklist files (cklb/<host name>.cklb): no '/', not . or ..");
}

void check_role(const std::string& role, const InputLocation& where) {
  for (const char* known : kRoles)
    if (role == known) return;
  throw InputError(where, "unknown role '" + role + "' (expected None, Workstation, Member Server or Domain Controller)");
}

TargetData load_target_file(const std::filesystem::path& file) {
  auto document = read_json_document(file, "target file");
  const auto& value = document.value;
  const std::string name = file.string();
  try {
    if (!value.is_object()) throw InputError({name, 0, ""}, "expected an object of target fields");
    TargetData out;
    for (const auto& [key, item] : value.items()) {
      const Field* field = nullptr;
      for (const auto& f : kFields)
        if (key == f.name) field = &f;
      if (!field)
        throw InputError({name, 0, "/" + key}, "unknown target field (expected host_name, fqdn, ip_address, mac_address, role or comments)");
      out.*field->member = json_field<std::string>(value, key, {name, 0, ""});
    }
    if (out.host_name) check_host_name(*out.host_name, {name, 0, "/host_name"});
    if (out.role) check_role(*out.role, {name, 0, "/role"});
    return out;
  } catch (const InputError& error) {
    throw document.lines.locate(error);
  }
}

ChecklistTarget cell_target(const CellResult& cell, const TargetData& given) {
  return with_given({"auditvm " + cell.id(), "auditvm-" + cell.id(), cell.description}, given);
}

ChecklistTarget with_given(ChecklistTarget target, const TargetData& given) {
  if (given.host_name) target.host_name = *given.host_name;
  if (given.comments) target.comments = *given.comments;
  if (given.fqdn) target.fqdn = *given.fqdn;
  if (given.ip_address) target.ip_address = *given.ip_address;
  if (given.mac_address) target.mac_address = *given.mac_address;
  if (given.role) target.role = *given.role;
  return target;
}

}  // namespace auditvm::report
