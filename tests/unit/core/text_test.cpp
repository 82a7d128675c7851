#include "core/text.hpp"

#include <gtest/gtest.h>

namespace auditvm {
namespace {

using Pieces = std::vector<std::string>;

// Every piece between separators, empty ones too: a trailing newline leaves an empty last line.
TEST(Text, SplitKeepsEveryPiece) {
  EXPECT_EQ(split("a\nb\n", '\n'), (Pieces{"a", "b", ""}));
  EXPECT_EQ(split("", '\n'), (Pieces{""}));
  EXPECT_EQ(split("a\n\nb", '\n'), (Pieces{"a", "", "b"}));
}

// auditctl splits a rules line at spaces only: a tab stays in the word, runs of spaces are one.
TEST(Text, WordsAreSplitAtSpacesOnly) {
  EXPECT_EQ(words("-a  always,exit -F\tx "), (Pieces{"-a", "always,exit", "-F\tx"}));
  EXPECT_TRUE(words("   ").empty());
}

TEST(Text, TrimDropsSpaceTabsAndLineEnds) { EXPECT_EQ(trim(" \t a b\r\n"), "a b"); }

}  // namespace
}  // namespace auditvm
