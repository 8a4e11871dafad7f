#pragma once
// `mmusim config`: every key with its default, values and meaning; or, with --json, a
// config file of the defaults (and of a config file and --set overlays, when given) that
// `mmusim run` loads back as it is.

#include <ostream>
#include <string>
#include <vector>

namespace mmusim {

struct ConfigCommandOptions {
  enum class Format { Text, Json, Markdown } format = Format::Text;
  std::vector<std::string> keys;  // text: only these (all when empty)
  std::string config_file;        // json: overlaid on the defaults
  std::vector<std::string> sets;  // json: overlaid after the file
};

// InputError on an unknown key, a bad file or --set.
void run_config_command(const ConfigCommandOptions& options, std::ostream& out);

}  // namespace mmusim
