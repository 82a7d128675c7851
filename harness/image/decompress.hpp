// The compressions Debian's kernels use, for the kernel payload and for modules (.ko.gz, .ko.xz,
// .ko.zst): told apart by their magic bytes, each decoded as one stream (trailing bytes, such as
// the size the kernel's build appends to its payload, are ignored).
#pragma once

#include <string>
#include <string_view>

namespace auditvm::image {

enum class Compression { none, gzip, xz, zstd };
std::string_view to_string(Compression compression);

// By the magic bytes at the start of `data`; none when it is none of the three.
Compression detect_compression(std::string_view data);

// Decodes the stream at the start of `data`. `what` names the data in the InfraError thrown when
// it is corrupt or truncated (e.g. "linux-modules-7.2.13+deb14-amd64: .../nls_ascii.ko.xz").
std::string decompress(std::string_view data, Compression compression, const std::string& what);

}  // namespace auditvm::image
