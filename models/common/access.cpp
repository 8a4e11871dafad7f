#include "access.h"

namespace mmusim {

const char* to_string(AccessKind kind) {
  switch (kind) {
    case AccessKind::Read: return "read";
    case AccessKind::Write: return "write";
    case AccessKind::Fetch: return "fetch";
  }
  return "?";
}

}  // namespace mmusim
