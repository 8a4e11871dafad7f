#include "dram.h"

#include <algorithm>
#include <cstring>

#include "bits.h"
#include "copy_bytes.h"

namespace mmusim {

Dram::Dram(const sc_core::sc_module_name& name, const DramConfig& config)
    : sc_core::sc_module(name),
      config_(config),
      row_hit_latency_(config.timing.t_cl + config.timing.t_burst),
      split_by_shifts_(is_power_of_two(config.row_size) && is_power_of_two(config.banks)),
      row_shift_(log2_ceil(config.row_size)),
      bank_shift_(log2_ceil(config.banks)),
      storage_((config.size + kStoragePage - 1) >> kStorageShift),
      open_row_(config.banks, -1) {
}

bool Dram::in_range(const tlm::tlm_generic_payload& trans) const {
  const std::uint64_t addr = trans.get_address();
  return addr < config_.size && trans.get_data_length() <= config_.size - addr;
}

std::uint8_t* Dram::page(std::uint64_t addr, bool allocate) {
  const std::uint64_t number = addr >> kStorageShift;
  if (!allocate) return storage_.find(number);
  bool made = false;
  std::uint8_t* const page = storage_.make(number, &made);
  if (made) ++stats_.pages_allocated;
  return page;
}

void Dram::copy(tlm::tlm_generic_payload& trans) {
  std::uint64_t addr = trans.get_address();
  std::uint8_t* data = trans.get_data_ptr();
  unsigned remaining = trans.get_data_length();
  const bool write = trans.is_write();
  while (remaining != 0) {
    const std::uint64_t offset = addr & (kStoragePage - 1);
    const unsigned chunk =
        static_cast<unsigned>(std::min<std::uint64_t>(remaining, kStoragePage - offset));
    std::uint8_t* storage = page(addr, write);
    if (write) {
      copy_bytes(storage + offset, data, chunk);
    } else if (storage != nullptr) {
      copy_bytes(data, storage + offset, chunk);
    } else {
      std::memset(data, 0, chunk);
    }
    addr += chunk;
    data += chunk;
    remaining -= chunk;
  }
}

// Row-buffer model: the bank and row come from the address (row-interleaved mapping:
// | row | bank | column |); each bank keeps its last row open.
sc_core::sc_time Dram::access_latency(std::uint64_t addr, unsigned length) {
  std::uint64_t row_index = 0;
  unsigned bank = 0;
  std::int64_t row = 0;
  if (split_by_shifts_) {
    row_index = addr >> row_shift_;
    bank = static_cast<unsigned>(row_index & (config_.banks - 1));
    row = static_cast<std::int64_t>(row_index >> bank_shift_);
  } else {
    row_index = addr / config_.row_size;
    bank = static_cast<unsigned>(row_index % config_.banks);
    row = static_cast<std::int64_t>(row_index / config_.banks);
  }
  const DramTiming& t = config_.timing;
  sc_core::sc_time latency = row_hit_latency_;
  if (length > kBurstBytes) {
    const std::uint64_t bursts = (length + kBurstBytes - 1) / kBurstBytes;
    latency = t.t_cl + t.t_burst * static_cast<double>(bursts);
  }
  if (open_row_[bank] == row) {
    ++stats_.row_hits;
  } else if (open_row_[bank] < 0) {
    ++stats_.row_misses;
    latency += t.t_rcd;
  } else {
    ++stats_.row_conflicts;
    latency += t.t_rp + t.t_rcd;
  }
  open_row_[bank] = row;
  return latency;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (!in_range(trans)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_streaming_width() < trans.get_data_length()) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const unsigned length = trans.get_data_length();
  if (trans.is_write()) {
    ++stats_.writes;
    stats_.bytes_written += length;
  } else {
    ++stats_.reads;
    stats_.bytes_read += length;
  }
  delay += access_latency(trans.get_address(), length);
  copy(trans);
  trans.set_dmi_allowed(true);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Debug access: no time and no row-buffer or access-counter change; a read never allocates.
unsigned int Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (!in_range(trans)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  copy(trans);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

// DMI is granted one 4 KiB storage page at a time (the storage is only contiguous
// within a page), with the row-hit latency as an estimate.
bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  if (addr >= config_.size) return false;
  const std::uint64_t start = addr & ~(kStoragePage - 1);
  dmi.set_dmi_ptr(page(addr, true));
  dmi.set_start_address(start);
  dmi.set_end_address(std::min(start + kStoragePage, config_.size) - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(row_hit_latency_);
  dmi.set_write_latency(row_hit_latency_);
  return true;
}

}  // namespace mmusim
