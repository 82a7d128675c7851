// bench/events.sh's measuring program: boots one guest of an arch with the STIG fix loaded and
// auditd running, then times N witness-like events the way a cell makes them (one calls script,
// auditd's log synced, read back and parsed), for each N asked. Prints one line per N and the
// cost per additional event against N = 0. Not a test: it asserts nothing but that calls ran.
//   bench_events ARCH N... (e.g. x86_64 0 10 100 1000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "check/call_outcomes.hpp"
#include "image/builder.hpp"
#include "machine/channel.hpp"
#include "machine/machine.hpp"
#include "records/audit_log.hpp"
#include "scenario/guest_calls.hpp"
#include "scenario/guest_commands.hpp"

using namespace auditvm;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds used by this process's QEMU child (user + system): on a busy host the guest's wall
// time stretches, its emulation work does not; on an idle one the two agree (one TCG vCPU).
double qemu_cpu_seconds() {
  double total = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos || text.find("(qemu-system") == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid != ::getpid()) continue;
    std::string skip;
    for (int i = 0; i < 9; ++i) fields >> skip;  // pgrp .. cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    total += (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return total;
}

// Every producible outcome in turn, both ABIs, root and a user, both login modes, every 5th from
// the alternate executable: what a witness list looks like.
std::vector<scenario::GuestCall> events(std::size_t count) {
  std::vector<scenario::GuestCall> calls;
  const auto outcomes = check::call_outcomes();
  for (std::size_t i = 0; calls.size() < count; ++i) {
    const auto& outcome = outcomes[i % outcomes.size()];
    check::Event e;
    e.abi = (i / outcomes.size()) % 2 ? Abi::b32 : Abi::b64;
    e.syscall = std::string(outcome.syscall);
    e.auid = i % 3 ? 1000 : 4294967294U;
    e.uid = e.euid = e.gid = (i / 2) % 2 ? 1000 : 0;
    e.success = outcome.error_number == 0;
    e.exit_code = -outcome.error_number;
    e.login = i % 7 ? check::LoginMode::inherited : check::LoginMode::self;
    e.alternate_exe = i % 5 == 0;
    // Not every outcome can be made on every ABI (aarch64's b64 has only the *at file calls).
    if (auto call = scenario::call_for(e, static_cast<int>(calls.size()))) calls.push_back(*call);
  }
  return calls;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen + "\n";
}

struct Timing {
  double calls = 0, log = 0, parse = 0;
  double cpu = 0;  // QEMU's CPU time over calls and log
  double total() const { return calls + log + parse; }
};

// `count` calls of one outcome (one row of call_outcomes), one identity that the rules record.
std::vector<scenario::GuestCall> events_of(const check::CallOutcome& outcome, std::size_t count) {
  std::vector<scenario::GuestCall> calls;
  for (std::size_t i = 0; i < count; ++i) {
    check::Event e;
    e.syscall = std::string(outcome.syscall);
    e.auid = 1000;
    e.success = outcome.error_number == 0;
    e.exit_code = -outcome.error_number;
    if (auto call = scenario::call_for(e, static_cast<int>(i))) calls.push_back(*call);
  }
  return calls;
}

Timing measure(machine::Machine& guest, const std::vector<scenario::GuestCall>& calls, int run) {
  const std::size_t count = calls.size();
  auto must = [&](const std::string& script) {
    auto r = guest.run(script, 600s);
    if (r.exit_status != 0) throw std::runtime_error(script + ": " + r.out + r.err);
    return r;
  };
  must(": > " + std::string(scenario::kAuditLog));  // each measurement reads only its own records
  Timing t;
  double cpu = qemu_cpu_seconds();
  auto start = Clock::now();
  auto out = guest.run(scenario::calls_script(calls, guest.manifest()), 600s);
  t.calls = seconds_since(start);
  start = Clock::now();
  must(scenario::sync_audit_log_script("auditvm-bench-" + std::to_string(count) + "-" + std::to_string(run)));
  auto log = guest.read_file(scenario::kAuditLog, 120s);
  t.log = seconds_since(start);
  t.cpu = qemu_cpu_seconds() - cpu;
  start = Clock::now();
  auto results = scenario::parse_call_results(out.out, calls);
  auto records = records::parse_audit_log(log);
  t.parse = seconds_since(start);
  for (const auto& r : results)
    if (!r.ran) throw std::runtime_error("a call did not run: " + r.setup_failed + " " + r.raw);
  if (count > 0 && records.empty()) throw std::runtime_error("no records: the rules did not load");
  return t;
}

