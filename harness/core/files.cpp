#include "core/files.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/errors.hpp"

namespace auditvm {

std::string read_input(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, ""}, "cannot read file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace auditvm
