// Debian suites as a matrix axis, end to end through the binary: cells on trixie (kernel 6.12,
// auditd 4.0.2) on both arches with the versions and the image recorded in result.json, and an
// image built offline from --debs is the one `run` boots, with no network at all.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/process.hpp"
#include "image/cache.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;

class Suites : public test::TempDirTest {
 protected:
  Suites() : TempDirTest("suites") {}
  nlohmann::json result(const std::string& report) { return nlohmann::json::parse(std::ifstream(dir_ / report / "result.json")); }
};

// The suite given as AUDITVM_TEST_SUITE (trixie; the sid label runs it for sid), two cells
// on each arch: a compliant one and a finding.
TEST_F(Suites, CellsRunOnTheSuitesKernelAndAuditUserspaceAndRecordThem) {
  const char* env = std::getenv("AUDITVM_TEST_SUITE");
  const std::string suite = env ? env : "trixie";
  auto run = run_process({AUDITVM_BINARY, "run", "--suite", suite, "--arch", "x86_64,aarch64", "--config", "stig-fix,b64-only",
                          "--accel", "tcg", "--jobs", "2", "--report-dir", (dir_ / "report").string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto cells = result("report").at("cells");
  ASSERT_EQ(cells.size(), 4U);
  const std::map<std::string, std::pair<std::string, std::string>> versions{
      {"trixie", {"6.12.", "1:4.0.2"}}, {"sid", {"7.", "1:4.2"}}, {"trixie-backports", {"7.", "1:4.0.2"}}};
  for (const auto& cell : cells) {
    SCOPED_TRACE(cell.at("id").get<std::string>());
    EXPECT_EQ(cell.at("status"), "pass");
    EXPECT_EQ(cell.at("suite"), suite);
    EXPECT_EQ(cell.at("id"), cell.at("configuration").get<std::string>() + "@" + cell.at("arch").get<std::string>() + "@" + suite);
    EXPECT_TRUE(cell.at("kernel_version").get<std::string>().starts_with(versions.at(suite).first)) << cell.at("kernel_version");
    EXPECT_TRUE(cell.at("audit_version").get<std::string>().starts_with(versions.at(suite).second)) << cell.at("audit_version");
    EXPECT_FALSE(cell.at("image").get<std::string>().empty());
  }
  // The JUnit report carries them as properties too.
  std::ifstream junit(dir_ / "report" / "junit.xml");
  std::string xml((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("name=\"kernel_version\" value=\"" + cells[0].at("kernel_version").get<std::string>() + "\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"audit_version\" value=\"" + cells[0].at("audit_version").get<std::string>() + "\""), std::string::npos);
}

// An air-gapped machine: the image is built from a directory of .debs (the ones the default
// cache keeps), and `run` in a network namespace without any network boots exactly that image.
TEST_F(Suites, AnImageBuiltOfflineFromDebsIsTheOneRunBoots) {
  const fs::path debs = image::default_cache_dir() / "debs" / "amd64";
  ASSERT_TRUE(fs::exists(debs)) << "build the default images first: auditvm image build --arch all";
  const std::string cache = (dir_ / "cache").string();
  auto built = run_process({"unshare", "--net", AUDITVM_BINARY, "image", "build", "--arch", "x86_64", "--debs", debs.string(), "--cache-dir", cache, "--quiet"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  auto path = run_process({AUDITVM_BINARY, "image", "path", "--arch", "x86_64", "--cache-dir", cache});
  ASSERT_EQ(path.exit_code, 0) << path.err;
  const fs::path image_dir = path.out.substr(0, path.out.find('\n'));
  auto manifest = nlohmann::json::parse(std::ifstream(image_dir / "manifest.json"));

  auto run = run_process({"unshare", "--net", AUDITVM_BINARY, "run", "--arch", "x86_64", "--config", "stig-fix", "--accel", "tcg",
                          "--cache-dir", cache, "--report-dir", (dir_ / "offline").string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto cells = result("offline").at("cells");
  ASSERT_EQ(cells.size(), 1U);
  EXPECT_EQ(cells[0].at("image"), manifest.at("cache_key"));
  EXPECT_EQ(cells[0].at("kernel_version"), manifest.at("kernel_version"));
  EXPECT_EQ(cells[0].at("suite"), "bookworm");
  EXPECT_EQ(cells[0].at("id"), "stig-fix@x86_64");  // bookworm keeps the ids from before suites
  // Only that image and no apt state: nothing was resolved.
  EXPECT_FALSE(fs::exists(dir_ / "cache" / "apt"));

  // --image DIR boots the same directory from anywhere, without a cache.
  auto direct = run_process({"unshare", "--net", AUDITVM_BINARY, "run", "--image", image_dir.string(), "--config", "stig-fix", "--accel", "tcg",
                             "--cache-dir", (dir_ / "empty").string(), "--report-dir", (dir_ / "direct").string(), "--quiet"});
  ASSERT_EQ(direct.exit_code, 0) << direct.out << direct.err;
  EXPECT_EQ(result("direct").at("cells").size(), 1U);  // the image's arch only
  EXPECT_EQ(result("direct").at("cells")[0].at("image"), manifest.at("cache_key"));
  EXPECT_FALSE(fs::exists(dir_ / "empty"));
}

}  // namespace
}  // namespace auditvm
