// auditvm matrix: the selected cells as a CI job matrix (GitHub Actions' include list, GitLab's
// parallel:matrix, or JSON), each job then `auditvm run SCENARIO --config C --arch A`.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cell_selection.hpp"
#include "cli/command.hpp"
#include "core/project_root.hpp"

namespace auditvm::cli {
namespace {

// Relative to the project when it is in it (a CI job checks the project out elsewhere), else as given.
std::string project_path(const std::filesystem::path& file) {
  auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(file));
  auto root = std::filesystem::weakly_canonical(project_root());
  auto relative = absolute.lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") return file.string();
  return relative.string();
}

}  // namespace

CommandRunner register_matrix(CLI::App& root, const GlobalOptions&) {
  struct Options {
    CellSelection selection;
    std::string format = "json";
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("matrix", "Print the cells as a CI job matrix (spread them with run --shard or --config/--arch)");
  options->selection.add_to(*cmd);
  cmd->add_option("--format", options->format, "json, github-actions or gitlab (parallel:matrix)")
      ->check(CLI::IsMember({"json", "github-actions", "gitlab"}))
      ->capture_default_str();
  return [options] {
    auto scenarios = options->selection.load_scenarios();
    scenario::RunOptions selected;
    options->selection.apply(scenarios, selected);
    nlohmann::json include = nlohmann::json::array();
    for (const auto& cell : selected_cells(scenarios, selected))
      include.push_back({{"scenario", project_path(cell.scenario->file)}, {"config", cell.configuration->name}, {"arch", to_string(cell.arch)}});
    if (options->format == "github-actions") {
      std::cout << "matrix=" << nlohmann::json{{"include", include}}.dump() << "\n";
    } else if (options->format == "gitlab") {
      // A hidden job to `extends:`; flow mappings of JSON strings are YAML.
      std::cout << ".auditvm-matrix:\n  parallel:\n    matrix:\n";
      for (const auto& job : include)
        std::cout << "      - {SCENARIO: " << job["scenario"].dump() << ", CONFIG: " << job["config"].dump() << ", ARCH: " << job["arch"].dump()
                  << "}\n";
    } else {
      std::cout << include.dump(2) << "\n";
    }
    return 0;
  };
}

}  // namespace auditvm::cli
