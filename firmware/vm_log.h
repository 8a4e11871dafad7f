#pragma once
// Virtual-memory events as they happen (`mmusim run --log vm`): page faults by kind,
// evictions (victim, its mappers, why the policy chose it, written back or dropped),
// swap I/O, forks, attaches, shootdowns, kills. The kernel builds an event's text only
// when a log is attached, so the log costs nothing when it is off.

#include <cstdint>
#include <string>

#include "hex.h"

namespace mmusim::fw {

using Pid = unsigned;
constexpr std::uint64_t kNoVa = ~std::uint64_t{0};

class VmLog {
 public:
  virtual ~VmLog() = default;
  // At simulated time `time_ps`, for process `pid` (at `va`, or kNoVa): `what`.
  virtual void event(std::uint64_t time_ps, Pid pid, std::uint64_t va, const std::string& what) = 0;
};

using mmusim::hex;

}  // namespace mmusim::fw
