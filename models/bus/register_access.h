#pragma once
// The access rules of a block of 64-bit MMIO registers (the mmu's, the swap device's):
// 8-byte, 8-byte aligned accesses inside the block, no byte enables; anything else is
// TLM_ADDRESS_ERROR_RESPONSE. `read(offset)` returns a register's value; `write(offset,
// value)` stores one.

#include <cstdint>
#include <cstring>
#include <tlm>

namespace mmusim {

template <typename Read, typename Write>
void serve_register_access(tlm::tlm_generic_payload& trans, std::uint64_t block_size, Read read,
                           Write write) {
  const std::uint64_t offset = trans.get_address();
  if (trans.get_data_length() != 8 || offset % 8 != 0 || offset >= block_size ||
      trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  std::uint64_t value = 0;
  if (trans.is_read()) {
    value = read(offset);
    std::memcpy(trans.get_data_ptr(), &value, sizeof value);
  } else {
    std::memcpy(&value, trans.get_data_ptr(), sizeof value);
    write(offset, value);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Debug transport to a register block moves nothing: reading a register may have side
// effects, and a debugger inspects memory, not MMIO.
inline unsigned int refuse_register_debug(tlm::tlm_generic_payload& trans) {
  trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  return 0;
}

}  // namespace mmusim
