// One reader for every file: directories, oversized and endless inputs, and text that is not
// UTF-8 are InputErrors naming the file (and the line), never a silent empty or partial read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/json_file.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

using testing::HasSubstr;

class Files : public test::TempDirTest {
 protected:
  std::string file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
};

std::string message_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(Files, ADirectoryIsNotReadAsAnEmptyFile) {
  EXPECT_EQ(message_of([&] { read_input(dir_.string()); }), dir_.string() + ": is a directory, not a file");
  EXPECT_THROW(read_file(dir_, FileKind::data), InfraError);
}

TEST_F(Files, InputsAreBounded) {
  EXPECT_EQ(message_of([&] { read_input("/dev/zero"); }),
            "/dev/zero: is larger than 16 MiB (an input this big is not an audit configuration)");
  std::string big = file("big", std::string(kMaxInputBytes + 1, 'x'));
  EXPECT_THAT(message_of([&] { read_file(big); }), HasSubstr("is larger than 16 MiB"));
  EXPECT_EQ(read_file(file("exact", std::string(100, 'x')), FileKind::input, 100).size(), 100U);
  EXPECT_THROW(read_file(file("over", std::string(101, 'x')), FileKind::input, 100), InputError);
}

// No bound (SIZE_MAX) reads the whole file: "max_bytes + 1" once wrapped to 0 and read nothing.
TEST_F(Files, TheLargestBoundReadsEverything) {
  EXPECT_EQ(read_file(file("all", "abc"), FileKind::data, SIZE_MAX), "abc");
  EXPECT_EQ(read_file(file("almost", "abc"), FileKind::data, SIZE_MAX - 1), "abc");
}

TEST_F(Files, AMissingFileNamesTheReason) {
  EXPECT_EQ(message_of([&] { read_input((dir_ / "nope").string()); }), (dir_ / "nope").string() + ": cannot open: No such file or directory");
}

TEST_F(Files, TextInputMustBeUtf8WithoutNulBytes) {
  EXPECT_EQ(read_input(file("ok", "caf\xc3\xa9 \xf0\x9f\x98\x80\n")), "caf\xc3\xa9 \xf0\x9f\x98\x80\n");
  EXPECT_EQ(message_of([&] { read_input(file("latin1", "a\nb\ncaf\xe9\n")); }), (dir_ / "latin1").string() + ":3: is not valid UTF-8 (byte 0xE9)");
  EXPECT_THAT(message_of([&] { read_input(file("overlong", "\xc0\xaf")); }), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(message_of([&] { read_input(file("surrogate", "\xed\xa0\x80")); }), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(message_of([&] { read_input(file("truncated", "\xe2\x82")); }), HasSubstr("not valid UTF-8"));
  EXPECT_EQ(message_of([&] { read_input(file("nul", std::string("a\n\0b", 4))); }), (dir_ / "nul").string() + ":2: contains a NUL byte (not a text file?)");
}

TEST(Errors, ControlBytesInMessagesAreEscaped) {
  InputError e({"f\x1b[31m", 1, std::string("a\0b", 3)}, "bad\nvalue");
  EXPECT_EQ(std::string(e.what()), "f\\x1b[31m:1: a\\x00b: bad\nvalue");
}

TEST(JsonField, NamesTheMemberItReads) {
  auto data = nlohmann::json::parse(R"({"name": 7, "count": -1, "list": ["a"]})");
  EXPECT_EQ(message_of([&] { json_field<std::string>(data, "name", {"s.json", 0, "/x"}); }), "s.json: /x/name: expected a string");
  EXPECT_EQ(message_of([&] { json_field<std::string>(data, "nope", {"s.json", 0, ""}); }), "s.json: /nope: missing");
  EXPECT_EQ(message_of([&] { json_field<unsigned>(data, "count", {"s.json", 0, ""}); }), "s.json: /count: expected an integer (0..4294967295)");
  EXPECT_EQ(message_of([&] { json_field<std::string>(data["list"], "a", {"s.json", 0, "/list"}); }), "s.json: /list: expected an object");
  EXPECT_EQ(json_field<std::vector<std::string>>(data, "list", {}), std::vector<std::string>{"a"});
  EXPECT_EQ(json_field_or<std::string>(data, "other", "fallback", {}), "fallback");
}

}  // namespace
}  // namespace auditvm
