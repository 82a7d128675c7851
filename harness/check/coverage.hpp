// The STIG check as a coverage question: do the loaded rules provably record every event the
// STIG rule requires? Plus the prediction for single calls that the VM run then confirms.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/kernel_model.hpp"
#include "check/stig.hpp"
#include "rules/rule.hpp"

namespace auditvm::check {

enum class Verdict { NotAFinding, Open };
std::string_view to_string(Verdict verdict);

// How the calling process got its login uid. The kernel evaluates the task list once, when a
// process is forked, with the credentials it has then: a process forked after its login uid was
// set (every command a logged-in user runs) is judged on its own ids; one that sets its login uid
// itself after the fork (the session process of a login daemon, as pam_loginuid does) was judged
// as its parent: auid unset, root.
enum class LoginMode { inherited, self };
std::string_view to_string(LoginMode mode);

// Required events that are not recorded, grouped for people:
// "b32 finit_module, auid 1000..4294967294, success and failure: no rule".
struct UncoveredGroup {
  Abi abi = Abi::b64;
  std::vector<std::string> syscalls;
  std::string who;      // "auid 1000..4294967294" (+ uid/gid ranges when they matter)
  std::string outcome;  // "success and failure", "failure", "failure with exit -13"
  Fate fate = Fate::no_rule;
  int rule_line = 0;
  std::string reason;
  std::string text() const;
};

// One piece of the required event space and what the loaded rules do with it, as the walk found
// it: the regions witness events are chosen from (check/witness.hpp).
struct RegionOutcome {
  Abi abi = Abi::b64;
  std::string syscall;
  Box box;
  Fate fate = Fate::no_rule;
  int rule_line = 0;
  std::string reason;
  int group = -1;  // its entry in CheckResult::uncovered; -1 when recorded
  // Whose calls: processes forked after their login uid was set, or (only walked when task rules
  // are loaded, the two differ only there) processes that set their own login uid after the fork.
  LoginMode login = LoginMode::inherited;
};

struct CheckResult {
  std::string group_id;
  Verdict verdict = Verdict::Open;
  bool literal_match = false;               // the check text's lines are all in `auditctl -l`
  std::vector<std::string> missing_literal; // which of them are not
  bool grep_match = false;                  // `auditctl -l | grep -w WORD` finds something
  std::vector<UncoveredGroup> uncovered;
  std::vector<RegionOutcome> regions;       // every piece of the required space, recorded or not
  std::vector<std::string> notes;           // e.g. syscalls that do not exist on an ABI
};

CheckResult evaluate(const rules::RuleSet& rules, Arch arch, const StigRule& stig);

// "auid 1000..4294967294" (+ the other ids where the box narrows them): whose events a piece holds.
std::string who_text(const Box& box);


// One concrete call.
struct Event {
  Abi abi = Abi::b64;
  std::string syscall;
  std::uint32_t auid = rules::kUnsetId;
  std::uint32_t uid = 0;
  std::uint32_t euid = 0;
  std::uint32_t gid = 0;  // and egid, sgid, fsgid, unless egid says otherwise
  bool success = true;
  std::int64_t exit_code = 0;
  LoginMode login = LoginMode::inherited;
  bool alternate_exe = false;  // made from a second copy of the helper at another path (exe= rules)
  std::optional<std::uint32_t> egid;  // egid, sgid and fsgid where they differ from gid (a setgid program)
};

struct Prediction {
  Fate fate = Fate::no_rule;
  int rule_line = 0;
  std::string key;
  std::string reason;
  bool recorded() const { return fate == Fate::recorded; }
};

Prediction predict(const rules::RuleSet& rules, Arch arch, const Event& event);

// The model's prediction as a value: `predict` in use, a changed model where a test shows that a
// wrong prediction is caught (reproduce, difftest).
using Predictor = std::function<Prediction(const rules::RuleSet& rules, Arch arch, const Event& event)>;

// "success" or the errno name of the failure ("EPERM"): what the call returns.
std::string outcome_name(const Event& event);
// "b64 finit_module, auid 1005, uid 0, EPERM" (ids other than uid only where they differ from it or from root).
std::string describe(const Event& event);

// Whether the STIG rule requires `event` to be recorded.
bool in_required_set(const StigRule& stig, const Event& event);

}  // namespace auditvm::check
