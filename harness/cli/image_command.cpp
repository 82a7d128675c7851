// auditvm image build|list|path|prune: the default Debian guest images.
#include <iostream>

#include "cli/arch_option.hpp"
#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "image/builder.hpp"

namespace auditvm::cli {
namespace {

std::vector<Arch> arches_from_option(const std::string& text) {
  if (text == "all") return all_arches();
  return {arch_from_option(text)};
}

}  // namespace

CommandRunner register_image(CLI::App& root, const GlobalOptions& global) {
  struct Options {
    std::string arch = "all";
    std::string suite;
    std::string guest = "busybox";
    std::string cache_dir;
    std::string debs;
    bool refresh = false;
    std::string action;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("image", "Build and locate the default guest images (Debian bookworm, trixie, sid, trixie-backports)");
  cmd->require_subcommand(1);
  auto* build = cmd->add_subcommand("build", "Build the image(s); a no-op when the cached one is current");
  build->add_option("--arch", options->arch, "x86_64, aarch64 or all")->capture_default_str();
  build->add_option("--debs", options->debs, "Build offline from the .deb files in this directory");
  build->add_flag("--refresh", options->refresh, "Ask the archive for new package versions even if the last resolution is less than a day old");
  auto* list = cmd->add_subcommand("list", "List cached images: arch, suite, flavour (busybox or systemd), kernel, audit, key, current (this checkout boots it), other (another checkout's guest inputs) or -, directory");
  auto* path = cmd->add_subcommand("path", "Print the directory of the image this checkout boots for an arch");
  path->add_option("--arch", options->arch, "x86_64 or aarch64")->required();
  auto* prune = cmd->add_subcommand("prune", "Remove superseded images; keep this checkout's and other checkouts' built in the last 7 days");
  for (auto* sub : {build, path})
    sub->add_option("--guest", options->guest, "busybox (the default guests' /init) or systemd (systemd as PID 1, for run --guest systemd)")
        ->check(CLI::IsMember({"busybox", "systemd"}))
        ->capture_default_str();
  for (auto* sub : {build, path})
    sub->add_option("--suite", options->suite, sub == build ? "Debian suites, comma-separated (default: bookworm)" : "Debian suite (default: bookworm)");
  for (auto* sub : {build, list, path, prune}) {
    sub->add_option("--cache-dir", options->cache_dir, "Image cache (default: $XDG_CACHE_HOME/auditvm/images)");
    sub->callback([options, sub] { options->action = sub->get_name(); });
  }
  return [options, &global] {
    if (options->action == "build") {
      image::BuildOptions build_options{options->cache_dir, std::nullopt, global.quiet, options->refresh};
      if (!options->debs.empty()) build_options.debs_dir = options->debs;
      const auto init = *image::parse_init(options->guest);
      for (const auto& suite : suites_from_option(options->suite))
        for (Arch arch : arches_from_option(options->arch)) {
          build_options.suite = image::with_init(suite, init);
          auto manifest = image::build_image(arch, build_options);
          std::cout << to_string(arch) << " " << suite.name << " " << manifest.kernel.parent_path().string() << "\n";
        }
    } else if (options->action == "list") {
      // arch, suite, flavour (PID 1), kernel, audit userspace, key, whether this checkout boots it, directory
      for (const auto& [suite, current, latest, manifest] : image::list_images(options->cache_dir))
        std::cout << to_string(manifest.arch) << "\t" << suite.name << "\t" << image::init_name(suite.init) << "\t" << manifest.kernel_version << "\t"
                  << manifest.audit_version << "\t" << manifest.cache_key << "\t" << (current ? "current" : latest ? "other" : "-") << "\t"
                  << manifest.kernel.parent_path().string() << "\n";
    } else if (options->action == "prune") {
      for (const auto& dir : image::prune_images(options->cache_dir)) std::cout << "removed " << dir.string() << "\n";
    } else {
      Arch arch = arch_from_option(options->arch);
      auto suites = suites_from_option(options->suite);
      if (suites.size() != 1) throw InputError({"--suite", 0, options->suite}, "image path takes one suite");
      auto manifest = image::find_image(arch, image::with_init(suites.front(), *image::parse_init(options->guest)), options->cache_dir);
      if (!manifest)
        throw InfraError("no image for " + std::string(to_string(arch)) + " " + suites.front().name + " " + options->guest +
                         " built from this checkout's guest inputs: run auditvm image build --arch " + std::string(to_string(arch)) + " --suite " +
                         suites.front().name + " --guest " + options->guest);
      std::cout << manifest->kernel.parent_path().string() << "\n";
    }
    return 0;
  };
}

}  // namespace auditvm::cli
