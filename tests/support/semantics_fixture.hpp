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

// Lines auditctl refuses on their list, with its words (the parser says the same), and lines it
// takes there.
struct ListLine {
  std::string line;
  std::string refusal;  // empty: it loads
};
inline const std::vector<ListLine>& list_field_lines() {
  static const std::vector<ListLine> lines{
      {"-a always,task -F uid=0 -k T", "key option needs a watch or syscall given prior to it"},
      {"-a never,task -F exit=0", "exit can only be used with exit filter list"},
      {"-a never,task -F success=1", "success can only be used with exit filter list"},
      {"-a never,task -F ppid=1", "ppid can only be used with exit filter list"},
      {"-a never,task -F sessionid=1", "sessionid must be used with exclude, user, or exit filter"},
      {"-a never,task -F msgtype=1300", "msgtype field can only be used with exclude or user filter list"},
      {"-a always,exit -F arch=b64 -S finit_module -F msgtype=1300", "msgtype field can only be used with exclude or user filter list"},
      {"-a never,task -C auid!=uid", "auid can only be used with exit filter list"},
      {"-a never,task -S finit_module", "Error: syscall auditing being added to task list"},
      {"-a always,exclude -F euid=1", "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter"},
      {"-a always,exclude -S openat -F msgtype=1300", "Error: syscall auditing cannot be put on exclude list"},
      {"-a never,task -F auid>=1000 -F uid=0 -F euid=0 -F gid=0 -F pid=1 -F arch=b64 -F a0=1 -F pers=0 -F exe=/x", ""},
      {"-a always,exclude -F msgtype=SYSCALL -F auid=1 -F uid=1 -F gid=1 -F pid=1 -F exe=/x", ""},
      {"-a never,exclude", ""},
      {"-a never,user -F msgtype=USER", ""},
      {"-a always,exit -F arch=b64 -S finit_module -F exit=-EPERM -F success=0", ""},
  };
  return lines;
}

}  // namespace auditvm::test
