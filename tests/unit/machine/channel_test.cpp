// The channel against a real bash reading commands from a socket, as the guest's does.
#include <gtest/gtest.h>

#include <boost/process.hpp>
#include <sys/socket.h>

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

TEST(Framing, RepliesParseAndJunkDoesNot) {
  FramedReply reply;
  ASSERT_TRUE(parse_channel_reply("@avm@ 7 3 aGkh ", reply));
  EXPECT_EQ(reply.seq, 7U);
  EXPECT_EQ(reply.result.exit_status, 3);
  EXPECT_EQ(reply.result.out, "hi!");
  EXPECT_EQ(reply.result.err, "");
  EXPECT_FALSE(parse_channel_reply("[   1.0] audit: type=1300", reply));
  EXPECT_FALSE(parse_channel_reply("@avm@ x 0 a b", reply));
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
    channel_ = std::make_unique<Channel>(fds[0]);
    ASSERT_EQ(channel_->wait_for_banner(Clock::now() + 10s), Channel::Wait::ready);
    channel_->install();
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
  EXPECT_EQ(channel_->run("sleep 20", 1s, result), Channel::Status::timed_out);
  ASSERT_EQ(channel_->run("echo next", 30s, result), Channel::Status::ok);
  EXPECT_EQ(result.out, "next\n");
}

TEST_F(ChannelWithBash, ShellExitIsReportedAsClosed) {
  CommandResult result;
  channel_->send_raw("exit 0\n");
  EXPECT_EQ(channel_->run("echo never", 10s, result), Channel::Status::closed);
}

}  // namespace
}  // namespace auditvm::machine
