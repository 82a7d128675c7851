#include <gmock/gmock.h>
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

namespace auditvm {
namespace {

InputError error_of(const std::string& text) {
  try {
    JsonLines lines(text, "deep.json");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted " << text.substr(0, 80);
  return InputError({}, "");
}

TEST(JsonLines, NestingDeeperThanTheLimitIsRejectedWithItsLineAndPointer) {
  // 20,000 levels took minutes and gigabytes when every value got its own pointer string.
  auto e = error_of("{\"a\":\n" + std::string(20000, '[') + std::string(20000, ']') + "}");
  EXPECT_EQ(e.where().file, "deep.json");
  EXPECT_EQ(e.where().line, 2);
  std::string pointer = "/a";
  for (int i = 1; i < kMaxJsonDepth; ++i) pointer += "/0";  // the 65th container
  EXPECT_EQ(e.where().field, pointer);
  EXPECT_EQ(e.detail(), "is nested more than 64 levels deep");
  // The limit itself is fine.
  std::string deepest = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW(JsonLines(deepest, "ok.json"));
}

TEST(JsonLines, NumbersOutOfRangeAndSyntaxErrorsNameTheLine) {
  auto big = error_of("{\"list\": [1,\n 1e400]}");
  EXPECT_EQ(big.where().line, 2);
  EXPECT_EQ(big.where().field, "/list/1");
  EXPECT_EQ(big.detail(), "has a number out of range: 1e400");
  auto syntax = error_of("{\"a\": 1,\n\n \"b\" 2}");
  EXPECT_EQ(syntax.where().line, 3);
  EXPECT_THAT(syntax.detail(), testing::HasSubstr("is not valid JSON"));
}

TEST(JsonLines, LongFlatDocumentsAreIndexedWithoutCopyingPointers) {
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += (i ? ",\n" : "") + std::string("{\"k\": [1, 2]}");
  text += "]";
  JsonLines lines(text);
  EXPECT_EQ(lines.line_of("/199999/k/1"), 200000);
  EXPECT_EQ(lines.line_of("/150000"), 150001);
}

}  // namespace
}  // namespace auditvm
