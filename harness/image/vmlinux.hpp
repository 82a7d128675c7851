// The kernel QEMU boots, out of the vmlinuz Debian ships. x86_64 guests boot the ELF vmlinux
// through PVH (it skips the bzImage's decompressor, ~3 s under TCG); arm64 guests boot the
// uncompressed Image. Payloads may be gzip, xz or zstd.
#pragma once

#include <string>

namespace auditvm::image {

// The ELF image inside a bzImage, found through the boot protocol's payload_offset and
// payload_length. `what` names the file in the InfraError thrown when it is no such bzImage.
std::string extract_vmlinux(const std::string& bzimage, const std::string& what);

// The arm64 Image ("ARM\x64" at offset 56) from a vmlinuz that is the Image itself, the Image
// compressed (Debian's is gzip'd), or an EFI zboot image ("zimg") wrapping a compressed Image.
std::string arm64_image(const std::string& vmlinuz, const std::string& what);

}  // namespace auditvm::image
