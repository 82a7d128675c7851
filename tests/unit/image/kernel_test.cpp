// Debian's kernel packagings and compressions, with data compressed here by the real libraries
// (liblzma, zlib, libzstd): single-stream decoding with trailing bytes, the bzImage payload found
// through its boot-protocol header, arm64 Images plain, gzip'd and in an EFI zboot wrapper, and
// the kernel's files in both package layouts, with built-in drivers and compressed modules.
#include <gtest/gtest.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <fstream>

#include "core/errors.hpp"
#include "image/decompress.hpp"
#include "image/kernel_tree.hpp"
#include "image/vmlinux.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::image {
namespace {

namespace fs = std::filesystem;

// Something compressible and recognisable, bigger than one decoder chunk.
std::string sample(const std::string& head) {
  std::string data = head;
  for (int i = 0; data.size() < 300000; ++i) data += "line " + std::to_string(i) + " of the payload\n";
  return data;
}

std::string compress(const std::string& data, Compression compression) {
  std::string out;
  if (compression == Compression::xz) {
    out.resize(lzma_stream_buffer_bound(data.size()));
    size_t written = 0;
    EXPECT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                      reinterpret_cast<uint8_t*>(out.data()), &written, out.size()), LZMA_OK);
    out.resize(written);
  } else if (compression == Compression::zstd) {
    out.resize(ZSTD_compressBound(data.size()));
    size_t written = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 19);
    EXPECT_FALSE(ZSTD_isError(written));
    out.resize(written);
  } else if (compression == Compression::gzip) {
    z_stream stream{};
    EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    out.resize(deflateBound(&stream, data.size()) + 32);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
  } else {
    out = data;
  }
  return out;
}

void put_le32(std::string& data, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) data[at + static_cast<size_t>(i)] = static_cast<char>(value >> (8 * i));
}

// A bzImage as the x86 boot protocol lays it out: setup sectors with the header, then the
// protected-mode code holding the compressed payload, then the 4-byte size the kernel's build appends.
std::string bzimage(const std::string& payload, unsigned setup_sects = 27) {
  std::string image((setup_sects + 1) * 512, '\0');
  image[0x1f1] = static_cast<char>(setup_sects);
  image.replace(0x202, 4, "HdrS");
  image[0x206] = 0x0f;  // protocol 2.15
  image[0x207] = 0x02;
  const uint32_t offset = 716;  // as in Debian's 7.3.4 amd64 kernel
  put_le32(image, 0x248, offset);
  put_le32(image, 0x24c, static_cast<uint32_t>(payload.size() + 4));
  image += std::string(offset, '\x90') + payload + "SIZE" + std::string(4096, '\xCC');
  return image;
}

std::string arm64_kernel() {
  std::string image = sample("");
  image.replace(56, 4, "ARM\x64");
  return image;
}

class Kernel : public test::TempDirTest {
 protected:
  Kernel() : TempDirTest("kernel") {}
  void write(const std::string& path, const std::string& data) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream(dir_ / path, std::ios::binary) << data;
  }
};

class EachCompression : public testing::TestWithParam<Compression> {};

TEST_P(EachCompression, OneStreamDecodesAndTrailingBytesAreIgnored) {
  const std::string data = sample("\x7F" "ELF");
  const std::string packed = compress(data, GetParam());
  ASSERT_LT(packed.size(), data.size() / 4);
  EXPECT_EQ(detect_compression(packed), GetParam());
  EXPECT_EQ(decompress(packed + "trailing garbage", GetParam(), "test data"), data);
}

TEST_P(EachCompression, TruncatedDataIsAnErrorNamingTheData) {
  const std::string packed = compress(sample(""), GetParam());
  try {
    decompress(packed.substr(0, packed.size() / 2), GetParam(), "linux-modules-7.2.13+deb14-amd64: nls_ascii.ko");
    FAIL() << "decoded half a stream";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("linux-modules-7.2.13+deb14-amd64: nls_ascii.ko"), std::string::npos) << e.what();
  }
}

TEST_P(EachCompression, TheBzImagePayloadIsFoundThroughItsHeader) {
  const std::string elf = sample("\x7F" "ELF");
  EXPECT_EQ(extract_vmlinux(bzimage(compress(elf, GetParam())), "vmlinuz"), elf);
}

TEST_P(EachCompression, AnArm64ImageIsDecompressedPlainOrInsideAZbootWrapper) {
  const std::string image = arm64_kernel();
  const std::string packed = compress(image, GetParam());
  EXPECT_EQ(arm64_image(packed, "vmlinuz"), image);
  // EFI zboot: "MZ", "zimg", payload offset and size, compression name at 24.
  std::string zboot(512, '\0');
  zboot.replace(0, 2, "MZ");
  zboot.replace(4, 4, "zimg");
  put_le32(zboot, 8, 512);
  put_le32(zboot, 12, static_cast<uint32_t>(packed.size()));
  const std::string name(to_string(GetParam()));
  zboot.replace(24, name.size(), name);
  EXPECT_EQ(arm64_image(zboot + packed + std::string(64, '\0'), "vmlinuz"), image);
}

