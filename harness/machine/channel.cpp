#include "machine/channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace auditvm::machine {
namespace {

constexpr const char* kMarker = "@avm@";
constexpr const char* kBanner = "Spawning backdoor root shell...";
// Inline output and parts stay far below a unix socket's default buffer (208 KiB) once base64'd.
constexpr std::size_t kInlineLimit = 32768;
constexpr int kPartAttempts = 5;
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
  // so a command can never eat the channel's next request. Small output comes inline with the
  // status (stdout and stderr as one base64 blob, split by their sizes); large output is fetched
  // in parts (__avm_part), one per request: QEMU's virtconsole drops what the host socket cannot
  // take at once, so no reply may outgrow the socket's buffer. The shell runs one command at a
  // time, so the files hold the current command's output until the next one starts and a part
  // that arrived short can be asked for again. Every fork costs under TCG: few of them.
  const std::string marker = kMarker;
  // The script runs in a subshell of this shell, not a new bash: starting bash costs ~90 ms under
  // TCG, a fork ~10 ms. The watchdog sleeps with bash's own `read -t` on a private FIFO and kills
  // the script's whole process group (job control gives it one) when the guest-side timeout hits.
  return "__avm_dir=$(mktemp -d); mkfifo $__avm_dir/idle\n"
         "__avm() { local d=$__avm_dir rc s pid dog; "
         "set -m; ( s=$3; set --; eval \"$s\" ) >\"$d/1\" 2>\"$d/2\" </dev/null & pid=$!; "
         "( read -t \"$2\" <>\"$d/idle\"; kill -9 -$pid ) >/dev/null 2>&1 & dog=$!; set +m; disown $dog; "
         "wait $pid; rc=$?; kill -9 -$dog 2>/dev/null; "
         "s=($(wc -c \"$d/1\" \"$d/2\")); "
         "if [ $((s[0] + s[2])) -le " + std::to_string(kInlineLimit) + " ]; then "
         "printf '\\n" + marker + " %s %s %s %s %s\\n' \"$1\" \"$rc\" \"${s[0]}\" \"${s[2]}\" \"$(cat \"$d/1\" \"$d/2\" | base64 -w 0)\"; "
         "else printf '\\n" + marker + " %s %s %s %s -\\n' \"$1\" \"$rc\" \"${s[0]}\" \"${s[2]}\"; fi; }\n"
         "__avm_part() { printf '\\n" + marker + " %s %s:%s %s\\n' \"$1\" \"$2\" \"$3\" "
         "\"$(dd if=$__avm_dir/$2 bs=" + std::to_string(kPartSize) + " skip=$3 count=1 2>/dev/null | base64 -w 0)\"; }\n";
}

std::string ansi_c_quote(const std::string& text) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "$'";
  for (unsigned char c : text) {
    if (c == 0) throw std::invalid_argument("a NUL byte cannot be passed to the guest shell");
    // Printable ASCII stands for itself, except the quote and the backslash; every other byte
    // (newline, control characters, UTF-8) becomes \xHH, so the request stays one plain line.
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + "'";
}

std::string channel_request(unsigned seq, const std::string& script, std::chrono::seconds guest_timeout) {
  return "__avm " + std::to_string(seq) + " " + std::to_string(guest_timeout.count()) + " " + ansi_c_quote(script) + "\n";
}

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {  // split on single spaces, keeping empty fields (empty output)
    size_t end = line.find(' ', start);
    fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return fields;
}

}  // namespace

bool parse_channel_reply(const std::string& line, FramedReply& reply) {
  auto fields = split_fields(line);
  if (fields.size() != 6 || fields[0] != kMarker) return false;
  try {
    reply.seq = static_cast<unsigned>(std::stoul(fields[1]));
    reply.result.exit_status = std::stoi(fields[2]);
    reply.out_size = std::stoull(fields[3]);
    reply.err_size = std::stoull(fields[4]);
    reply.inline_output = fields[5] != "-";
    reply.result.out.clear();
    reply.result.err.clear();
    if (reply.inline_output) {
      // One blob, stdout then stderr; if it arrived short, both are fetched again in parts.
      std::string both = base64_decode(fields[5]);
      if (both.size() == reply.out_size + reply.err_size) {
        reply.result.out = both.substr(0, reply.out_size);
        reply.result.err = both.substr(reply.out_size);
      } else {
        reply.inline_output = false;
      }
    }
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

bool parse_part_reply(const std::string& line, unsigned seq, int stream, std::size_t index, std::string& data) {
  auto fields = split_fields(line);
  if (fields.size() != 4 || fields[0] != kMarker || fields[1] != std::to_string(seq) ||
      fields[2] != std::to_string(stream) + ":" + std::to_string(index))
    return false;
  try {
    data = base64_decode(fields[3]);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

Channel::Status Channel::send_raw(const std::string& line, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return Status::closed;  // the peer is gone
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Status::timed_out;
    pollfd pfd{fd_.get(), POLLOUT, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000))) < 0 && errno != EINTR) return Status::closed;
  }
  return Status::ok;
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
    pollfd pfd{fd_.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
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

Channel::Status Channel::install(Clock::time_point deadline) { return send_raw(channel_preamble(), deadline); }

Channel::Status Channel::run(const std::string& script, std::chrono::seconds timeout, CommandResult& result) {
  unsigned seq = next_seq_++;
  // The guest's own timeout fires a little later, so the host's deadline decides and the guest
  // still cleans up; a late reply then carries an old sequence number and is skipped.
  auto deadline = Clock::now() + timeout;
  if (auto sent = send_raw(channel_request(seq, script, timeout + std::chrono::seconds(5)), deadline); sent != Status::ok) return sent;
  FramedReply reply;
  auto status = await_line(deadline, [&](const std::string& line) { return parse_channel_reply(line, reply) && reply.seq == seq; });
  if (status != Status::ok) return status;
  result = std::move(reply.result);
  if (reply.inline_output) return Status::ok;
  // Large output, or inline output that arrived short (dropped on the way): fetched in parts.
  for (auto [stream, size, text] : {std::tuple{1, reply.out_size, &result.out}, {2, reply.err_size, &result.err}}) {
    auto status = fetch(seq, stream, size, deadline, *text);
    if (status != Status::ok) return status;
  }
  return Status::ok;
}

Channel::Status Channel::await_line(Clock::time_point deadline, const std::function<bool(const std::string&)>& accept) {
  std::string line;
  while (true) {
    switch (read_line(deadline, line)) {
      case Read::closed: return Status::closed;
      case Read::timed_out: return Status::timed_out;
      case Read::line:
        if (accept(line)) return Status::ok;
    }
  }
}

Channel::Status Channel::fetch(unsigned seq, int stream, std::size_t size, Clock::time_point deadline, std::string& data) {
  data.clear();
  data.reserve(size);
  for (std::size_t index = 0; index * kPartSize < size; ++index) {
    const std::size_t expected = std::min(kPartSize, size - index * kPartSize);
    std::string part;
    for (int attempt = 0;; ++attempt) {
      if (attempt == kPartAttempts) throw ChannelError("the guest channel kept losing output (part " + std::to_string(index) + " of command " + std::to_string(seq) + ")");
      auto status = send_raw("__avm_part " + std::to_string(seq) + " " + std::to_string(stream) + " " + std::to_string(index) + "\n", deadline);
      if (status == Status::ok) status = await_line(deadline, [&](const std::string& line) { return parse_part_reply(line, seq, stream, index, part); });
      if (status != Status::ok) return status;
      if (part.size() == expected) break;
    }
    data += part;
  }
  return Status::ok;
}

}  // namespace auditvm::machine
