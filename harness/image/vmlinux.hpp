// x86_64 guests boot the ELF vmlinux through PVH: it skips the bzImage's ~3 s XZ decompressor
// under TCG. This pulls the ELF out of the bzImage's XZ payload with liblzma.
#pragma once

#include <string>

namespace auditvm::image {

// Returns the ELF image inside a bzImage whose payload is XZ-compressed. Throws InfraError.
std::string extract_vmlinux(const std::string& bzimage);

}  // namespace auditvm::image
