#include "config_command.h"

#include "config.h"
#include "config_keys.h"
#include "input_error.h"

namespace mmusim {

void run_config_command(const ConfigCommandOptions& options, std::ostream& out) {
  using Format = ConfigCommandOptions::Format;
  if (options.format == Format::Markdown) {
    out << config_table_markdown();
    return;
  }
  if (options.format == Format::Json) {
    out << load_config_document(options.config_file, options.sets).in_declared_order().dump(2)
        << '\n';
    return;
  }
  if (options.keys.empty()) {
    out << config_table_text();
    return;
  }
  for (const std::string& wanted : options.keys) {
    bool found = false;
    for (const ConfigKey& key : config_keys()) found = found || key_in(key, wanted);
    if (!found) {
      const auto hint = nearest_config_key(wanted);
      throw InputError("mmusim config", "unknown key '" + wanted + "'" +
                                            (hint ? " (did you mean '" + *hint + "'?)" : ""));
    }
  }
  out << config_table_text(options.keys);
}

}  // namespace mmusim
