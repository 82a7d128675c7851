#include "core/write_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>

#include "core/errors.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what, int error) {
  throw InfraError("cannot write " + path.string() + ": " + what + ": " + std::strerror(error));
}

// Closes the descriptor and removes the temporary file unless the write completed.
class Temporary {
 public:
  Temporary(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~Temporary() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;
  int fd() const { return fd_; }
  // close() reports what a delayed write-back (NFS, quotas) could not store.
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }
  void keep() { kept_ = true; }

 private:
  fs::path path_;
  int fd_;
  bool kept_ = false;
};

void fsync_directory(const fs::path& dir, const fs::path& path) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open its directory to sync it", errno);
  int result = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (result != 0) fail(path, "cannot sync its directory", error);
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  // Hidden, and unique per process and call, so concurrent writers never share one.
  fs::path temporary = dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, "cannot create " + temporary.string(), errno);
  Temporary file(temporary, fd);
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(file.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "write failed", errno);
    if (n == 0) fail(path, "write stored nothing", ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(file.fd()) != 0) fail(path, "fsync failed", errno);
  if (file.close() != 0) fail(path, "close failed", errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail(path, "cannot rename " + temporary.string() + " onto it", errno);
  file.keep();
  fsync_directory(dir, path);
}

void make_directories(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw InfraError("cannot create the directory " + dir.string() + ": " + error.message());
}

void flush_standard_output() {
  std::cout.flush();
  if (!std::cout) throw InfraError(std::string("cannot write the results to standard output: ") + std::strerror(errno));
}

bool is_safe_file_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@')) return false;
  return true;
}

fs::path file_in(const fs::path& dir, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
    throw InfraError("refusing to write '" + name + "' in " + dir.string() + ": not a plain file name");
  return dir / name;
}

}  // namespace auditvm
