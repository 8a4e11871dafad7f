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

const char* to_string(Rule rule) {
  switch (rule) {
    case Rule::Translated: return "translated";
    case Rule::Bare: return "bare";
    case Rule::NonCanonical: return "non_canonical";
    case Rule::AccessFault: return "access_fault";
    case Rule::Invalid: return "invalid";
    case Rule::WriteWithoutRead: return "w_without_r";
    case Rule::ReservedBits: return "reserved_bits";
    case Rule::NonLeafAdu: return "non_leaf_adu";
    case Rule::NoLeaf: return "no_leaf";
    case Rule::SupervisorPageFromU: return "s_page_from_u";
    case Rule::UserPageFromS: return "u_page_from_s";
    case Rule::UserFetchFromS: return "u_fetch_from_s";
    case Rule::NoRead: return "no_read";
    case Rule::NoWrite: return "no_write";
    case Rule::NoExecute: return "no_execute";
    case Rule::MisalignedSuperpage: return "misaligned_superpage";
    case Rule::AccessedClear: return "a_clear";
    case Rule::DirtyClear: return "d_clear";
  }
  return "?";
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
