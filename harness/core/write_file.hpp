// Writing the files a run leaves behind (reports, logs): a reader sees the old file or the whole
// new one, never a part, and a full disk or a failing device is an InfraError naming the path,
// never a silently empty file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace auditvm {

// Writes `bytes` to a temporary name in `path`'s directory, checks every write, fsyncs, renames
// it onto `path` and fsyncs the directory. On failure the temporary file is removed and `path`
// is left as it was.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// create_directories, with failures as InfraError naming the directory.
void make_directories(const std::filesystem::path& dir);

// Flushes std::cout; InfraError when its output could not be written (`> /dev/full`, a closed
// pipe), so results nobody received never end as success.
void flush_standard_output();

// Names users give that become file names (configurations): letters, digits, '.', '_', '-' and
// '@', not starting with '.', at most 100 bytes; so never "..", a path, or hidden.
bool is_safe_file_name(std::string_view name);

// dir / name, for a name that stays inside dir (no '/', not "." or ".."); InfraError otherwise,
// so no writer can be led out of its directory by a name that escaped validation.
std::filesystem::path file_in(const std::filesystem::path& dir, const std::string& name);

}  // namespace auditvm
