// The channel against a real bash reading commands from a socket, as the guest's does.
#include <gtest/gtest.h>

#include <boost/process.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "machine/channel.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace bp = boost::process;

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n : {0UL, 1UL, 2UL, 3UL, 255UL, 256UL}) EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_EQ(base64_encode("hi!"), "aGkh");
}

TEST(Quoting, EveryByteButNulReachesBashVerbatim) {
  std::string all;
  for (int i = 1; i < 256; ++i) all += static_cast<char>(i);
  std::string quoted = ansi_c_quote(all + "'$(reboot)`x`\\\"");
  EXPECT_EQ(quoted.find('\n'), std::string::npos) << "the request must stay one line";
  bp::ipstream out;
  bp::child bash(bp::search_path("bash"), "--norc", "-c", "printf %s " + quoted, bp::std_out > out);
  std::string printed((std::istreambuf_iterator<char>(out)), {});
  bash.wait();
  EXPECT_EQ(printed, all + "'$(reboot)`x`\\\"");
  EXPECT_THROW(ansi_c_quote(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(Framing, RepliesParseAndJunkDoesNot) {
  FramedReply reply;
  ASSERT_TRUE(parse_channel_reply("@avm@ 7 3 2 1 aGkh", reply));  // "hi" on stdout, "!" on stderr
  EXPECT_EQ(reply.seq, 7U);
  EXPECT_EQ(reply.result.exit_status, 3);
  EXPECT_TRUE(reply.inline_output);
  EXPECT_EQ(reply.result.out, "hi");
  EXPECT_EQ(reply.result.err, "!");
  ASSERT_TRUE(parse_channel_reply("@avm@ 8 0 1048576 5 -", reply));
  EXPECT_FALSE(reply.inline_output);
  EXPECT_EQ(reply.out_size, 1048576U);
  EXPECT_EQ(reply.err_size, 5U);
  ASSERT_TRUE(parse_channel_reply("@avm@ 9 0 4 0 aGkh", reply));  // 3 bytes arrived of 4 announced
  EXPECT_FALSE(reply.inline_output) << "short inline output must be fetched again";
  EXPECT_FALSE(parse_channel_reply("[   1.0] audit: type=1300", reply));
  EXPECT_FALSE(parse_channel_reply("@avm@ x 0 1 1 aGkh", reply));
  EXPECT_FALSE(parse_channel_reply("@avm@ 7 0 aGkh x", reply));  // the old, unsized form
  std::string part;
  EXPECT_TRUE(parse_part_reply("@avm@ 8 1:3 aGkh", 8, 1, 3, part));
  EXPECT_EQ(part, "hi!");
  EXPECT_FALSE(parse_part_reply("@avm@ 8 1:3 aGkh", 8, 2, 3, part));  // another stream
  EXPECT_FALSE(parse_part_reply("@avm@ 8 1:3 aGkh", 8, 1, 4, part));  // another part
  EXPECT_FALSE(parse_part_reply("@avm@ 7 1:3 aGkh", 8, 1, 3, part));  // another command
}

TEST(ChannelSend, APeerThatStopsReadingMeetsTheDeadline) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Fd peer(fds[1]);  // never read: the socket buffer fills and send() would block for ever
  Channel channel{Fd(fds[0])};
  auto started = Clock::now();
  EXPECT_EQ(channel.send_raw(std::string(8 << 20, 'x') + "\n", started + 1s), Channel::Status::timed_out);
  EXPECT_LT(Clock::now() - started, 3s);
  CommandResult result;
  started = Clock::now();
  EXPECT_EQ(channel.run("echo " + std::string(1 << 20, 'y'), 1s, result), Channel::Status::timed_out);
  EXPECT_LT(Clock::now() - started, 3s);
  peer.reset();
  EXPECT_EQ(channel.send_raw("x\n", Clock::now() + 1s), Channel::Status::closed);
}

class ChannelWithBash : public testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    // The guest side: bash reading its script from the socket, like the guest's `bash --norc /dev/hvc0`.
    shell_ = bp::child(bp::search_path("bash"), "--norc", "-c", "echo 'Spawning backdoor root shell...'; exec bash --norc",
                       bp::posix::fd.bind(0, fds[1]), bp::posix::fd.bind(1, fds[1]));
    ::close(fds[1]);
    channel_ = std::make_unique<Channel>(Fd(fds[0]));
    ASSERT_EQ(channel_->wait_for_banner(Clock::now() + 10s), Channel::Wait::ready);
    ASSERT_EQ(channel_->install(Clock::now() + 10s), Channel::Status::ok);
  }
  void TearDown() override {
    channel_.reset();
    std::error_code ignored;
    shell_.terminate(ignored);
  }
  bp::child shell_;
  std::unique_ptr<Channel> channel_;
};

