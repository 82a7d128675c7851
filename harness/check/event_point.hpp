// A concrete call as the model sees it: its syscall number and the single point of the event space
// it is (shared by predict and predict_access).
#pragma once

#include "check/coverage.hpp"

namespace auditvm::check {

// The event's syscall number on its ABI; InputError when that ABI has no such call.
int syscall_of(Arch arch, const Event& event);
Box event_point(const Event& event);

}  // namespace auditvm::check
