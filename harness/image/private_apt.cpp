#include "image/private_apt.hpp"

#include <unistd.h>

#include <future>
#include <regex>
#include <sstream>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/process.hpp"
#include "image/cache.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

std::string url_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / 1e6 << " MB";
  return out.str();
}

bool already_downloaded(const DebPackage& package, const fs::path& file) {
  std::error_code error;
  if (fs::file_size(file, error) != package.size || error) return false;
  return package.sha256.empty() || sha256_file(file) == package.sha256;
}

}  // namespace

std::vector<DebPackage> parse_print_uris(const std::string& output) {
  // 'http://.../auditd_3.0.9-1_arm64.deb' auditd_1%3a3.0.9-1_arm64.deb 206028 SHA256:ab...
  // Packages of the security archive come without a hash: "... 328056 " (a trailing space).
  static const std::regex line(R"('([^']+)' (([^_ ]+)_([^_ ]+)_[^_ ]+\.deb) (\d+)(?: (\S+))? *)");
  std::vector<DebPackage> packages;
  std::istringstream lines(output);
  for (std::string text; std::getline(lines, text);) {
    std::smatch m;
    if (!std::regex_match(text, m, line)) continue;
    DebPackage package{m[3], url_decode(m[4]), m[2], m[1], std::stoull(m[5]), ""};
    if (std::string hash = m[6]; hash.rfind("SHA256:", 0) == 0) package.sha256 = hash.substr(7);
    packages.push_back(package);
  }
  return packages;
}

PrivateApt::PrivateApt(Arch arch, const Suite& suite, fs::path state_dir) : arch_(arch), state_dir_(std::move(state_dir)) {
  for (const char* dir : {"lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"}) fs::create_directories(state_dir_ / dir);
  if (!fs::exists(state_dir_ / "status")) write_file_atomic(state_dir_ / "status", "");  // no package is installed
  const std::string state = state_dir_.string(), debian = std::string(debian_arch(arch_));
  write_file_atomic(state_dir_ / "sources.list", sources_list(suite));
  write_file_atomic(state_dir_ / "preferences", apt_preferences(suite));
  std::ostringstream conf;
  conf << "// auditvm's own apt state for " << debian << " guests of Debian " << suite.name << "; the host's sources are not used.\n"
       << "Dir::State \"" << state << "\";\nDir::State::Lists \"" << state << "/lists\";\n"
       << "Dir::State::status \"" << state << "/status\";\nDir::Cache \"" << state << "/cache\";\n"
       << "Dir::Etc::sourcelist \"" << state << "/sources.list\";\nDir::Etc::sourceparts \"" << state << "/sources.list.d\";\n"
       << "Dir::Etc::preferences \"" << state << "/preferences\";\nDir::Etc::preferencesparts \"" << state << "/preferences.d\";\n"
       << "APT::Architecture \"" << debian << "\";\nAPT::Architectures { \"" << debian << "\"; };\n"
       << "APT::Install-Recommends \"false\";\nAcquire::Languages \"none\";\nDebug::NoLocking \"true\";\n";
  // apt drops to _apt to download; _apt cannot write into a private cache under a 0700 home.
  if (::geteuid() == 0) conf << "APT::Sandbox::User \"root\";\n";
  write_file_atomic(state_dir_ / "apt.conf", conf.str());
}

std::string PrivateApt::run(const std::string& program, const std::vector<std::string>& args, const std::string& what) const {
  std::vector<std::string> argv{program, "-c", (state_dir_ / "apt.conf").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_process(argv);
  if (result.exit_code != 0)
    throw InfraError(what + " for " + std::string(debian_arch(arch_)) + " failed (" + program + " exit " +
                     std::to_string(result.exit_code) + "):\n" + result.err);
  return result.out;
}

void PrivateApt::update() { run("apt-get", {"-q", "update"}, "downloading the package lists"); }

std::vector<std::string> PrivateApt::depends(const std::string& package) {
  std::string out = run("apt-cache", {"depends", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                                      "--no-enhances", package}, "resolving " + package);
  // "  Depends: name", "  PreDepends: name", " |Depends: name" (an alternative); "<virtual>" skipped.
  static const std::regex depends(R"(\n\s*\|?(?:Pre)?Depends: ([^<\s]\S*))");
  std::vector<std::string> names;
  for (std::sregex_iterator it(out.begin(), out.end(), depends), end; it != end; ++it) names.push_back((*it)[1]);
  return names;
}

std::vector<std::string> PrivateApt::dependency_closure(const std::vector<std::string>& roots) {
  std::vector<std::string> args{"-qq", "--print-uris", "install"};
  args.insert(args.end(), roots.begin(), roots.end());
  std::vector<std::string> names;
  for (const auto& package : parse_print_uris(run("apt-get", args, "resolving the guest packages"))) names.push_back(package.name);
  return names;
}

std::vector<DebPackage> PrivateApt::describe(const std::vector<std::string>& names) {
  std::vector<std::string> args{"-qq", "--print-uris", "download"};
  args.insert(args.end(), names.begin(), names.end());
  auto packages = parse_print_uris(run("apt-get", args, "looking up the guest packages"));
  if (packages.size() != names.size()) throw InfraError("apt-get described " + std::to_string(packages.size()) + " of " + std::to_string(names.size()) + " packages");
  return packages;
}

void PrivateApt::download(const std::vector<DebPackage>& packages, const fs::path& dir, const Progress& progress) {
  std::vector<const DebPackage*> missing;
  std::uint64_t left = 0;
  for (const auto& package : packages)
    if (!already_downloaded(package, dir / package.filename)) {
      missing.push_back(&package);
      left += package.size;
    }
  if (missing.empty()) return;
  if (progress) progress("fetching " + std::to_string(missing.size()) + " " + std::string(debian_arch(arch_)) + " packages (" + megabytes(left) + ")");
  // Into a private directory first: an interrupted download never leaves a partial .deb in `dir`.
  const fs::path incoming = dir / (".incoming-" + std::to_string(::getpid()));
  fs::remove_all(incoming);
  fs::create_directories(incoming);
  std::vector<std::string> args{"-c", (state_dir_ / "apt.conf").string(), "download"};
  for (const auto* package : missing) args.push_back(package->name + "=" + package->version);
  std::vector<std::string> argv{"apt-get"};
  argv.insert(argv.end(), args.begin(), args.end());
  static const std::regex get(R"(^Get:(\d+) \S+ \S+ \S+ (\S+) \S+ (\S+) \[)");
  auto result = run_process_lines(argv, incoming, [&](const std::string& line) {
    std::smatch m;
    if (!std::regex_search(line, m, get)) return;
    for (const auto* package : missing)
      if (package->name == m[2] && left >= package->size) left -= package->size;
    if (progress) progress("[" + m[1].str() + "/" + std::to_string(missing.size()) + "] " + m[2].str() + " " + m[3].str() + ", " + megabytes(left) + " left");
  });
  if (result.exit_code != 0) {
    fs::remove_all(incoming);
    throw InfraError("downloading " + std::string(debian_arch(arch_)) + " packages failed (apt-get exit " + std::to_string(result.exit_code) + "):\n" + result.err);
  }
  for (const auto* package : missing) {
    fs::path file = incoming / package->filename;
    if (!already_downloaded(*package, file)) throw InfraError("apt-get did not deliver " + package->filename + " intact");
    fs::rename(file, dir / package->filename);
  }
  fs::remove_all(incoming);
}

}  // namespace auditvm::image
