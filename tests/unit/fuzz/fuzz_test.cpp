// A seeded mutation fuzzer over every parser of user input: the rules parser, the scenario
// loader, NixOS configuration fragments, STIG data and image manifests. Seeds are the files in
// tests/fuzz/corpus/<target>/; each is mutated (bit flips, truncation, inserted and deleted bytes,
// deep nesting, huge numbers, NUL and invalid UTF-8) and every result must either load or be an
// InputError: never another exception, never a crash (the sanitizer build runs this too), and
// never a long stall. The seed is fixed, so a failure reproduces; AUDITVM_FUZZ_ITERATIONS and
// AUDITVM_FUZZ_SEED run it longer or differently.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>

#include "check/stig.hpp"
#include "core/errors.hpp"
#include "core/json_file.hpp"
#include "image/manifest.hpp"
#include "nixos/config.hpp"
#include "rules/parser.hpp"
#include "scenario/scenario.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;

std::size_t env_number(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  return value ? std::strtoull(value, nullptr, 10) : fallback;
}

std::vector<std::string> seeds(const std::string& target) {
  std::vector<std::string> out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(AUDITVM_FUZZ_CORPUS) / target)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // directory order is not stable; the mutations must be
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : random_(seed) {}

  std::string mutate(std::string text) {
    int rounds = 1 + pick(3);
    for (int i = 0; i < rounds; ++i) text = once(std::move(text));
    return text;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  std::size_t at(const std::string& text) { return pick(text.size() + 1); }

  std::string once(std::string text) {
    static const std::vector<std::string> tokens = {
        "1e400", "-1e400", "99999999999999999999", "-9223372036854775809", "18446744073709551616", "\"99999999999999999999%\"",
        "\\u0000", std::string(1, '\0'), "\xff", "\xc0\xaf", "\xed\xa0\x80", "\"", "\\", "{", "}", "[", "]", ",", ":", "null",
        "true", "\"unset\"", "-F ", "-S ", "arch=b32 ", "auid>=", "4294967295", "-4294967296", "\n", "\r\n", "\t", "%", "~1", "/",
        "-a always,exit ", "-w /", " -k ", "=", "!=", "&", "0x", "-", "--", "\"lock\"", "[]", "{}"};
    switch (pick(9)) {
      case 0:  // flip a bit
        if (!text.empty()) text[pick(text.size())] ^= static_cast<char>(1 << pick(8));
        return text;
      case 1:  // cut off the end
        return text.substr(0, at(text));
      case 2: {  // insert a random byte
        text.insert(at(text), 1, static_cast<char>(pick(256)));
        return text;
      }
      case 3: {  // delete a range
        std::size_t from = at(text);
        return text.erase(from, pick(std::min<std::size_t>(64, text.size() - from + 1)));
      }
      case 4: {  // duplicate a range somewhere else
        std::size_t from = at(text);
        std::string piece = text.substr(from, pick(128));
        text.insert(at(text), piece);
        return text;
      }
      case 5: {  // an interesting token
        text.insert(at(text), tokens[pick(tokens.size())]);
        return text;
      }
      case 6: {  // replace a value with an interesting token
        std::size_t from = at(text);
        text.replace(from, pick(8), tokens[pick(tokens.size())]);
        return text;
      }
      case 7: {  // deep nesting, balanced or not
        std::size_t depth = 1 + pick(3000);
        bool arrays = pick(2);
        std::string open, close(depth, arrays ? ']' : '}');
        for (std::size_t i = 0; i < depth; ++i) open += arrays ? "[" : "{\"a\":";
        text.insert(at(text), open + "1" + (pick(4) ? close : ""));
        return text;
      }
      default: {  // a long run of one byte
        text.insert(at(text), std::string(1 + pick(5000), static_cast<char>(pick(256))));
        return text;
      }
    }
  }

  std::mt19937_64 random_;
};

// `load` must accept `input` or throw InputError; anything else fails the test with the input
// saved beside the test's temporary directory so that it can be replayed.
class Fuzz : public test::TempDirTest {
 protected:
  Fuzz() : TempDirTest("fuzz") {}

  void run(const std::string& target, const std::function<void(const fs::path&, const std::string&)>& load) {
    const std::size_t iterations = env_number("AUDITVM_FUZZ_ITERATIONS", 250);
    Mutator mutator(env_number("AUDITVM_FUZZ_SEED", 15));
    const auto corpus = seeds(target);
    ASSERT_FALSE(corpus.empty()) << "no seeds for " << target;
    std::size_t loaded = 0, rejected = 0;
    for (std::size_t i = 0; i < iterations; ++i) {
      const std::string& seed = corpus[i % corpus.size()];
      std::string input = i < corpus.size() ? seed : mutator.mutate(seed);
      fs::path file = dir_ / ("input" + std::string(target == "rules" ? ".rules" : ".json"));
      std::ofstream(file, std::ios::binary | std::ios::trunc) << input;
      auto started = std::chrono::steady_clock::now();
      try {
        load(file, input);
        ++loaded;
      } catch (const InputError& e) {
        ++rejected;
        EXPECT_EQ(std::string(e.what()).find('\0'), std::string::npos);
      } catch (const std::exception& e) {
        ADD_FAILURE() << target << " input " << i << " threw " << typeid(e).name() << ": " << e.what() << "\n  saved as " << save(target, i, input);
      }
      auto took = std::chrono::steady_clock::now() - started;
      EXPECT_LT(took, std::chrono::seconds(10)) << target << " input " << i << " took too long; saved as " << save(target, i, input);
      if (i < corpus.size()) EXPECT_EQ(rejected, 0U) << target << " seed " << i << " must load";
    }
    // A fuzzer whose mutants all fail at the first byte tests nothing.
    EXPECT_GT(loaded, corpus.size()) << target;
    EXPECT_GT(rejected, 0U) << target;
  }

  std::string save(const std::string& target, std::size_t i, const std::string& input) {
    fs::path kept = fs::temp_directory_path() / ("auditvm-fuzz-" + target + "-" + std::to_string(i));
    std::ofstream(kept, std::ios::binary) << input;
    return kept.string();
  }
};

TEST_F(Fuzz, RulesParser) {
  run("rules", [](const fs::path& file, const std::string& text) {
    for (Arch arch : all_arches()) rules::parse_rules(text, arch, file.string());
  });
}

TEST_F(Fuzz, ScenarioLoader) {
  run("scenario", [](const fs::path& file, const std::string&) { scenario::load_scenario(file); });
}

TEST_F(Fuzz, NixosConfiguration) {
  run("config", [](const fs::path& file, const std::string&) {
    try {
      nixos::load_config_file(file, nixos::ModuleVersion::nixos_24_11);  // which has no auditd settings
    } catch (const InputError&) {
    }
    nixos::load_config_file(file, nixos::ModuleVersion::current);
  });
}

TEST_F(Fuzz, StigData) {
  run("stig", [](const fs::path& file, const std::string&) { check::load_stig_rule(file); });
}

TEST_F(Fuzz, ImageManifest) {
  run("manifest", [](const fs::path& file, const std::string&) { image::load_manifest(file); });
}

TEST_F(Fuzz, JsonDocuments) {
  run("config", [](const fs::path& file, const std::string& text) {
    auto document = parse_json_document(text, file.string(), "document");
    document.lines.line_of("/security/audit/enable");
  });
}

}  // namespace
}  // namespace auditvm