TEST_F(ChannelWithBash, RunsScriptsWithSeparateStreamsAndStatus) {
  CommandResult result;
  ASSERT_EQ(channel_->run("echo out; printf 'e\\000rr' >&2; exit 4", 10s, result), Channel::Status::ok);
  EXPECT_EQ(result.exit_status, 4);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, std::string("e\0rr", 4));
}

TEST_F(ChannelWithBash, QuotesCannotEscapeAndStdinIsClosed) {
  CommandResult result;
  ASSERT_EQ(channel_->run("echo \"'$(echo nested)'\"; cat; echo after", 10s, result), Channel::Status::ok);
  EXPECT_EQ(result.out, "'nested'\nafter\n");
}

TEST_F(ChannelWithBash, TimeoutThenRecovers) {
  CommandResult result;
  // The guest-side watchdog (host timeout + 5 s) kills the script's whole process group, the
  // background child included; then the shell answers again.
  // pgrep sees every process on the machine, so the sleeps carry this test's pid: a concurrent run
  // of this test (another build's ctest) has sleeps of its own. A SIGKILLed process lingers until
  // the kernel has run its exit, which under load may be after the shell's next command starts:
  // the group must be gone within 5 s, not at the first look.
  const std::string tag = "0." + std::to_string(::getpid());
  const std::string pattern = "'sleep 100[01] " + tag + "$'";
  EXPECT_EQ(channel_->run("sleep 1000 " + tag + " & sleep 1001 " + tag, 1s, result), Channel::Status::timed_out);
  ASSERT_EQ(channel_->run("echo next; for i in $(seq 100); do pgrep -f " + pattern + " >/dev/null || break; sleep 0.05; done; pgrep -f " +
                              pattern + " || echo none left",
                          60s, result),
            Channel::Status::ok);
  EXPECT_EQ(result.out, "next\nnone left\n");
}

TEST_F(ChannelWithBash, ShellExitIsReportedAsClosed) {
  CommandResult result;
  ASSERT_EQ(channel_->send_raw("exit 0\n", Clock::now() + 10s), Channel::Status::ok);
  EXPECT_EQ(channel_->run("echo never", 10s, result), Channel::Status::closed);
}

TEST_F(ChannelWithBash, LargeBinaryOutputArrivesWholeInParts) {
  CommandResult result;
  // 3 MiB of every byte value on stdout, 100 KiB on stderr: both beyond the inline limit.
  ASSERT_EQ(channel_->run("for i in $(seq 0 255); do printf \"\\\\$(printf %03o $i)\"; done > /tmp/avm-bytes; "
                          "for i in $(seq 6); do cat /tmp/avm-bytes /tmp/avm-bytes /tmp/avm-bytes /tmp/avm-bytes > /tmp/avm-bytes4; mv /tmp/avm-bytes4 /tmp/avm-bytes; done; "
                          "cat /tmp/avm-bytes /tmp/avm-bytes /tmp/avm-bytes; head -c 102400 /dev/zero >&2; rm /tmp/avm-bytes",
                          60s, result),
            Channel::Status::ok);
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ASSERT_EQ(result.out.size(), 3U * 256U * 4096U);
  for (std::size_t at = 0; at < result.out.size(); at += 256) ASSERT_EQ(result.out.compare(at, 256, bytes), 0) << "at " << at;
  EXPECT_EQ(result.err, std::string(102400, '\0'));
}

