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
    case Rule::NonLeafNPbmt: return "non_leaf_n_pbmt";
    case Rule::PbmtReserved: return "pbmt_reserved";
    case Rule::NapotReserved: return "napot_reserved";
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

const char* spec_reference(Rule rule) {
  switch (rule) {
    case Rule::Translated:
      return "§4.3.2 step 8: the physical address is the leaf's PPN and the VA's offset";
    case Rule::Bare: return "§4.1.11: satp.MODE = Bare, no translation";
    case Rule::NonCanonical: return "§4.4.1/§4.5.1: VA bits 63:VA_BITS must equal bit VA_BITS-1";
    case Rule::AccessFault: return "§4.3.2 step 2: the PTE read hit no memory (access fault)";
    case Rule::Invalid: return "§4.3.2 step 3: V = 0";
    case Rule::WriteWithoutRead: return "§4.3.2 step 3: W = 1 with R = 0 is reserved";
    case Rule::ReservedBits:
      return "§4.3.2 step 3, §4.4.1: bits 60:54 are reserved, and N (63) and PBMT (62:61) "
             "without Svnapot and Svpbmt";
    case Rule::NonLeafNPbmt:
      return "§4.3.2 step 3, §5, §6: N and PBMT of a non-leaf PTE are reserved";
    case Rule::PbmtReserved: return "§4.3.2 step 3, §6 (Svpbmt): PBMT = 3 is reserved";
    case Rule::NapotReserved:
      return "§4.3.2 step 3, §5 (Svnapot): N = 1 needs a level-0 leaf with PPN[3:0] = 1000 "
             "(Table 5.1)";
    case Rule::NonLeafAdu: return "§4.3.1, §4.3.2 step 4: D, A and U of a non-leaf PTE must be 0";
    case Rule::NoLeaf: return "§4.3.2 step 4: a pointer at level 0";
    case Rule::SupervisorPageFromU:
      return "§4.3.2 step 5, §4.3.1: U-mode may only use pages with U = 1";
    case Rule::UserPageFromS: return "§4.3.2 step 5, §4.3.1: S-mode uses U pages only with SUM = 1";
    case Rule::UserFetchFromS: return "§4.3.2 step 5, §4.3.1: S-mode never executes U pages";
    case Rule::NoRead: return "§4.3.2 step 5: a load needs R (or X with MXR = 1)";
    case Rule::NoWrite: return "§4.3.2 step 5: a store needs W";
    case Rule::NoExecute: return "§4.3.2 step 5: a fetch needs X";
    case Rule::MisalignedSuperpage: return "§4.3.2 step 6: a superpage's low PPN fields must be 0";
    case Rule::AccessedClear: return "§4.3.2 step 7 (Svade): A = 0 faults";
    case Rule::DirtyClear: return "§4.3.2 step 7 (Svade): a store with D = 0 faults";
  }
  return "?";
}

const char* size_class_name(unsigned c) {
  static const char* const kNames[kPageSizeClasses] = {"4KiB", "64KiB",  "2MiB",
                                                       "1GiB", "512GiB", "256TiB"};
  return c < kPageSizeClasses ? kNames[c] : "?";
}

const char* to_string(Pbmt pbmt) {
  switch (pbmt) {
    case Pbmt::Pma: return "pma";
    case Pbmt::Nc: return "nc";
    case Pbmt::Io: return "io";
    case Pbmt::Reserved: return "reserved";
  }
  return "?";
}

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::Bare: return "bare";
    case Mode::Sv39: return "sv39";
    case Mode::Sv48: return "sv48";
    case Mode::Sv57: return "sv57";
  }
  return "unknown";
}

}  // namespace mmusim::sv
