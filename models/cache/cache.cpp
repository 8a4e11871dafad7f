#include "cache.h"

#include <algorithm>
#include <cstring>

#include "bits.h"
#include "copy_bytes.h"

namespace mmusim {

Cache::Cache(const sc_core::sc_module_name& name, const CacheConfig& config,
             CacheableRange cacheable)
    : sc_core::sc_module(name),
      config_(config),
      cacheable_(cacheable),
      ways_(config.ways),
      sets_(config.sets()),
      line_shift_(log2_ceil(config.line)),
      line_mask_(config.line - 1),
      tags_(std::size_t{sets_} * ways_, kNoLine),
      invalid_ways_(sets_, ways_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << ways_) - 1),
      state_(std::size_t{sets_} * ways_, 0),
      data_(std::size_t{sets_} * ways_ * config.line, 0),
      policy_(make_replacement(config.replacement, sets_, ways_, config.seed)) {
}

long Cache::probe(std::uint64_t line_addr, long& invalid) const {
  // A line sits in one slot at most: the one found last is tried first (consecutive
  // accesses mostly stay on one line), then its set. An invalid slot's tag is kNoLine,
  // which no line address equals, so one compare per way; a miss puts the line in the
  // set's first invalid way.
  invalid = -1;
  if (tags_[recent_] == line_addr) return static_cast<long>(recent_);
  const unsigned set = set_of(line_addr);
  const std::size_t first = slot(set, 0);
  // Unrolled: a miss (every line of a page being zeroed or copied, at each level) visits
  // every way, and the loop's own counting cost as much as its compares.
#pragma GCC unroll 8
  for (std::size_t s = first; s < first + ways_; ++s) {
    if (tags_[s] == line_addr) {
      recent_ = s;
      return static_cast<long>(s);
    }
  }
  if (invalid_ways_[set] != 0) {
    invalid = static_cast<long>(first + static_cast<unsigned>(__builtin_ctzll(invalid_ways_[set])));
  }
  return -1;
}

bool Cache::holds_dirty(std::uint64_t addr) const {
  const long s = find(line_of(addr));
  return s >= 0 && (state_[static_cast<std::size_t>(s)] & kDirty) != 0;
}

tlm::tlm_response_status Cache::line_transport(tlm::tlm_command cmd, std::uint64_t line_addr,
                                               std::uint8_t* data, bool for_walker,
                                               sc_core::sc_time& delay) {
  tlm::tlm_generic_payload& t = line_trans_;
  t.set_command(cmd);
  t.set_address(line_addr);
  t.set_data_ptr(data);
  t.set_data_length(config_.line);
  t.set_streaming_width(config_.line);
  t.set_byte_enable_ptr(nullptr);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (for_walker) {
    pte_tag_.served_by = PteTraffic::kMemory;
    t.set_extension(&pte_tag_);
  }
  next->b_transport(t, delay);
  if (for_walker) t.clear_extension(&pte_tag_);
  return t.get_response_status();
}

void Cache::write_back(std::size_t s, sc_core::sc_time& delay) {
  line_transport(tlm::TLM_WRITE_COMMAND, tags_[s], line_data(s), false, delay);
  state_[s] &= static_cast<std::uint8_t>(~kDirty);
}

std::size_t Cache::make_room(unsigned set, long invalid) {
  if (invalid >= 0) return static_cast<std::size_t>(invalid);
  const unsigned way = policy_->victim(set);
  const std::size_t victim = slot(set, 0) + way;
  if ((state_[victim] & kDirty) != 0) {
    ++stats_.write_backs;
    // Drained by a write buffer: the requester does not wait for it.
    sc_core::sc_time buffered = sc_core::SC_ZERO_TIME;
    write_back(victim, buffered);
  }
  drop(victim, set, way);
  return victim;
}

