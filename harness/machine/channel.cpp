#include "machine/channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace auditvm::machine {
namespace {

constexpr const char* kMarker = "@avm@";
constexpr const char* kBanner = "Spawning backdoor root shell...";
const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(const std::string& data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(const std::string& text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!at) throw std::invalid_argument("not base64");
    value = (value << 6) | static_cast<unsigned>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

std::string channel_preamble() {
  // Output goes to files first so stdout and stderr stay apart and binary-safe; stdin is closed
  // so a command can never eat the channel's next request.
  return "__avm() { local o e rc; o=$(mktemp) e=$(mktemp); "
         "timeout \"$2\" bash -c \"$(printf %s \"$3\" | base64 -d)\" >\"$o\" 2>\"$e\" </dev/null; rc=$?; "
         "printf '\\n" + std::string(kMarker) + " %s %s %s %s\\n' \"$1\" \"$rc\" \"$(base64 -w 0 <\"$o\")\" \"$(base64 -w 0 <\"$e\")\"; "
         "rm -f \"$o\" \"$e\"; }\n";
}

std::string channel_request(unsigned seq, const std::string& script, std::chrono::seconds guest_timeout) {
  return "__avm " + std::to_string(seq) + " " + std::to_string(guest_timeout.count()) + " " + base64_encode(script) + "\n";
}

bool parse_channel_reply(const std::string& line, FramedReply& reply) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {  // split on single spaces, keeping empty fields (empty output)
    size_t end = line.find(' ', start);
    fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (fields.size() != 5 || fields[0] != kMarker) return false;
  try {
    reply.seq = static_cast<unsigned>(std::stoul(fields[1]));
    reply.result.exit_status = std::stoi(fields[2]);
    reply.result.out = base64_decode(fields[3]);
    reply.result.err = base64_decode(fields[4]);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

Channel::~Channel() {
  if (fd_ >= 0) ::close(fd_);
}

void Channel::send_raw(const std::string& line) {
  size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the peer is gone; the next read reports it
    sent += static_cast<size_t>(n);
  }
}

Channel::Read Channel::read_line(Clock::time_point deadline, std::string& line) {
  while (true) {
    if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
      line = buffer_.substr(0, newline);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      buffer_.erase(0, newline + 1);
      return Read::line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Read::timed_out;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Read::closed;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

Channel::Wait Channel::wait_for_banner(Clock::time_point deadline) {
  std::string line;
  while (true) {
    switch (read_line(deadline, line)) {
      case Read::closed: return Wait::closed;
      case Read::timed_out: return Wait::timed_out;
      case Read::line:
        if (line.find(kBanner) != std::string::npos) return Wait::ready;
    }
  }
}

void Channel::install() { send_raw(channel_preamble()); }

Channel::Status Channel::run(const std::string& script, std::chrono::seconds timeout, CommandResult& result) {
  unsigned seq = next_seq_++;
  // The guest's own timeout fires a little later, so the host's deadline decides and the guest
  // still cleans up; a late reply then carries an old sequence number and is skipped.
  send_raw(channel_request(seq, script, timeout + std::chrono::seconds(5)));
  auto deadline = Clock::now() + timeout;
  std::string line;
  while (true) {
    switch (read_line(deadline, line)) {
      case Read::closed: return Status::closed;
      case Read::timed_out: return Status::timed_out;
      case Read::line: {
        FramedReply reply;
        if (parse_channel_reply(line, reply) && reply.seq == seq) {
          result = std::move(reply.result);
          return Status::ok;
        }
      }
    }
  }
}

}  // namespace auditvm::machine
