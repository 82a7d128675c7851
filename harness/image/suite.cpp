#include "image/suite.hpp"

namespace auditvm::image {
namespace {

constexpr const char* kKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all{
      {"bookworm", "bookworm", "bookworm"},
      {"trixie", "trixie", "trixie"},
      {"sid", "sid", "sid"},
      {"trixie-backports", "trixie", "trixie-backports"},
  };
  return all;
}

std::string deb_line(const std::string& uri, const std::string& release) {
  return std::string("deb [signed-by=") + kKeyring + "] " + uri + " " + release + " main\n";
}

}  // namespace

Suite default_suite() { return suites().front(); }

std::optional<Suite> parse_suite(const std::string& name) {
  for (const auto& suite : suites())
    if (suite.name == name) return suite;
  return std::nullopt;
}

std::vector<std::string> suite_names() {
  std::vector<std::string> names;
  for (const auto& suite : suites()) names.push_back(suite.name);
  return names;
}

Suite with_init(Suite suite, GuestInit init) {
  suite.init = init;
  return suite;
}

std::optional<GuestInit> parse_init(const std::string& name) {
  for (GuestInit init : {GuestInit::busybox, GuestInit::systemd})
    if (name == init_name(init)) return init;
  return std::nullopt;
}

const char* init_name(GuestInit init) { return init == GuestInit::systemd ? "systemd" : "busybox"; }

std::string suite_tag(const Suite& suite) {
  std::string tag = suite.name == default_suite().name ? "" : "-" + suite.name;
  return suite.init == GuestInit::systemd ? tag + "-systemd" : tag;
}

std::string sources_list(const Suite& suite) {
  const std::string archive = "http://deb.debian.org/debian", security = "http://deb.debian.org/debian-security";
  std::string text = deb_line(archive, suite.userspace);
  // sid has neither updates nor security suites.
  if (suite.userspace != "sid") text += deb_line(archive, suite.userspace + "-updates") + deb_line(security, suite.userspace + "-security");
  if (suite.kernel != suite.userspace) text += deb_line(archive, suite.kernel);
  return text;
}

std::string apt_preferences(const Suite& suite) {
  if (suite.kernel == suite.userspace) return "";
  // Backports are NotAutomatic (priority 100): pin the kernel's packages (by codename, n=) above
  // the base suite's 500.
  return "Package: linux-image-* linux-binary-* linux-modules-* linux-base-* linux-base\nPin: release n=" + suite.kernel +
         "\nPin-Priority: 990\n";
}

}  // namespace auditvm::image
