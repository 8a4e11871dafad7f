#include "sv.h"

namespace mmusim::sv {

const char* to_string(Cause cause) {
  switch (cause) {
    case Cause::None: return "none";
    case Cause::InstrAccessFault: return "instruction_access_fault";
    case Cause::LoadAccessFault: return "load_access_fault";
    case Cause::StoreAccessFault: return "store_access_fault";
    case Cause::InstrPageFault: return "instruction_page_fault";
    case Cause::LoadPageFault: return "load_page_fault";
    case Cause::StorePageFault: return "store_page_fault";
  }
  return "unknown";
}

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::Bare: return "bare";
    case Mode::Sv39: return "sv39";
    case Mode::Sv48: return "sv48";
  }
  return "unknown";
}

}  // namespace mmusim::sv
