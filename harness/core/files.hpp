// Reading files: every read of a user's input and of auditvm's own data goes through here, so
// each gets the same checks (not a directory, bounded size) and errors that name the file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace auditvm {

// No input auditvm reads from a user is anywhere near this; /dev/zero or an endless pipe is.
inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;

// auditvm's own guest files (kernels, modules, the driver list): tens of MB at most; the bound only
// stops a runaway read.
inline constexpr std::size_t kMaxGuestFileBytes = std::size_t{1} << 30;

// Whose file it is decides the error: a user's input is an InputError (exit 2, "error:"),
// auditvm's own data (cache, guest files, packages) an InfraError.
enum class FileKind { input, data };

// The whole of `file`, read as bytes. Throws naming the file when it cannot be opened, is a
// directory, or holds more than `max_bytes`.
std::string read_file(const std::filesystem::path& file, FileKind kind = FileKind::input, std::size_t max_bytes = kMaxInputBytes);

// A user's text input: `path` or, for "-", standard input (named "<stdin>" in errors). It must be
// UTF-8 (every output format can carry it) with no NUL bytes; errors name the line.
std::string read_input(const std::string& path);

// How a user's input is named in messages: "<stdin>" for "-".
std::string input_name(const std::string& path);

}  // namespace auditvm
