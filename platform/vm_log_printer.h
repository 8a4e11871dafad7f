#pragma once
// `--log vm`: one line per virtual-memory event, as it happens:
//   <simulated time in us>  pid <n>  <VA or ->  <what happened>

#include <cstdio>
#include <ostream>

#include "vm_log.h"

namespace mmusim {

class VmLogPrinter final : public fw::VmLog {
 public:
  explicit VmLogPrinter(std::ostream& out) : out_(out) {}
  void event(std::uint64_t time_ps, fw::Pid pid, std::uint64_t va,
             const std::string& what) override {
    char head[96];
    std::snprintf(head, sizeof head, "%14.6f us  pid %-3u %-14s ",
                  static_cast<double>(time_ps) / 1e6, pid,
                  va == fw::kNoVa ? "-" : fw::hex(va).c_str());
    out_ << head << what << '\n';
  }

 private:
  std::ostream& out_;
};

}  // namespace mmusim
