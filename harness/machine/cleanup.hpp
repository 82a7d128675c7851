// Ctrl-C and SIGTERM: every live machine registers how to tear itself down; a signal thread runs
// those teardowns (kill QEMU, destroy domains, remove run directories) and exits 130/143.
#pragma once

#include <chrono>
#include <functional>

namespace auditvm::machine {

// Call first thing in main, before any thread starts (it blocks the signals process-wide).
void install_signal_cleanup();
bool stop_requested();
// A command that ends itself on a stop (difftest writes what it judged so far): after the
// teardowns the signal thread gives it `grace` to return from main before exiting 130/143 itself.
void allow_graceful_stop(std::chrono::seconds grace);

int register_cleanup(std::function<void()> teardown);
void unregister_cleanup(int id);

// The number of machines to run at once by default: cores, and memory at ~512 MiB per guest.
unsigned default_jobs();

}  // namespace auditvm::machine
