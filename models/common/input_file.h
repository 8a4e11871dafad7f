#pragma once
// Opens a file the user named (config, trace, scenario, image, requests, coverage) for
// reading. Only a regular file will do: a directory reads as empty and a device or a
// pipe (/dev/zero, /dev/stdin) may never end, so both are refused up front.

#include <filesystem>
#include <fstream>
#include <string>

namespace mmusim {

// `what` names the file in the error: "cannot open trace file". InputError on failure.
std::ifstream open_input_file(const std::string& path, const std::string& what);
// The whole of such a file.
std::string read_input_file(const std::string& path, const std::string& what);
// The whole of a file the simulator wrote itself (a sweep's status file, a cache entry):
// "" when it cannot be read.
std::string read_own_file(const std::filesystem::path& path);

}  // namespace mmusim
