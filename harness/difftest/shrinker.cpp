#include "difftest/shrinker.hpp"

#include <set>

#include "core/text.hpp"

namespace auditvm::difftest {
namespace {

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

bool rule_line(const std::vector<std::string>& w) {
  return !w.empty() && (w[0] == "-a" || w[0] == "-A" || w[0] == "-d" || w[0] == "-w");
}

// Asks the predicate within the budget, once per candidate.
class Oracle {
 public:
  Oracle(const StillFails& still_fails, int max_tests) : still_fails_(still_fails), max_tests_(max_tests) {}
  bool fails(const Lines& candidate) {
    if (!asked_.insert(candidate).second) return false;  // asked before: it did not fail (else we would be there)
    if (tests_ >= max_tests_) {
      exhausted_ = true;
      return false;
    }
    ++tests_;
    return still_fails_(candidate);
  }
  int tests() const { return tests_; }
  bool exhausted() const { return exhausted_; }
  void known(const Lines& failing) { asked_.insert(failing); }

 private:
  const StillFails& still_fails_;
  int max_tests_;
  int tests_ = 0;
  bool exhausted_ = false;
  std::set<Lines> asked_;
};

Lines ddmin(Lines lines, Oracle& oracle) {
  std::size_t n = 2;
  while (lines.size() >= 2) {
    n = std::min(n, lines.size());
    const std::size_t chunk = (lines.size() + n - 1) / n;
    std::vector<Lines> subsets, complements;
    for (std::size_t start = 0; start < lines.size(); start += chunk) {
      Lines subset(lines.begin() + static_cast<long>(start), lines.begin() + static_cast<long>(std::min(start + chunk, lines.size())));
      Lines complement(lines.begin(), lines.begin() + static_cast<long>(start));
      complement.insert(complement.end(), lines.begin() + static_cast<long>(std::min(start + chunk, lines.size())), lines.end());
      subsets.push_back(std::move(subset));
      complements.push_back(std::move(complement));
    }
    bool reduced = false;
    for (const auto& subset : subsets)
      if (oracle.fails(subset)) {
        lines = subset;
        n = 2;
        reduced = true;
        break;
      }
    // With two chunks each complement is the other subset, asked already.
    if (!reduced && n > 2)
      for (const auto& complement : complements)
        if (oracle.fails(complement)) {
          lines = complement;
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
          break;
        }
    if (!reduced) {
      if (n >= lines.size()) break;
      n = std::min(n * 2, lines.size());
    }
  }
  // An empty set might fail too (a disagreement that no rule causes).
  if (lines.size() == 1 && oracle.fails({})) return {};
  return lines;
}

}  // namespace

Lines line_simplifications(const std::string& line) {
  auto w = words(line);
  Lines out;
  if (!rule_line(w)) return out;
  // Options with an argument, after the first (-a LIST,ACTION or -w PATH), which stays.
  int sflags = 0;
  for (std::size_t i = 2; i + 1 < w.size(); i += 2)
    if (w[i] == "-S") ++sflags;
  for (std::size_t i = 2; i + 1 < w.size(); i += 2) {
    if (w[i] == "-S" && sflags == 1) {
      // The only -S: drop one syscall of its list (the last one cannot go: no -S means all).
      std::vector<std::string> list;
      for (std::size_t s = 0, e; s <= w[i + 1].size(); s = e + 1) {
        e = w[i + 1].find(',', s);
        if (e == std::string::npos) e = w[i + 1].size();
        list.push_back(w[i + 1].substr(s, e - s));
      }
      for (std::size_t k = 0; list.size() > 1 && k < list.size(); ++k) {
        auto fewer = list;
        fewer.erase(fewer.begin() + static_cast<long>(k));
        auto copy = w;
        copy[i + 1] = join(fewer, ",");
        out.push_back(join(copy, " "));
      }
      continue;
    }
    auto copy = w;
    copy.erase(copy.begin() + static_cast<long>(i), copy.begin() + static_cast<long>(i + 2));
    out.push_back(join(copy, " "));
  }
  return out;
}

ShrinkResult shrink(const Lines& lines, const StillFails& still_fails, int max_tests) {
  Oracle oracle(still_fails, max_tests);
  oracle.known(lines);
  Lines current = ddmin(lines, oracle);
  // Then within lines, to a fixpoint: every accepted step makes the set strictly shorter.
  for (bool progress = true; progress && !oracle.exhausted();) {
    progress = false;
    for (std::size_t i = 0; i < current.size() && !progress; ++i)
      for (const auto& simpler : line_simplifications(current[i])) {
        auto candidate = current;
        candidate[i] = simpler;
        if (oracle.fails(candidate)) {
          current = std::move(candidate);
          progress = true;
          break;
        }
      }
  }
  return {current, oracle.tests(), oracle.exhausted()};
}

}  // namespace auditvm::difftest
