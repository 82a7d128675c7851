// Reading user-named input files; "-" is standard input. Errors name the file.
#pragma once

#include <string>

namespace auditvm {

std::string read_input(const std::string& path);

}  // namespace auditvm
