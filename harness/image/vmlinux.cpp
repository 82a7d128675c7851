#include "image/vmlinux.hpp"

#include <lzma.h>

#include "core/errors.hpp"

namespace auditvm::image {

std::string extract_vmlinux(const std::string& bzimage) {
  static const std::string xz_magic("\xFD" "7zXZ\0", 6);
  for (size_t at = bzimage.find(xz_magic); at != std::string::npos; at = bzimage.find(xz_magic, at + 1)) {
    lzma_stream stream = LZMA_STREAM_INIT;
    // The payload is followed by other data: decode one stream, stop at its end.
    if (lzma_stream_decoder(&stream, UINT64_MAX, 0) != LZMA_OK) throw InfraError("liblzma: cannot start decoder");
    std::string elf;
    char buffer[1 << 16];
    stream.next_in = reinterpret_cast<const uint8_t*>(bzimage.data() + at);
    stream.avail_in = bzimage.size() - at;
    lzma_ret status = LZMA_OK;
    while (status == LZMA_OK) {
      stream.next_out = reinterpret_cast<uint8_t*>(buffer);
      stream.avail_out = sizeof buffer;
      status = lzma_code(&stream, LZMA_FINISH);
      elf.append(buffer, sizeof buffer - stream.avail_out);
    }
    lzma_end(&stream);
    if (status == LZMA_STREAM_END && elf.size() > 4 && elf.compare(0, 4, "\x7F" "ELF") == 0) return elf;
  }
  throw InfraError("no XZ-compressed ELF kernel found in the bzImage");
}

}  // namespace auditvm::image
