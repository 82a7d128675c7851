// The guest channel: a root bash on a virtio console, spoken to the way NixOS's test driver
// speaks to its backdoor shell. Scripts travel ANSI-C quoted (every special byte as \xHH: no
// injection); each reply is one framed line "@avm@ SEQ STATUS OUTSIZE ERRSIZE BASE64(stdout
// stderr)|-", so stray output and late replies of timed-out commands are recognised and skipped.
// Large output comes in parts ("@avm@ SEQ STREAM:INDEX BASE64"), each checked against its size.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "machine/machine.hpp"

namespace auditvm::machine {

using Clock = std::chrono::steady_clock;

// What the host sends to define the helper function in the guest shell (once per boot).
std::string channel_preamble();
// `text` as one bash ANSI-C quoted word ($'...'): injection-safe without a decoder in the guest
// (a base64 -d costs three forks per command under TCG). Throws std::invalid_argument on NUL.
std::string ansi_c_quote(const std::string& text);
// The line that runs `script` as command number `seq` with a guest-side timeout.
std::string channel_request(unsigned seq, const std::string& script, std::chrono::seconds guest_timeout);

// Bytes per part of large output (a multiple of 3: parts are base64'd on their own).
constexpr std::size_t kPartSize = 49152;

struct FramedReply {
  unsigned seq = 0;
  CommandResult result;
  std::size_t out_size = 0, err_size = 0;  // what the guest wrote
  bool inline_output = false;              // false: fetch it in parts (too large, or arrived short)
};
// Parses one status line; false when it is not a well-formed one.
bool parse_channel_reply(const std::string& line, FramedReply& reply);
// Parses one part line of command `seq`, stream 1 (stdout) or 2 (stderr), part `index`.
bool parse_part_reply(const std::string& line, unsigned seq, int stream, std::size_t index, std::string& data);

// The channel lost output again and again (not a guest failure: a broken transport).
class ChannelError : public InfraError {
 public:
  using InfraError::InfraError;
};

std::string base64_encode(const std::string& data);
std::string base64_decode(const std::string& text);  // throws std::invalid_argument

// Talks over a connected stream socket to the guest shell.
class Channel {
 public:
  explicit Channel(Fd fd) : fd_(std::move(fd)) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Waits for NixOS's banner "Spawning backdoor root shell...". False on EOF or deadline.
  enum class Wait { ready, closed, timed_out };
  Wait wait_for_banner(Clock::time_point deadline);
  // Runs one script; the caller turns closed/timed_out into MachineDied/CommandTimeout.
  enum class Status { ok, closed, timed_out };
  Status install(Clock::time_point deadline);  // sends the preamble
  Status run(const std::string& script, std::chrono::seconds timeout, CommandResult& result);
  // Sends `line` whole, or gives up at the deadline (a guest that stops reading must not hang us).
  Status send_raw(const std::string& line, Clock::time_point deadline);

 private:
  enum class Read { line, closed, timed_out };
  Read read_line(Clock::time_point deadline, std::string& line);
  // Reads lines until `accept` takes one; closed or timed_out when that comes first.
  Status await_line(Clock::time_point deadline, const std::function<bool(const std::string&)>& accept);
  Status fetch(unsigned seq, int stream, std::size_t size, Clock::time_point deadline, std::string& data);
  Fd fd_;
  unsigned next_seq_ = 1;
  std::string buffer_;
};

}  // namespace auditvm::machine
