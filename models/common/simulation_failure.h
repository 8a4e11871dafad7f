#pragma once
// The simulation found a failure (a data mismatch, an RTL/model mismatch, a firmware or
// platform error): the run stops, its stats are still written, and mmusim exits with 1.

#include <stdexcept>

namespace mmusim {

class SimulationFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mmusim