INSTANTIATE_TEST_SUITE_P(Debian, EachCompression, testing::Values(Compression::gzip, Compression::xz, Compression::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Vmlinuz, UncompressedArm64ImageIsTakenAsIs) { EXPECT_EQ(arm64_image(arm64_kernel(), "vmlinuz"), arm64_kernel()); }

TEST(Vmlinuz, ErrorsNameTheFile) {
  auto message = [](auto call) {
    try {
      call();
    } catch (const InfraError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string file = "linux-binary-7.2.13+deb14-amd64: /usr/lib/modules/7.2.13+deb14-amd64/vmlinuz";
  EXPECT_NE(message([&] { extract_vmlinux(sample(""), file); }).find(file + ": not a bzImage"), std::string::npos);
  // A payload in a compression auditvm does not read (lz4's magic), and one that is no ELF.
  EXPECT_NE(message([&] { extract_vmlinux(bzimage("\x02\x21\x4c\x18" + sample("")), file); }).find("compression"), std::string::npos);
  EXPECT_NE(message([&] { extract_vmlinux(bzimage(compress(sample("not elf"), Compression::zstd)), file); }).find("not an ELF kernel"),
            std::string::npos);
  EXPECT_NE(message([&] { arm64_image(compress(sample("x"), Compression::gzip), file); }).find(file), std::string::npos);
}

TEST(ModuleNames, AnyCompressionSuffix) {
  EXPECT_EQ(module_name("kernel/fs/nls/nls_ascii.ko"), "nls_ascii");
  EXPECT_EQ(module_name("nls_ascii.ko.xz"), "nls_ascii");
  EXPECT_EQ(module_name("9pnet_virtio.ko.zst"), "9pnet_virtio");
  EXPECT_EQ(module_name("virtio.ko.gz"), "virtio");
  EXPECT_FALSE(module_name("modules.builtin"));
  EXPECT_FALSE(module_name("vmlinuz"));
}

TEST_F(Kernel, BookwormLayoutBootVmlinuzAndPlainModules) {
  const std::string v = "6.1.0-57-amd64";
  write("boot/vmlinuz-" + v, "kernel");
  write("lib/modules/" + v + "/kernel/fs/nls/nls_ascii.ko", "\x7F" "ELF nls");
  write("lib/modules/" + v + "/kernel/drivers/virtio/virtio.ko", "\x7F" "ELF virtio");
  auto kernel = find_kernel(dir_, "linux-image-" + v);
  EXPECT_EQ(kernel.version, v);
  EXPECT_EQ(kernel.vmlinuz, dir_ / ("boot/vmlinuz-" + v));
  EXPECT_EQ(loadable_module(kernel, "nls_ascii").elf, "\x7F" "ELF nls");
  ASSERT_EQ(guest_drivers(kernel, {"virtio"}).modules.size(), 1U);
}

TEST_F(Kernel, SplitPackagesUsrLibVmlinuzCompressedAndBuiltInModules) {
  const std::string v = "7.2.13+deb14-amd64", dir = "usr/lib/modules/" + v + "/";
  write(dir + "vmlinuz", "kernel");
  write(dir + "modules.builtin", "kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\n");
  const std::string nls = sample("\x7F" "ELF nls"), p9 = sample("\x7F" "ELF 9p"), net = sample("\x7F" "ELF 9pnet");
  write(dir + "kernel/fs/nls/nls_ascii.ko.xz", compress(nls, Compression::xz));
  write(dir + "kernel/fs/9p/9p.ko.zst", compress(p9, Compression::zstd));
  write(dir + "kernel/net/9p/9pnet.ko.gz", compress(net, Compression::gzip));
  auto kernel = find_kernel(dir_, "linux-binary-" + v + ", linux-modules-" + v);
  EXPECT_EQ(kernel.version, v);
  EXPECT_EQ(kernel.vmlinuz, dir_ / (dir + "vmlinuz"));
  auto guest = guest_drivers(kernel, {"virtio_ring", "virtio", "9pnet", "fscache", "9p"});
  auto& drivers = guest.modules;
  ASSERT_EQ(drivers.size(), 2U);  // the built-in two are left out, the order is kept
  EXPECT_EQ(guest.built_in, (std::vector<std::string>{"virtio_ring", "virtio"}));
  EXPECT_EQ(guest.absent, (std::vector<std::string>{"fscache"}));  // part of netfs since 6.8
  EXPECT_EQ(drivers[0].name, "9pnet");
  EXPECT_EQ(drivers[0].elf, net);
  EXPECT_EQ(drivers[1].elf, p9);
  EXPECT_EQ(loadable_module(kernel, "nls_ascii").elf, nls);
}

TEST_F(Kernel, MissingPiecesAreErrorsNamingThePackages) {
  const std::string v = "7.2.13+deb14-amd64", dir = "usr/lib/modules/" + v + "/";
  const std::string packages = "linux-image-" + v + " 7.2.13-1, linux-modules-" + v + " 7.2.13-1";
  write(dir + "modules.builtin", "kernel/fs/nls/nls_ascii.ko\n");
  try {
    find_kernel(dir_, packages);
    FAIL() << "found a kernel without vmlinuz";
  } catch (const InfraError& e) {
    EXPECT_EQ(std::string(e.what()), "no kernel in " + packages + ": neither /boot/vmlinuz-" + v + " nor /usr/lib/modules/" + v + "/vmlinuz");
  }
  write(dir + "vmlinuz", "kernel");
  auto kernel = find_kernel(dir_, packages);
  try {
    loadable_module(kernel, "nls_ascii");
    FAIL() << "a built-in test module was accepted";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("built in"), std::string::npos) << e.what();
  }
}

TEST_F(Kernel, NoModulesDirectoryNamesThePackages) {
  fs::create_directories(dir_ / "usr");
  try {
    find_kernel(dir_, "linux-image-7.3.4+deb13-amd64");
    FAIL();
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("no kernel modules in linux-image-7.3.4+deb13-amd64"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace auditvm::image
