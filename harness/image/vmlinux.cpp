#include "image/vmlinux.hpp"

#include <cstdint>

#include "core/errors.hpp"
#include "image/decompress.hpp"

namespace auditvm::image {
namespace {

std::uint32_t le32(const std::string& data, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  return value;
}

bool is_arm64_image(const std::string& data) { return data.size() >= 64 && data.compare(56, 4, "ARM\x64") == 0; }

}  // namespace

std::string extract_vmlinux(const std::string& bzimage, const std::string& what) {
  // Boot protocol: "HdrS" at 0x202, version at 0x206 (payload fields since 2.08), setup_sects
  // at 0x1f1 (0 means 4), payload_offset/length at 0x248/0x24c, relative to the protected-mode code.
  if (bzimage.size() < 0x250 || bzimage.compare(0x202, 4, "HdrS") != 0) throw InfraError(what + ": not a bzImage (no HdrS header)");
  unsigned version = static_cast<unsigned char>(bzimage[0x206]) | static_cast<unsigned char>(bzimage[0x207]) << 8;
  if (version < 0x208) throw InfraError(what + ": bzImage boot protocol " + std::to_string(version >> 8) + "." + std::to_string(version & 0xff) + " has no payload fields");
  std::size_t setup_sects = static_cast<unsigned char>(bzimage[0x1f1]);
  std::size_t start = ((setup_sects ? setup_sects : 4) + 1) * 512 + le32(bzimage, 0x248);
  std::size_t length = le32(bzimage, 0x24c);
  if (start + length > bzimage.size()) throw InfraError(what + ": the bzImage's payload runs past its end");
  std::string_view payload(bzimage.data() + start, length);
  Compression compression = detect_compression(payload);
  if (compression == Compression::none) throw InfraError(what + ": the bzImage's payload is in a compression auditvm does not read (gzip, xz, zstd)");
  std::string elf = decompress(payload, compression, what + " (" + std::string(to_string(compression)) + " payload)");
  if (elf.size() < 4 || elf.compare(0, 4, "\x7F" "ELF") != 0) throw InfraError(what + ": the bzImage's payload is not an ELF kernel");
  return elf;
}

std::string arm64_image(const std::string& vmlinuz, const std::string& what) {
  if (is_arm64_image(vmlinuz)) return vmlinuz;
  std::string_view payload = vmlinuz;
  if (vmlinuz.size() >= 32 && vmlinuz.compare(0, 2, "MZ") == 0 && vmlinuz.compare(4, 4, "zimg") == 0) {
    std::size_t offset = le32(vmlinuz, 8), size = le32(vmlinuz, 12);
    if (offset + size > vmlinuz.size()) throw InfraError(what + ": the zboot image's payload runs past its end");
    payload = payload.substr(offset, size);
  }
  Compression compression = detect_compression(payload);
  if (compression == Compression::none) throw InfraError(what + ": not an arm64 Image, compressed Image or zboot image");
  std::string image = decompress(payload, compression, what + " (" + std::string(to_string(compression)) + ")");
  if (!is_arm64_image(image)) throw InfraError(what + ": decompressed, but not an arm64 Image (no ARM\\x64 magic at offset 56)");
  return image;
}

}  // namespace auditvm::image