// --profile N: where the guest's time goes while it makes N events (the calls only: no log read).
// The guest's own accounting (USER_HZ ticks): all CPU from /proc/stat, the runner's process tree
// from the shell's `times` (its callers' system time holds the kernel's record generation, which
// runs at their syscall's exit), auditd's from its stat; the rest is the kernel's threads and
// interrupts. Read with bash builtins only, so the probes fork nothing inside the interval.
void profile(machine::Machine& guest, const std::vector<scenario::GuestCall>& calls, const char* arch, const char* label) {
  const std::string probe = R"SH(read -r -a __cpu < /proc/stat; read -r -a __ad < /proc/$__apid/stat
echo "cpu ${__cpu[*]:1:7} auditd ${__ad[13]} ${__ad[14]}" >&2; times >&2
)SH";
  guest.run(": > " + std::string(scenario::kAuditLog), 60s);
  const std::string script = "__apid=$(pidof auditd)\n" + probe + scenario::calls_script(calls, guest.manifest()) + probe;
  auto start = Clock::now();
  auto out = guest.run(script, 600s);
  const double wall = seconds_since(start);
  for (const auto& r : scenario::parse_call_results(out.out, calls))
    if (!r.ran) throw std::runtime_error("a call did not run: " + r.setup_failed + " " + r.raw);
  // Two probes, each: "cpu user nice system idle iowait irq softirq auditd utime stime", then
  // `times`: the shell's "Nm.NNNs Nm.NNNs" and its children's.
  std::vector<std::vector<double>> cpu;
  {
    std::istringstream lines(out.err);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("cpu ", 0) != 0) continue;
      std::istringstream words(line.substr(4));
      std::vector<double> v;
      for (std::string w; words >> w;)
        if (w != "auditd") v.push_back(std::stod(w));
      cpu.push_back(v);
    }
  }
  // `times` prints two lines per probe: the shell's own, then its children's.
  std::vector<double> child_times;
  {
    std::istringstream again(out.err);
    int times_line = 0;
    for (std::string line; std::getline(again, line);) {
      if (line.rfind("cpu ", 0) == 0) { times_line = 0; continue; }
      if (++times_line != 2) continue;
      auto seconds = [](const std::string& t) { auto m = t.find('m'); return std::stod(t.substr(0, m)) * 60 + std::stod(t.substr(m + 1)); };
      std::istringstream words(line);
      std::string user, system;
      words >> user >> system;
      child_times.push_back(seconds(user));
      child_times.push_back(seconds(system));
    }
  }
  if (cpu.size() != 2 || cpu[0].size() != 9 || cpu[1].size() != 9 || child_times.size() != 4)
    throw std::runtime_error("the profile probes came back unreadable: " + out.err);
  // Per-task times (scheduler-accurate); /proc/stat's tick counts lose ticks when the host does not
  // run the vCPU, so only the tasks are set against the wall time.
  const double hz = 100;  // USER_HZ
  const double auditd = (cpu[1][7] + cpu[1][8] - cpu[0][7] - cpu[0][8]) / hz;
  const double user = child_times[2] - child_times[0], system = child_times[3] - child_times[1];
  const double n = static_cast<double>(calls.size());
  std::printf("%s: %zu events%s: per event %.2f ms wall: runner and callers %.2f ms user, %.2f ms system (the kernel's records "
              "included), auditd %.2f ms, the rest (channel, kernel threads, the host not running the guest) %.2f ms\n",
              arch, calls.size(), label, 1000 * wall / n, 1000 * user / n, 1000 * system / n, 1000 * auditd / n,
              1000 * (wall - user - system - auditd) / n);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is measured
  if (argc < 3) {
    std::cerr << "usage: bench_events ARCH N...   or   bench_events ARCH --by-outcome N   or   bench_events ARCH --profile N\n";
    return 2;
  }
  const bool by_outcome = std::string(argv[2]) == "--by-outcome", profiling = std::string(argv[2]) == "--profile";
  try {
    Arch arch = *parse_arch(argv[1]);
    std::vector<std::size_t> counts;
    for (int i = by_outcome || profiling ? 3 : 2; i < argc; ++i) counts.push_back(std::stoul(argv[i]));
    if (counts.empty()) throw std::runtime_error("no count");
    auto manifest = image::find_image(arch);
    if (!manifest) throw std::runtime_error("build the images first: auditvm image build --arch all");
    machine::BootOptions boot;
    boot.accel = machine::Accel::tcg;
    boot.extra_kernel_params = {"audit=1", "audit_backlog_limit=8192"};
    auto guest = machine::make_machine(*manifest, boot, {machine::Backend::qemu, ""});
    auto start = Clock::now();
    guest->boot();
    double boot_s = seconds_since(start);
    std::string rules;
    for (const char* abi : {"b32", "b64"})
      rules += std::string("-a always,exit -F arch=") + abi + " -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";
    if (guest->run("printf %s " + machine::ansi_c_quote(rules) + " > " + scenario::kRulesFile + " && auditctl -R " + scenario::kRulesFile, 60s).exit_status != 0) throw std::runtime_error("loading rules failed");
    if (guest->run(scenario::start_auditd_script(), 60s).exit_status != 0) throw std::runtime_error("auditd did not start");
    std::printf("%s: boot to shell %.2f s (auditvm's QEMU backend); host load %s", argv[1], boot_s, load_average().c_str());
    if (profiling) {  // with the rules, then without any (no record made): the records' own cost
      profile(*guest, events(counts.front()), argv[1], " recorded by the STIG fix");
      if (guest->run("auditctl -D >/dev/null", 60s).exit_status != 0) throw std::runtime_error("auditctl -D failed");
      profile(*guest, events(counts.front()), argv[1], " with no rules loaded");
      return 0;
    }
    if (by_outcome) {  // what each kind of event costs: N of it against none, best of 2
      auto best_of = [&](const std::vector<scenario::GuestCall>& calls) {
        Timing a = measure(*guest, calls, 0), b = measure(*guest, calls, 1);
        return a.total() < b.total() ? a : b;
      };
      Timing none = best_of({});
      const double n = static_cast<double>(counts.front());
      for (const auto& outcome : check::call_outcomes()) {
        auto calls = events_of(outcome, counts.front());
        if (calls.empty()) continue;  // not made on this arch's b64
        Timing t = best_of(calls);
        std::printf("%s: %-13s %-7s %8s/%-6s/%-11s  %6.2f ms per event (guest CPU %.2f ms)\n", argv[1], std::string(outcome.syscall).c_str(),
                    outcome.error_number ? std::to_string(outcome.error_number).c_str() : "success", std::string(check::to_string(outcome.before)).c_str(),
                    std::string(check::to_string(outcome.capability)).c_str(), std::string(check::to_string(outcome.argument)).c_str(),
                    1000 * (t.total() - none.total()) / n, 1000 * (t.cpu - none.cpu) / n);
      }
      return 0;
    }
    const int runs = 3;
    double base = 0, base_cpu = 0;
    for (std::size_t count : counts) {
      std::vector<Timing> timings;
      for (int run = 0; run < runs; ++run) timings.push_back(measure(*guest, events(count), run));
      auto best = *std::min_element(timings.begin(), timings.end(), [](const Timing& a, const Timing& b) { return a.total() < b.total(); });
      if (count == counts.front()) base = best.total(), base_cpu = best.cpu;
      std::printf("%s: %5zu events  %7.3f s  (calls %.3f, log %.3f, parse %.3f; guest CPU %.3f; best of %d)", argv[1], count, best.total(),
                  best.calls, best.log, best.parse, best.cpu, runs);
      if (count > counts.front()) {
        double extra = static_cast<double>(count - counts.front());
        std::printf("  %.2f ms per additional event (guest CPU %.2f ms)", 1000 * (best.total() - base) / extra, 1000 * (best.cpu - base_cpu) / extra);
      }
      std::printf("\n");
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_events: " << e.what() << "\n";
    return 2;
  }
}