void Cache::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (!cacheable_.holds(addr, length)) {
    ++stats_.uncached;
    next->b_transport(trans, delay);
    return;
  }
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_streaming_width() < length) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const bool write = trans.is_write();
  if (!write && !trans.is_read()) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  PteTraffic* const walker_tag = PteTraffic::of(trans);
  const bool for_walker = walker_tag != nullptr;
  unsigned served_by = config_.level;  // the deepest level any of its lines came from
  ++(write ? stats_.writes : stats_.reads);
  std::uint8_t* data = trans.get_data_ptr();
  const std::uint64_t end = addr + length;
  for (std::uint64_t at = addr; at < end;) {
    const std::uint64_t line_addr = line_of(at);
    const auto offset = static_cast<unsigned>(at - line_addr);
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(config_.line - offset, end - at));
    const unsigned set = set_of(line_addr);
    delay += config_.hit_latency;
    long invalid = -1;
    const long found = probe(line_addr, invalid);
    std::size_t s = 0;
    if (found >= 0) {
      s = static_cast<std::size_t>(found);
      ++stats_.hits;
      if (for_walker) ++stats_.pte_hits;
      policy_->hit(set, static_cast<unsigned>(s - slot(set, 0)));
    } else {
      ++stats_.misses;
      if (for_walker) ++stats_.pte_misses;
      s = make_room(set, invalid);
      // A store that covers the whole line needs nothing of what it held before.
      if (!(write && chunk == config_.line)) {
        const tlm::tlm_response_status status =
            line_transport(tlm::TLM_READ_COMMAND, line_addr, line_data(s), for_walker, delay);
        if (status != tlm::TLM_OK_RESPONSE) {
          trans.set_response_status(status);
          return;
        }
        if (for_walker) served_by = std::max(served_by, pte_tag_.served_by);
      }
      const auto way = static_cast<unsigned>(s - slot(set, 0));
      hold(s, set, way, line_addr);  // clean: make_room left its state at 0
      policy_->fill(set, way);
    }
    if (write) {
      copy_bytes(line_data(s) + offset, data, chunk);
      state_[s] |= kDirty;
    } else {
      copy_bytes(data, line_data(s) + offset, chunk);
    }
    data += chunk;
    at += chunk;
  }
  if (for_walker) walker_tag->served_by = served_by;
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

template <typename Visit>
void Cache::for_each_held_line(std::uint64_t addr, std::uint64_t length, Visit visit) {
  if (length == 0) return;
  const std::uint64_t end = addr + length;
  for (std::uint64_t line_addr = line_of(addr); line_addr < end;) {
    if (held_in_region_[region_slot(line_addr)] == 0) {  // none of this region's lines
      line_addr = ((line_addr >> kRegionShift) + 1) << kRegionShift;
      continue;
    }
    const long s = find(line_addr);
    if (s >= 0) visit(static_cast<std::size_t>(s));
    line_addr += config_.line;
  }
}

void Cache::snoop(std::uint64_t addr, std::uint64_t length, bool invalidate,
                  sc_core::sc_time& delay) {
  for_each_held_line(addr, length, [&](std::size_t s) {
    if ((state_[s] & kDirty) != 0) {
      ++stats_.snoop_write_backs;
      write_back(s, delay);
    }
    if (!invalidate) return;
    ++stats_.snoop_invalidations;
    const unsigned set = set_of(tags_[s]);
    drop(s, set, static_cast<unsigned>(s - slot(set, 0)));
  });
}

// Debug access, no time and no state change: a read takes what the levels below hold,
// then what this level holds on top (it is newer); a write updates the lines held here
// and goes on down, so every copy agrees.
unsigned int Cache::transport_dbg(tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (trans.is_read()) {
    const unsigned int n = next->transport_dbg(trans);
    if (!cacheable_.holds(addr, length) || n != length) return n;
  } else if (!cacheable_.holds(addr, length)) {
    return next->transport_dbg(trans);
  }
  std::uint8_t* data = trans.get_data_ptr();
  for_each_held_line(addr, length, [&](std::size_t s) {
    const std::uint64_t line_addr = tags_[s];
    const std::uint64_t from = std::max(addr, line_addr);
    const std::uint64_t to = std::min(addr + length, line_addr + config_.line);
    std::uint8_t* here = line_data(s) + (from - line_addr);
    std::uint8_t* there = data + (from - addr);
    if (trans.is_read()) {
      std::memcpy(there, here, to - from);
    } else {
      std::memcpy(here, there, to - from);
    }
  });
  if (trans.is_write()) return next->transport_dbg(trans);
  return length;
}

}  // namespace mmusim
