#include "scenario/guest_identity.hpp"

#include <gtest/gtest.h>

namespace auditvm::scenario {
namespace {

TEST(GuestIdentity, TheUpstreamVersionDropsEpochAndDebianRevision) {
  EXPECT_EQ(upstream_version("1:3.0.9-1"), "3.0.9");
  EXPECT_EQ(upstream_version("1:4.0.2-2+b1"), "4.0.2");
  EXPECT_EQ(upstream_version("4.2.1"), "4.2.1");
}

TEST(GuestIdentity, TheGuestOfItsManifestMatches) {
  EXPECT_FALSE(guest_identity_mismatch("6.1.0-57-amd64", "1:3.0.9-1", "6.1.0-57-amd64\n", "auditctl version 3.0.9\n"));
}

TEST(GuestIdentity, AnotherKernelOrAuditctlIsNamed) {
  auto kernel = guest_identity_mismatch("6.1.0-57-amd64", "1:3.0.9-1", "6.12.118-amd64\n", "auditctl version 3.0.9\n");
  ASSERT_TRUE(kernel);
  EXPECT_EQ(*kernel, "the guest runs kernel '6.12.118-amd64', its image names 6.1.0-57-amd64");
  auto audit = guest_identity_mismatch("6.1.0-57-amd64", "1:3.0.9-1", "6.1.0-57-amd64", "auditctl version 4.0.2");
  ASSERT_TRUE(audit);
  EXPECT_EQ(*audit, "the guest's auditctl is version '4.0.2', its image names 1:3.0.9-1");
  auto nothing = guest_identity_mismatch("6.1.0-57-amd64", "1:3.0.9-1", "", "");
  ASSERT_TRUE(nothing);
  EXPECT_NE(nothing->find("kernel ''"), std::string::npos);
}

TEST(GuestIdentity, AnEmptyManifestFieldIsNotCompared) {
  EXPECT_FALSE(guest_identity_mismatch("", "", "6.12.118-amd64", "auditctl version 4.0.2"));
}

}  // namespace
}  // namespace auditvm::scenario
