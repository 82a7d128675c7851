// The official DISA XCCDF 1.1 benchmark a user downloads (U_Anduril_NixOS_STIG_V1R2_Manual-xccdf.xml):
// its ids and texts replace the shipped ones, so a new STIG release needs no new auditvm.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "check/stig.hpp"

namespace auditvm::check {

// One Group/Rule of the benchmark, as DISA publishes it.
struct BenchmarkRule {
  std::string group_id;    // Group/@id: V-268096
  std::string srg_id;      // Group/title
  std::string rule_id;     // Rule/@id: SV-268096r1039563_rule
  std::string severity;    // Rule/@severity
  std::string stig_id;     // Rule/version: ANIX-00-000290
  std::string title;
  std::string discussion;  // the <VulnDiscussion> inside Rule/description
  std::vector<std::string> ccis;  // Rule/ident[@system="http://cyber.mil/cci"]
  std::string fix_text;
  std::string check_text;  // Rule/check/check-content
};

struct Benchmark {
  std::filesystem::path file;
  std::string release;       // "V1R2", from Benchmark/version and plain-text release-info
  std::string release_date;  // "2025-10-01", from release-info's "Benchmark Date: 01 Oct 2025"
  std::string release_info;  // the plain-text as DISA wrote it
  std::map<std::string, BenchmarkRule> rules;  // by group id
};

// InputError naming the file (and line) for what is not an XCCDF 1.1 benchmark of DISA's form.
Benchmark load_benchmark(const std::filesystem::path& file);

// The shipped rule with every published field from the benchmark's rule of the same group, and the
// benchmark as its release and source. A group the benchmark lacks keeps the shipped data.
StigRule with_benchmark(const StigRule& rule, const Benchmark& benchmark);

}  // namespace auditvm::check
