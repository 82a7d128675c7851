// report.html: one self-contained page (no network), the matrix at a glance and each cell's
// evidence. What Chromium shows of it is checked in consumers_test (HtmlInChromium).
#include <gtest/gtest.h>

#include <regex>

#include "report/writers.hpp"
#include "support/sample_run.hpp"

namespace auditvm::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Html, OneSelfContainedPageWithTheMatrixAndEveryCellsEvidence) {
  auto run = test::sample_matrix();
  run.cells[0].evidence->auditctl_l = "-a always,exit -F arch=b64 -S init_module -F key=<m&k>\n";
  auto page = html_report(run);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing fetched: no scripts, stylesheets, images or fonts from elsewhere.
  EXPECT_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*"(https?:)?//)"))) << "a network reference";
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  // The matrix: a row per configuration, a column per arch (and suite), a cell per result.
  EXPECT_EQ(count(page, "<td class=\"cell "), run.cells.size());
  EXPECT_NE(page.find("<th scope=\"col\">x86_64</th>"), std::string::npos);
  EXPECT_NE(page.find("<th scope=\"col\">aarch64</th>"), std::string::npos);
  EXPECT_NE(page.find("<th scope=\"col\">x86_64@trixie</th>"), std::string::npos);
  EXPECT_NE(page.find("<th scope=\"row\">stig-fix</th>"), std::string::npos);
  // Every cell's section, linked from the matrix.
  for (const auto& cell : run.cells) {
    EXPECT_NE(page.find("id=\"cell-" + cell.id() + "\""), std::string::npos) << cell.id();
    EXPECT_NE(page.find("href=\"#cell-" + cell.id() + "\""), std::string::npos) << cell.id();
  }
  // Evidence, escaped: the rules seen, the load, calls and witnesses with prediction, result, record.
  EXPECT_NE(page.find("key=&lt;m&amp;k&gt;"), std::string::npos);
  EXPECT_EQ(page.find("key=<m&k>"), std::string::npos);
  EXPECT_NE(page.find("the rules failed to load at line 3 (-a x): bad"), std::string::npos);
  EXPECT_NE(page.find("type=SYSCALL msg=audit(1.2:3): arch=40000003"), std::string::npos);
  EXPECT_NE(page.find("b64 init_module, auid 1005"), std::string::npos);
  EXPECT_NE(page.find("the VM went away"), std::string::npos);
}

}  // namespace
}  // namespace auditvm::report
