// Which paths exist on the target machine, as far as a rule set needs to know. The kernel looks
// up a rule's paths when the rule is added (measured in the guests, README "What auditctl -R does,
// as measured"): `-w PATH` and `-F path=PATH` need PATH's directory, `-F dir=PATH` the path itself,
// `-F exe=PATH` its directory; where it is missing the kernel refuses the line ("No such file or
// directory", or "Not a directory" where something in the way is a file) and `auditctl -R` stops
// there. Whether a rules file loads thus depends on the target's files: a guest probes them in the
// trip that loads the rules (scenario/), and simulate_load predicts from what it found.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/parser.hpp"

namespace auditvm::check {

// What is at a path (symbolic links followed, as the kernel's lookup follows them):
// directory; other: something that is not a directory; missing: nothing, in an existing
// directory or below a missing one; blocked: a component on the way is not a directory;
// dangling: a symbolic link to nothing (dir= takes it as it is, a lookup through it finds nothing).
enum class PathState { directory, other, missing, blocked, dangling };
std::string_view to_string(PathState state);
std::optional<PathState> parse_path_state(std::string_view name);

struct TargetPaths {
  std::map<std::string, PathState> states;  // each path probed
  // None: not probed (lint without a target only warns).
  std::optional<PathState> state(const std::string& path) const;
  bool operator==(const TargetPaths&) const = default;
};

// One path the kernel looks up for a rule it adds.
struct PathNeed {
  std::string option;  // as lint names it: "-w /etc/cron.d", "-F path=/usr/bin/usermod"
  std::string path;    // what must be a directory (a watch's and path='s, exe='s parent; dir= itself)
  bool itself = false;  // dir=: the path itself must exist (any kind); else its directory
  // exe= is looked up while the kernel reads the rule's fields, before it looks for an identical
  // rule; -w, path= and dir= when it adds the rule, after every field was read.
  bool while_reading_fields = false;
};
// What adding `rule` looks up (none for removals and control lines: they look up nothing).
std::vector<PathNeed> path_needs(const rules::Rule& rule);

// The exe= the kernel looks up before it reaches the field the parser refused with a kernel
// refusal (`token`, the InputError's field): the kernel reads the fields in the order auditctl
// sends them, the line's, keys gathered last (a token not among the words: all of them; "key": up
// to a second key!=, where the kernel refuses it). Read
// from the words, as the line did not parse; only the first exe= is looked up (a second is refused).
std::vector<PathNeed> exe_needs_before(std::string_view line, const std::string& token);

// The kernel's answer to `need` on the target: "" it loads, else auditctl's message ("Error
// sending add rule data request (No such file or directory)"); none when the path was not probed.
std::optional<std::string> path_refusal(const PathNeed& need, const TargetPaths& target);

// Every path the rule lines of `rules_text` need probed, once each, in the order first needed
// (lines auditctl cannot parse are left out: they never reach the kernel).
std::vector<std::string> paths_to_probe(std::string_view rules_text, Arch arch, rules::Userspace userspace);

}  // namespace auditvm::check
