#include "image/decompress.hpp"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

#include "core/errors.hpp"

namespace auditvm::image {
namespace {

constexpr std::size_t kChunk = 1 << 16;

std::string unxz(std::string_view data, const std::string& what) {
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&stream, UINT64_MAX, 0) != LZMA_OK) throw InfraError("liblzma: cannot start a decoder");
  std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> guard(&stream, lzma_end);
  std::string out;
  char buffer[kChunk];
  stream.next_in = reinterpret_cast<const uint8_t*>(data.data());
  stream.avail_in = data.size();
  lzma_ret status = LZMA_OK;
  while (status == LZMA_OK) {
    stream.next_out = reinterpret_cast<uint8_t*>(buffer);
    stream.avail_out = sizeof buffer;
    status = lzma_code(&stream, LZMA_FINISH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  if (status != LZMA_STREAM_END) throw InfraError(what + ": corrupt or truncated xz data (liblzma error " + std::to_string(status) + ")");
  return out;
}

std::string gunzip(std::string_view data, const std::string& what) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw InfraError("zlib: cannot start a decoder");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  std::string out;
  char buffer[kChunk];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended before the stream did
  }
  if (status != Z_STREAM_END) throw InfraError(what + ": corrupt or truncated gzip data (zlib error " + std::to_string(status) + ")");
  return out;
}

std::string unzstd(std::string_view data, const std::string& what) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!stream) throw InfraError("libzstd: cannot start a decoder");
  // The kernel's zstd payload is made with --ultra -22: allow windows beyond the default 2^27.
  ZSTD_DCtx_setParameter(stream.get(), ZSTD_d_windowLogMax, 31);
  std::string out;
  char buffer[kChunk];
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer chunk{buffer, sizeof buffer, 0};
    size_t left = ZSTD_decompressStream(stream.get(), &chunk, &in);
    if (ZSTD_isError(left)) throw InfraError(what + ": corrupt zstd data (" + ZSTD_getErrorName(left) + ")");
    out.append(buffer, chunk.pos);
    if (left == 0) return out;  // the frame is complete; what follows is not ours
    if (in.pos == in.size && chunk.pos < chunk.size) throw InfraError(what + ": truncated zstd data");
  }
}

}  // namespace

std::string_view to_string(Compression compression) {
  switch (compression) {
    case Compression::gzip: return "gzip";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
    case Compression::none: break;
  }
  return "none";
}

Compression detect_compression(std::string_view data) {
  if (data.starts_with("\x1F\x8B")) return Compression::gzip;
  if (data.starts_with(std::string_view("\xFD" "7zXZ\0", 6))) return Compression::xz;
  if (data.starts_with("\x28\xB5\x2F\xFD")) return Compression::zstd;
  return Compression::none;
}

std::string decompress(std::string_view data, Compression compression, const std::string& what) {
  switch (compression) {
    case Compression::gzip: return gunzip(data, what);
    case Compression::xz: return unxz(data, what);
    case Compression::zstd: return unzstd(data, what);
    case Compression::none: break;
  }
  return std::string(data);
}

}  // namespace auditvm::image
