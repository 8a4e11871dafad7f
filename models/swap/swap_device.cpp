#include "swap_device.h"

#include "register_access.h"
#include "uniform.h"

#include <cstring>
#include <vector>

namespace mmusim {

using namespace swap_regs;

SwapTiming SwapTiming::ssd() {
  return {sc_core::sc_time(20, sc_core::SC_US), sc_core::sc_time(0.5, sc_core::SC_NS)};
}
SwapTiming SwapTiming::disk() {
  return {sc_core::sc_time(5, sc_core::SC_MS), sc_core::sc_time(10, sc_core::SC_NS)};
}

SwapDevice::SwapDevice(const sc_core::sc_module_name& name, const SwapConfig& config)
    : sc_core::sc_module(name),
      config_(config),
      capacity_blocks_(config.size / kBytesPerBlock),
      blocks_(capacity_blocks_),
      fault_random_(config.faults.seed) {
  SC_HAS_PROCESS(SwapDevice);
  SC_METHOD(worker);
  sensitive << start_event_;
  dont_initialize();
}

void SwapDevice::register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  serve_register_access(
      trans, kRegionSize, [this](std::uint64_t offset) { return read_register(offset); },
      [this, &delay](std::uint64_t offset, std::uint64_t value) {
        write_register(offset, value, delay);
      });
}

unsigned int SwapDevice::register_debug(tlm::tlm_generic_payload& trans) {
  return refuse_register_debug(trans);
}

std::uint64_t SwapDevice::read_register(std::uint64_t offset) const {
  switch (offset) {
    case kBlock: return registers_.block;
    case kDramAddr: return registers_.dram_addr;
    case kCount: return registers_.count;
    case kStatus: return static_cast<std::uint64_t>(status_);
    case kError: return static_cast<std::uint64_t>(error_);
    case kIrqStatus: return irq_pending_ ? 1 : 0;
    case kCapacity: return capacity_blocks_;
    case kBlockSize: return kBytesPerBlock;
    case kChecksum: return checksum(registers_.block);
    default: return 0;
  }
}

void SwapDevice::write_register(std::uint64_t offset, std::uint64_t value,
                                const sc_core::sc_time& delay) {
  switch (offset) {
    case kBlock: registers_.block = value; break;
    case kDramAddr: registers_.dram_addr = value; break;
    case kCount: registers_.count = value; break;
    case kCommand: start(value, delay); break;
    case kIrqAck:
      if ((value & 1) != 0) {
        irq_pending_ = false;
        irq.write(false);
        record_activity(ActivityTrace::Signal::SwapIrq, sc_core::sc_time_stamp() + delay, 0);
      }
      break;
    default: break;
  }
}

void SwapDevice::start(std::uint64_t command, const sc_core::sc_time& delay) {
  if (command == static_cast<std::uint64_t>(Command::Abort)) {
    abort();
    return;
  }
  const bool known = command == static_cast<std::uint64_t>(Command::Read) ||
                     command == static_cast<std::uint64_t>(Command::Write);
  const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
  const Operands& op = registers_;
  if (status_ == Status::Busy || !known || op.count == 0) {
    finish(Error::BadCommand, now);
    return;
  }
  if (op.block >= capacity_blocks_ || op.count > capacity_blocks_ - op.block) {
    finish(Error::OutOfRange, now);
    return;
  }
  command_ = static_cast<Command>(command);
  running_ = op;
  status_ = Status::Busy;
  error_ = Error::None;
  fault_ = draw_fault(command_);
  // The register write happened at the initiator's local time: start from there.
  start_event_.notify(delay);
}

void SwapDevice::abort() {
  if (status_ != Status::Busy) return;
  ++generation_;
  ++stats_.aborts;
  status_ = Status::Idle;
  error_ = Error::None;
}

SwapDevice::Fault SwapDevice::draw_fault(Command command) {
  const SwapFaults& f = config_.faults;
  if (f.rate == 0) return Fault::None;
  if (to_unit_interval(fault_random_()) >= f.rate) return Fault::None;
  std::vector<Fault> kinds;
  if (f.error) kinds.push_back(Fault::Error);
  if (f.timeout) kinds.push_back(Fault::Timeout);
  if (f.corrupt && command == Command::Read) kinds.push_back(Fault::Corrupt);
  if (kinds.empty()) return Fault::None;
  return kinds[scale_to_range(fault_random_(), kinds.size())];
}

