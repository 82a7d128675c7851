#include "machine/cleanup.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace auditvm::machine {
namespace {

std::mutex registry_mutex;
std::map<int, std::function<void()>> registry;
int next_id = 1;
std::atomic<bool> stopping{false};
std::atomic<long> graceful_seconds{0};

}  // namespace

void install_signal_cleanup() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int received = 0;
    sigwait(&signals, &received);
    stopping = true;
    // The registry stays locked until _exit: a machine being destroyed meanwhile waits in
    // unregister_cleanup (GuestMachine::retire) before touching its VM, so every teardown here
    // reaches a live machine, and no machine registers after the sweep (boot refuses once
    // stopping). A graceful command gets the lock back after the sweep to end on its own.
    std::unique_lock lock(registry_mutex);
    for (auto& [id, teardown] : registry) {
      try {
        teardown();
      } catch (...) {
      }
    }
    static const char message[] = "auditvm: interrupted; all machines stopped and cleaned up\n";
    (void)!::write(2, message, sizeof message - 1);
    if (long grace = graceful_seconds; grace > 0) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::seconds(grace));  // main returns first, normally
    }
    _exit(128 + received);
  }).detach();
}

bool stop_requested() { return stopping; }

void allow_graceful_stop(std::chrono::seconds grace) { graceful_seconds = static_cast<long>(grace.count()); }

int register_cleanup(std::function<void()> teardown) {
  std::lock_guard lock(registry_mutex);
  registry[next_id] = std::move(teardown);
  return next_id++;
}

void unregister_cleanup(int id) {
  std::lock_guard lock(registry_mutex);
  registry.erase(id);
}

unsigned default_jobs() {
  unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long kib = 0;
  while (meminfo >> key >> kib)
    if (key == "MemAvailable:") break;
  unsigned by_memory = kib > 0 ? static_cast<unsigned>(std::max(1L, kib / (512L * 1024))) : cores;
  return std::min(cores, by_memory);
}

}  // namespace auditvm::machine
