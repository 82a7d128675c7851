#include <gtest/gtest.h>

#include "core/json_lines.hpp"

namespace auditvm {
namespace {

const char* kText = R"({
  "security": {
    "audit": {
      "enable": true,
      "backlogLimit":
        8192
    }
  },
  "list": [
    1,
    "two",
    {"three": 3},
    [4,
     5]
  ],
  "a/b~c": null
})";

TEST(JsonLines, MembersAreOnTheLineOfTheirKey) {
  JsonLines lines(kText);
  EXPECT_EQ(lines.line_of(""), 1);
  EXPECT_EQ(lines.line_of("/security"), 2);
  EXPECT_EQ(lines.line_of("/security/audit/enable"), 4);
  EXPECT_EQ(lines.line_of("/security/audit/backlogLimit"), 5);
  EXPECT_EQ(lines.line_of("/a~1b~0c"), 16);  // keys are escaped as JSON pointers escape them
}

TEST(JsonLines, ArrayElementsAreOnTheLineTheyStart) {
  JsonLines lines(kText);
  EXPECT_EQ(lines.line_of("/list/0"), 10);  // a number followed by a comma
  EXPECT_EQ(lines.line_of("/list/1"), 11);
  EXPECT_EQ(lines.line_of("/list/2"), 12);
  EXPECT_EQ(lines.line_of("/list/2/three"), 12);
  EXPECT_EQ(lines.line_of("/list/3/0"), 13);
  EXPECT_EQ(lines.line_of("/list/3/1"), 14);  // a number followed by a newline is still on its own line
}

TEST(JsonLines, UnknownPointersFallBackToTheirParent) {
  JsonLines lines(kText);
  EXPECT_EQ(lines.line_of("/security/audit/rules"), 3);
  EXPECT_EQ(lines.line_of("/nothing/here"), 1);
}

TEST(JsonLines, LocateFillsInTheLineOfAnErrorsPointer) {
  JsonLines lines(kText);
  auto located = lines.locate(InputError({"c.json", 0, "/security/audit/enable"}, "wrong"));
  EXPECT_EQ(located.where().line, 4);
  EXPECT_STREQ(located.what(), "c.json:4: /security/audit/enable: wrong");
  // Errors that already have a line, or name no pointer, stay as they are.
  EXPECT_EQ(lines.locate(InputError({"c.json", 9, "/security"}, "x")).where().line, 9);
  EXPECT_EQ(lines.locate(InputError({"c.json", 0, "--arch"}, "x")).where().line, 0);
  EXPECT_EQ(lines.locate(InputError({"c.json", 0, ""}, "x")).where().line, 0);
}

}  // namespace
}  // namespace auditvm