// A method, not a thread (no coroutine switch per command): started by start_event_, it
// waits out the service time with next_trigger(), which keeps it deaf to start_event_
// until the service is over, as a thread in wait(service) would be.
void SwapDevice::worker() {
  if (!in_service_) {
    in_service_ = true;
    service_generation_ = generation_;
    record_activity(ActivityTrace::Signal::SwapBusy, sc_core::sc_time_stamp(), 1);
    const std::uint64_t bytes = running_.count * kBytesPerBlock;
    service_ = config_.timing.command_time + config_.timing.byte_time * static_cast<double>(bytes);
    next_trigger(service_);
    return;
  }
  in_service_ = false;
  stats_.busy_ps += service_.value();
  record_activity(ActivityTrace::Signal::SwapBusy, sc_core::sc_time_stamp(), 0);
  if (service_generation_ != generation_) return;  // aborted while it ran
  switch (fault_) {
    case Fault::Timeout:
      ++stats_.injected_timeouts;  // stays busy with no interrupt until aborted
      break;
    case Fault::Error:
      ++stats_.injected_errors;
      finish(Error::MediaError, sc_core::sc_time_stamp());
      break;
    case Fault::Corrupt:
      ++stats_.injected_corruptions;
      finish(transfer(/*corrupt=*/true), sc_core::sc_time_stamp());
      break;
    case Fault::None: finish(transfer(/*corrupt=*/false), sc_core::sc_time_stamp()); break;
  }
}

// Moves the data by DMA, one block per bus transaction. The DMA's bus and DRAM time is
// part of the modelled service time, so its annotated delay is not waited for again.
// `corrupt`: the first block reaches DRAM with one byte changed (what is stored stays).
// The DMA moves each block straight between DRAM and the block's storage; only a read
// that corrupts on purpose, or a block never written, goes through the buffer.
Error SwapDevice::transfer(bool corrupt) {
  std::vector<std::uint8_t>& buffer = dma_buffer_;
  buffer.resize(kBytesPerBlock);
  const bool to_dram = command_ == Command::Read;
  const Operands& op = running_;
  for (std::uint64_t i = 0; i < op.count; ++i) {
    std::uint8_t* data = buffer.data();
    bool created = false;
    if (to_dram) {
      const std::uint8_t* const read = contents(op.block + i, buffer.data());
      if (corrupt && i == 0) {
        if (read != buffer.data()) std::memcpy(data, read, kBytesPerBlock);
        data[scale_to_range(fault_random_(), kBytesPerBlock)] ^= 0x5A;
      } else {
        data = const_cast<std::uint8_t*>(read);  // the DMA only reads it
      }
    } else {
      data = blocks_.make(op.block + i, &created);
    }
    tlm::tlm_generic_payload& t = dma_trans_;
    t.set_command(to_dram ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(op.dram_addr + i * kBytesPerBlock);
    t.set_data_ptr(data);
    t.set_data_length(kBytesPerBlock);
    t.set_streaming_width(kBytesPerBlock);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time dma_delay;
    dma->b_transport(t, dma_delay);
    if (!t.is_response_ok()) {
      // A failed DMA moves nothing (every target on the way checks before it copies): a
      // block it created holds nothing and goes.
      if (created) blocks_.erase(op.block + i);
      return Error::DmaFailed;
    }
  }
  const std::uint64_t bytes = op.count * kBytesPerBlock;
  if (to_dram) {
    ++stats_.reads;
    stats_.bytes_read += bytes;
  } else {
    ++stats_.writes;
    stats_.bytes_written += bytes;
  }
  return Error::None;
}

std::uint64_t SwapDevice::checksum(std::uint64_t block) const {
  BlockChecksum sum;
  std::uint8_t scratch[kBytesPerBlock];
  const std::uint8_t* const data = contents(block, scratch);
  for (std::uint64_t offset = 0; offset < kBytesPerBlock; offset += 8) {
    std::uint64_t word = 0;  // little-endian, as the DMA lays it in DRAM
    std::memcpy(&word, data + offset, 8);
    sum.add(word);
  }
  return sum.value();
}

const std::uint8_t* SwapDevice::contents(std::uint64_t block, std::uint8_t* scratch) const {
  if (const std::uint8_t* const stored = blocks_.find(block)) return stored;
  for (const Image& image : images_) {
    if (block >= image.first_block && block - image.first_block < image.blocks) {
      image.contents(block - image.first_block, scratch);
      return scratch;
    }
  }
  std::memset(scratch, 0, kBytesPerBlock);
  return scratch;
}

void SwapDevice::finish(Error error, const sc_core::sc_time& at) {
  error_ = error;
  status_ = error == Error::None ? Status::Done : Status::Failed;
  if (error != Error::None) ++stats_.errors;
  irq_pending_ = true;
  irq.write(true);
  record_activity(ActivityTrace::Signal::SwapIrq, at, 1);
}

void SwapDevice::record_activity(ActivityTrace::Signal signal, const sc_core::sc_time& at,
                       std::uint64_t value) {
  if (trace_ != nullptr) trace_->change(static_cast<std::uint64_t>(at.value()), signal, value);
}

void SwapDevice::preload(std::uint64_t first_block, std::uint64_t blocks, ImageBlock contents) {
  images_.push_back({first_block, blocks, std::move(contents)});
}

}  // namespace mmusim
