// The short seeded difftest CI runs (label vm, scripts/test.sh): `auditvm difftest --count 5
// --seed 1` per arch, about 1.5 min each on a 2-core machine. A disagreement not listed in
// tests/difftest/known-disagreements.txt fails it; a set lost to the machine (a guest that hung
// or panicked under TCG, twice) is inconclusive, not a failure. The long run is label difftest.
#include <gtest/gtest.h>

#include "seeded_run.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::difftest {
namespace {

class DifftestCi : public test::TempDirTest, public ::testing::WithParamInterface<Arch> {
 protected:
  DifftestCi() : TempDirTest("difftest-ci") {}
};

TEST_P(DifftestCi, FiveSeededSetsFindNoDisagreementBeyondTheKnownOnes) {
  test::expect_seeded_run(std::string(to_string(GetParam())), dir_, {5, 1, true});
}

INSTANTIATE_TEST_SUITE_P(BothArches, DifftestCi, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::difftest
