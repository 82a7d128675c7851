// The kernel-semantics fixtures (tests/semantics/*.rules): each a rules file loaded as it is, with
// `# expect PROBE recorded [KEY] | none` lines saying what the kernel does with one finit_module
// call of each probe. Read by the unit test (the model) and the VM test (the kernel).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check/coverage.hpp"

namespace auditvm::test {

// One way of making the call (tests/semantics/README.md).
struct Probe {
  std::string name;
  Abi abi = Abi::b64;
  std::uint32_t auid = rules::kUnsetId;
  std::uint32_t uid = 0;  // also euid and gid
  check::LoginMode login = check::LoginMode::inherited;
};

inline const std::vector<Probe>& semantics_probes() {
  using check::LoginMode;
  static const std::vector<Probe> probes{
      {"inh1000/0", Abi::b64, 1000, 0, LoginMode::inherited},
      {"inh1000/1000", Abi::b64, 1000, 1000, LoginMode::inherited},
      {"self1000/0", Abi::b64, 1000, 0, LoginMode::self},
      {"self1000/1000", Abi::b64, 1000, 1000, LoginMode::self},
      {"unset/0", Abi::b64, rules::kUnsetId, 0, LoginMode::inherited},
      {"unset/1000", Abi::b64, rules::kUnsetId, 1000, LoginMode::inherited},
      {"b32inh1000/0", Abi::b32, 1000, 0, LoginMode::inherited},
      {"b32self1000/0", Abi::b32, 1000, 0, LoginMode::self},
  };
  return probes;
}

inline check::Event probe_event(const Probe& probe, std::int64_t exit_code) {
  check::Event event;
  event.abi = probe.abi;
  event.syscall = "finit_module";
  event.auid = probe.auid;
  event.uid = event.euid = event.gid = probe.uid;
  event.success = exit_code >= 0;
  event.exit_code = exit_code;
  event.login = probe.login;
  return event;
}

struct Expectation {
  std::string probe;
  bool recorded = false;
  std::string key;  // empty: a record without a key
};

struct SemanticsFixture {
  std::string name;  // file name
  std::string text;
  std::vector<Expectation> expect;
  std::optional<Expectation> expectation(const std::string& probe) const {
    for (const auto& e : expect)
      if (e.probe == probe) return e;
    return std::nullopt;
  }
};

inline std::vector<SemanticsFixture> load_semantics_fixtures(const std::filesystem::path& dir = std::filesystem::path(AUDITVM_SOURCE_ROOT) / "tests/semantics") {
  std::vector<SemanticsFixture> fixtures;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".rules") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    SemanticsFixture fixture{entry.path().filename().string(), text.str(), {}};
    std::istringstream lines(fixture.text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("# expect ", 0) != 0) continue;
      std::istringstream words(line.substr(9));
      Expectation e;
      std::string verdict;
      words >> e.probe >> verdict >> e.key;
      if (verdict != "recorded" && verdict != "none") throw std::runtime_error(fixture.name + ": bad expect line: " + line);
      const auto& probes = semantics_probes();
      if (std::none_of(probes.begin(), probes.end(), [&](const Probe& p) { return p.name == e.probe; }))
        throw std::runtime_error(fixture.name + ": unknown probe in: " + line);
      e.recorded = verdict == "recorded";
      fixture.expect.push_back(e);
    }
    fixtures.push_back(std::move(fixture));
  }
  std::sort(fixtures.begin(), fixtures.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return fixtures;
}

}  // namespace auditvm::test
