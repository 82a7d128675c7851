#include "check/xccdf_benchmark.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>

#include <pugixml.hpp>

#include "core/errors.hpp"
#include "core/files.hpp"

namespace auditvm::check {
namespace {

// Element names without a namespace prefix: DISA writes the XCCDF namespace as the default one,
// other tools re-serialise it as xccdf:.
std::string local_name(const pugi::xml_node& node) {
  std::string name = node.name();
  auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

std::vector<pugi::xml_node> children(const pugi::xml_node& node, const std::string& name) {
  std::vector<pugi::xml_node> out;
  for (auto child : node.children())
    if (child.type() == pugi::node_element && local_name(child) == name) out.push_back(child);
  return out;
}

pugi::xml_node child(const pugi::xml_node& node, const std::string& name) {
  auto found = children(node, name);
  return found.empty() ? pugi::xml_node() : found.front();
}

struct Where {
  std::string file;
  const std::string* text;
  int line(const pugi::xml_node& node) const {
    auto offset = std::min<std::size_t>(static_cast<std::size_t>(std::max<std::ptrdiff_t>(node.offset_debug(), 0)), text->size());
    return 1 + static_cast<int>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
  }
};

std::string required_text(const pugi::xml_node& parent, const std::string& name, const Where& where, const std::string& path) {
  auto node = child(parent, name);
  if (!node) throw InputError({where.file, where.line(parent), path + "/" + name}, "missing element");
  return node.child_value();
}

// Rule/description holds DISA's escaped pseudo-XML; the discussion is its <VulnDiscussion>.
std::string vuln_discussion(const std::string& description) {
  static const std::regex discussion("<VulnDiscussion>([\\s\\S]*?)</VulnDiscussion>");
  std::smatch match;
  return std::regex_search(description, match, discussion) ? match[1].str() : description;
}

// "Release: 2 Benchmark Date: 01 Oct 2025" -> 2, "2025-10-01".
void parse_release_info(Benchmark& benchmark, const std::string& version, const Where& where, const pugi::xml_node& node) {
  static const std::regex release("Release:\\s*([0-9]+)"), date("Benchmark Date:\\s*([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4})");
  static const std::vector<std::string> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::smatch match;
  if (!std::regex_search(benchmark.release_info, match, release))
    throw InputError({where.file, where.line(node), "Benchmark/plain-text[@id='release-info']"}, "has no 'Release: N'");
  benchmark.release = "V" + version + "R" + match[1].str();
  if (std::regex_search(benchmark.release_info, match, date)) {
    auto month = std::find(months.begin(), months.end(), match[2].str());
    if (month != months.end()) {
      char iso[16];
      std::snprintf(iso, sizeof iso, "%s-%02d-%02d", match[3].str().c_str(), static_cast<int>(month - months.begin()) + 1,
                    std::stoi(match[1].str()));
      benchmark.release_date = iso;
    }
  }
}

BenchmarkRule parse_group(const pugi::xml_node& group, const Where& where) {
  BenchmarkRule out;
  out.group_id = group.attribute("id").value();
  const std::string path = "Benchmark/Group[@id='" + out.group_id + "']";
  out.srg_id = required_text(group, "title", where, path);
  auto rule = child(group, "Rule");
  if (!rule) throw InputError({where.file, where.line(group), path + "/Rule"}, "missing element");
  out.rule_id = rule.attribute("id").value();
  out.severity = rule.attribute("severity").value();
  const std::string rule_path = path + "/Rule";
  out.stig_id = required_text(rule, "version", where, rule_path);
  out.title = required_text(rule, "title", where, rule_path);
  out.discussion = vuln_discussion(required_text(rule, "description", where, rule_path));
  for (const auto& ident : children(rule, "ident"))
    if (std::string(ident.attribute("system").value()) == "http://cyber.mil/cci") out.ccis.push_back(ident.child_value());
  out.fix_text = required_text(rule, "fixtext", where, rule_path);
  auto check = child(rule, "check");
  if (!check) throw InputError({where.file, where.line(rule), rule_path + "/check"}, "missing element");
  out.check_text = required_text(check, "check-content", where, rule_path + "/check");
  if (out.rule_id.empty() || out.severity.empty())
    throw InputError({where.file, where.line(rule), rule_path}, "needs the id and severity attributes");
  return out;
}

}  // namespace

Benchmark load_benchmark(const std::filesystem::path& file) {
  const std::string text = read_input(file.string());
  const Where where{file.string(), &text};
  pugi::xml_document document;
  auto parsed = document.load_buffer(text.data(), text.size());
  if (!parsed) {
    auto offset = std::min<std::size_t>(static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), text.size());
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    throw InputError({file.string(), line, "--benchmark"}, std::string("is not XML: ") + parsed.description());
  }
  auto root = document.document_element();
  if (local_name(root) != "Benchmark")
    throw InputError({file.string(), where.line(root), root.name()}, "expected an XCCDF <Benchmark> (DISA's *-xccdf.xml)");
  Benchmark benchmark;
  benchmark.file = file;
  pugi::xml_node release_info;
  for (const auto& plain : children(root, "plain-text"))
    if (std::string(plain.attribute("id").value()) == "release-info") release_info = plain;
  if (!release_info) throw InputError({file.string(), where.line(root), "Benchmark/plain-text[@id='release-info']"}, "missing element");
  benchmark.release_info = release_info.child_value();
  parse_release_info(benchmark, required_text(root, "version", where, "Benchmark"), where, release_info);
  for (const auto& group : children(root, "Group")) {
    auto rule = parse_group(group, where);
    benchmark.rules[rule.group_id] = rule;
  }
  if (benchmark.rules.empty()) throw InputError({file.string(), where.line(root), "Benchmark/Group"}, "the benchmark has no rules");
  return benchmark;
}

StigRule with_benchmark(const StigRule& rule, const Benchmark& benchmark) {
  auto published = benchmark.rules.find(rule.group_id);
  if (published == benchmark.rules.end()) return rule;
  const auto& from = published->second;
  StigRule out = rule;
  out.rule_id = from.rule_id;
  out.stig_id = from.stig_id;
  out.srg_id = from.srg_id;
  out.severity = from.severity;
  out.title = from.title;
  out.discussion = from.discussion;
  out.check_text = from.check_text;
  out.fix_text = from.fix_text;
  out.ccis = from.ccis;
  out.release = benchmark.release;
  out.release_date = benchmark.release_date;
  out.sources = {benchmark.file.string() + " (" + benchmark.release_info + ")"};
  out.unavailable.clear();
  out.later_releases.clear();  // the benchmark is the release the user chose
  return out;
}

}  // namespace auditvm::check