// QEMU's virtconsole drops what its host socket cannot take at once. A relay between the channel
// and the shell does the same to one stretch of the shell's output: the channel must notice the
// short part and ask for it again.
class ChannelThroughLossyRelay : public testing::Test {
 protected:
  void SetUp() override {
    int host[2], guest[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, host), 0);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, guest), 0);
    shell_ = bp::child(bp::search_path("bash"), "--norc", "-c", "echo 'Spawning backdoor root shell...'; exec bash --norc",
                       bp::posix::fd.bind(0, guest[1]), bp::posix::fd.bind(1, guest[1]));
    ::close(guest[1]);
    relay_host_ = host[1];
    relay_guest_ = guest[0];
    relay_ = std::thread([this] { relay(); });
    channel_ = std::make_unique<Channel>(Fd(host[0]));
    ASSERT_EQ(channel_->wait_for_banner(Clock::now() + 10s), Channel::Wait::ready);
    ASSERT_EQ(channel_->install(Clock::now() + 10s), Channel::Status::ok);
  }
  void TearDown() override {
    channel_.reset();  // closes the host end: the relay ends
    std::error_code ignored;
    shell_.terminate(ignored);
    relay_.join();
    ::close(relay_host_);
    ::close(relay_guest_);
  }

  // Drops `length` bytes of the shell's output, starting `skip` bytes after the call.
  void drop(std::size_t skip, std::size_t length) {
    drop_skip_ = skip;
    drop_length_ = length;
    armed_ = true;
  }

  void relay() {
    char buffer[65536];
    std::size_t from_guest = 0, window_start = 0, window_end = 0;
    auto forward = [this](const char* data, std::size_t size) {
      for (std::size_t done = 0; done < size;) {
        ssize_t n = ::write(relay_host_, data + done, size - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
      }
      return true;
    };
    while (true) {
      pollfd fds[2] = {{relay_host_, POLLIN, 0}, {relay_guest_, POLLIN, 0}};
      if (::poll(fds, 2, 1000) < 0) return;
      if (fds[0].revents) {
        ssize_t n = ::read(relay_host_, buffer, sizeof buffer);
        if (n <= 0 || ::write(relay_guest_, buffer, static_cast<size_t>(n)) != n) return;
      }
      if (fds[1].revents) {
        ssize_t n = ::read(relay_guest_, buffer, sizeof buffer);
        if (n <= 0) return;
        if (armed_.exchange(false)) {
          window_start = from_guest + drop_skip_;
          window_end = window_start + drop_length_;
        }
        if (always_lossy_ && n > 140) {  // a stretch of every long read, past any reply's header
          window_start = from_guest + 40;
          window_end = window_start + 100;
        }
        std::size_t begin = from_guest, end = from_guest + static_cast<std::size_t>(n);
        from_guest = end;
        // [begin, end) minus [window_start, window_end)
        std::size_t keep_to = std::clamp(window_start, begin, end), resume = std::clamp(window_end, begin, end);
        if (!forward(buffer, keep_to - begin) || !forward(buffer + (resume - begin), end - resume)) return;
      }
    }
  }

  std::atomic<std::size_t> drop_skip_{0}, drop_length_{0};
  std::atomic<bool> armed_{false}, always_lossy_{false};
  int relay_host_ = -1, relay_guest_ = -1;
  std::thread relay_;
  bp::child shell_;
  std::unique_ptr<Channel> channel_;
};

TEST_F(ChannelThroughLossyRelay, AShortPartIsFetchedAgain) {
  drop(150000, 5001);  // inside the third part of the output below (each part is 64 KiB of base64)
  CommandResult result;
  ASSERT_EQ(channel_->run("head -c 600000 /dev/zero | tr '\\000' y", 60s, result), Channel::Status::ok);
  EXPECT_EQ(result.out, std::string(600000, 'y'));
}

TEST_F(ChannelThroughLossyRelay, ShortInlineOutputIsFetchedAgain) {
  drop(1000, 4000);  // inside the inline base64 of the reply
  CommandResult result;
  ASSERT_EQ(channel_->run("head -c 20000 /dev/zero | tr '\\000' z", 60s, result), Channel::Status::ok);
  EXPECT_EQ(result.out, std::string(20000, 'z'));
}

TEST_F(ChannelThroughLossyRelay, OutputThatNeverArrivesWholeIsAnError) {
  CommandResult result;
  ASSERT_EQ(channel_->run("head -c 100000 /dev/zero > /tmp/avm-lossy-test", 10s, result), Channel::Status::ok);
  // Every part request is answered short: the channel gives up instead of returning less.
  always_lossy_ = true;
  EXPECT_THROW(channel_->run("cat /tmp/avm-lossy-test", 60s, result), ChannelError);
}

}  // namespace
}  // namespace auditvm::machine
