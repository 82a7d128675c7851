#include "machine/run_directory.hpp"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "core/errors.hpp"

namespace auditvm::machine {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "auditvm-run-";

// The pid in "auditvm-run-<pid>-XXXXXX", or 0 when the name is not a run directory's.
pid_t owner_of(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return 0;
  std::size_t at = kPrefix.size(), end = name.find('-', at);
  if (end == std::string::npos || end == at || end - at > 9 || name.size() - end != 7) return 0;
  pid_t pid = 0;
  for (std::size_t i = at; i < end; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  return pid;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

int sweep_stale_run_directories(const fs::path& base) {
  int removed = 0;
  std::error_code error;
  for (fs::directory_iterator it(base, error), end; !error && it != end; it.increment(error)) {
    pid_t pid = owner_of(it->path().filename().string());
    struct stat info {};
    // A real directory (never through a symlink) whose owner is gone. Not checked: its uid, as
    // the libvirt backend hands the directory to libvirt-qemu.
    if (pid <= 0 || ::lstat(it->path().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || alive(pid)) continue;
    std::error_code ignored;
    if (fs::remove_all(it->path(), ignored) > 0) ++removed;
  }
  return removed;
}

fs::path make_run_directory(const fs::path& base) {
  static std::mutex mutex;
  static std::set<fs::path> swept;
  {
    std::lock_guard lock(mutex);
    if (swept.insert(base).second) sweep_stale_run_directories(base);
  }
  std::string pattern = (base / (std::string(kPrefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw InfraError("cannot create a run directory " + pattern + ": " + std::strerror(errno));
  return pattern;
}

}  // namespace auditvm::machine
