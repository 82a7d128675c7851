#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/errors.hpp"

namespace auditvm {
namespace {

[[noreturn]] void fail(FileKind kind, const std::string& name, const std::string& what) {
  if (kind == FileKind::input) throw InputError({name, 0, ""}, what);
  throw InfraError(name + ": " + what);
}

std::string limit_text(std::size_t max_bytes) {
  return max_bytes % (1 << 20) == 0 ? std::to_string(max_bytes >> 20) + " MiB" : std::to_string(max_bytes) + " bytes";
}

// Reads `fd` to its end, but never more than `max_bytes` (plus one byte to tell "exactly" from "more").
std::string read_all(int fd, FileKind kind, const std::string& name, std::size_t max_bytes) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) fail(kind, name, std::string("cannot read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(kind, name, "is a directory, not a file");
  std::string out;
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_bytes)
    fail(kind, name, "is larger than " + limit_text(max_bytes) + " (" + std::to_string(st.st_size) + " bytes)");
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  while (true) {
    // out.size() <= max_bytes here; room + 1 asks for the byte that tells "more", without
    // wrapping when max_bytes is SIZE_MAX.
    std::size_t room = max_bytes - out.size();
    std::size_t want = room >= sizeof buffer ? sizeof buffer : room + 1;
    ssize_t got = ::read(fd, buffer, want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(kind, name, std::string("cannot read: ") + std::strerror(errno));
    if (got == 0) return out;
    out.append(buffer, static_cast<std::size_t>(got));
    if (out.size() > max_bytes) fail(kind, name, "is larger than " + limit_text(max_bytes) + " (an input this big is not an audit configuration)");
  }
}

// Length of the UTF-8 sequence starting at `text[at]`, or 0 when it is not well-formed
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_length(const std::string& text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  unsigned char second = byte(at + 1);
  unsigned char low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
  unsigned char high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
  if (second < low || second > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if ((byte(at + i) & 0xc0) != 0x80) return 0;
  return length;
}

void check_text(const std::string& text, const std::string& name) {
  int line = 1;
  for (std::size_t at = 0; at < text.size();) {
    if (text[at] == '\n') ++line;
    if (text[at] == '\0') throw InputError({name, line, ""}, "contains a NUL byte (not a text file?)");
    std::size_t length = utf8_length(text, at);
    if (length == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[at]));
      throw InputError({name, line, ""}, std::string("is not valid UTF-8 (byte ") + hex + ")");
    }
    at += length;
  }
}

}  // namespace

std::string read_file(const std::filesystem::path& file, FileKind kind, std::size_t max_bytes) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(kind, file.string(), std::string("cannot open: ") + std::strerror(errno));
  try {
    std::string out = read_all(fd, kind, file.string(), max_bytes);
    ::close(fd);
    return out;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string read_input(const std::string& path) {
  std::string text = path == "-" ? read_all(STDIN_FILENO, FileKind::input, input_name(path), kMaxInputBytes) : read_file(path);
  check_text(text, input_name(path));
  return text;
}

}  // namespace auditvm
