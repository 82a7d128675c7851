#include "machine/qemu/qmp.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/errors.hpp"

namespace auditvm::machine {
namespace {
using namespace std::chrono_literals;
}

Qmp::Qmp(const std::filesystem::path& socket, std::chrono::steady_clock::time_point deadline) : deadline_(deadline) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.string().size() >= sizeof address.sun_path) throw InfraError("QMP socket path too long: " + socket.string());
  std::strcpy(address.sun_path, socket.c_str());
  for (;;) {
    fd_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd_) throw InfraError(std::string("cannot create a unix socket: ") + std::strerror(errno));
    if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) break;
    if (std::chrono::steady_clock::now() > deadline_)
      throw InfraError("cannot connect to QEMU's QMP socket " + socket.string() + ": " + std::strerror(errno));
    std::this_thread::sleep_for(5ms);
  }
  auto greeting = nlohmann::json::parse(read_line(), nullptr, false);
  if (!greeting.is_object() || !greeting.contains("QMP")) throw InfraError("QEMU's QMP socket sent no greeting");
  execute("qmp_capabilities");
}

std::string Qmp::read_line() {
  for (;;) {
    if (auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now()).count();
    pollfd pfd{fd_.get(), POLLIN, 0};
    if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) throw InfraError("QEMU's QMP socket did not answer in time");
    char chunk[4096];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n <= 0) throw InfraError("QEMU closed its QMP socket");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

nlohmann::json Qmp::execute(const std::string& command, const nlohmann::json& arguments) {
  nlohmann::json request{{"execute", command}};
  if (!arguments.is_null()) request["arguments"] = arguments;
  const std::string line = request.dump() + "\n";
  if (::send(fd_.get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    throw InfraError("cannot send to QEMU's QMP socket: " + std::string(std::strerror(errno)));
  for (;;) {
    auto reply = nlohmann::json::parse(read_line(), nullptr, false);
    if (!reply.is_object() || reply.contains("event")) continue;
    if (reply.contains("error")) throw InfraError("QMP " + command + ": " + reply["error"].value("desc", reply["error"].dump()));
    return reply.value("return", nlohmann::json::object());
  }
}

std::string Qmp::wait_while_status(const std::string& status) {
  for (;;) {
    std::string now = execute("query-status").value("status", "");
    if (now != status) return now;
    std::this_thread::sleep_for(5ms);
  }
}

void Qmp::wait_for_migration() {
  for (;;) {
    auto info = execute("query-migrate");
    std::string status = info.value("status", "");
    if (status == "completed") return;
    if (status == "failed" || status == "cancelled")
      throw InfraError("QEMU's migration to the snapshot file " + status + ": " + info.value("error-desc", ""));
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace auditvm::machine
