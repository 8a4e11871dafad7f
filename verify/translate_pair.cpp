#include "translate_pair.h"

#include <fstream>

#include "hex.h"

namespace mmusim::verify {

std::string request_line(const TranslationRequest& r) {
  const char kind = r.ctx.kind == AccessKind::Read    ? 'r'
                    : r.ctx.kind == AccessKind::Write ? 'w'
                                                      : 'x';
  return hex(r.va) + " " + kind + " " + (r.ctx.priv == Privilege::User ? "u" : "s") +
         (r.ctx.sum ? " sum" : "") + (r.ctx.mxr ? " mxr" : "");
}

TranslatePair write_translate_pair(const std::string& prefix, const std::string& note,
                                   const std::map<std::uint64_t, std::uint64_t>& words,
                                   std::uint64_t satp,
                                   const std::vector<TranslationRequest>& requests) {
  TranslatePair pair{prefix + ".image.txt", prefix + ".requests.txt"};
  std::ofstream img(pair.image);
  img << "# " << note << '\n';
  for (const auto& [pa, value] : words) img << hex(pa) << ' ' << hex(value) << '\n';
  std::ofstream req(pair.requests);
  req << "# satp " << hex(satp) << '\n';
  for (const TranslationRequest& r : requests) req << request_line(r) << '\n';
  return pair;
}

std::string translate_command(const TranslatePair& pair, std::uint64_t satp) {
  std::string satp_hex = hex(satp);
  return "mmusim translate --satp " + satp_hex.substr(2) + " --image " + pair.image +
         " --requests " + pair.requests;
}

}  // namespace mmusim::verify
