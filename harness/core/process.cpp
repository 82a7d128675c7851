#include "core/process.hpp"

#include <boost/process.hpp>
#include <future>

#include "core/errors.hpp"

namespace bp = boost::process;

namespace auditvm {

bool program_exists(const std::string& program) { return !bp::search_path(program).empty(); }

ProcessResult run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InfraError("run_process: empty command");
  auto exe = argv[0].find('/') == std::string::npos ? bp::search_path(argv[0]) : boost::filesystem::path(argv[0]);
  if (exe.empty()) throw InfraError(argv[0] + ": not found on PATH (run scripts/setup.sh)");
  std::future<std::string> out, err;
  boost::asio::io_context io;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::child child(exe, bp::args(args), bp::std_in.close(), bp::std_out > out, bp::std_err > err, io);
  io.run();
  child.wait();
  return {child.exit_code(), out.get(), err.get()};
}

}  // namespace auditvm
