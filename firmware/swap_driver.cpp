#include "swap_driver.h"

namespace mmusim::fw {

using namespace swap_regs;

bool SwapDriver::transfer(Command command, std::uint64_t block, std::uint64_t frame_pa) {
  for (unsigned tries = 0; tries <= config_.retries; ++tries) {
    if (tries > 0) ++stats_.retries;
    const Outcome outcome = attempt(command, block, frame_pa);
    if (outcome == Outcome::Done) {
      if (tries > 0) ++stats_.recovered;
      return true;
    }
    if (outcome == Outcome::Permanent) break;
    if (tries == config_.retries) {
      last_error_ += config_.retries == 0 ? std::string(" (no retries)")
                                          : " (gave up after " +
                                                std::to_string(config_.retries + 1) + " attempts)";
    }
  }
  ++stats_.failed;
  return false;
}

SwapDriver::Outcome SwapDriver::attempt(Command command, std::uint64_t block,
                                        std::uint64_t frame_pa) {
  hal_.store64(base_ + kBlock, block);
  hal_.store64(base_ + kDramAddr, frame_pa);
  hal_.store64(base_ + kCount, 1);
  hal_.store64(base_ + kCommand, static_cast<std::uint64_t>(command));
  const std::uint64_t deadline = hal_.now_ps() + config_.timeout_ps;
  while (hal_.load64(base_ + kIrqStatus) == 0) {
    const std::uint64_t now = hal_.now_ps();
    if (now >= deadline || !hal_.wait_for_interrupt(deadline - now)) {
      hal_.store64(base_ + kCommand, static_cast<std::uint64_t>(Command::Abort));
      ++stats_.timeouts;
      last_error_ = "no interrupt within the timeout (command aborted)";
      return Outcome::Transient;
    }
  }
  const auto status = static_cast<Status>(hal_.load64(base_ + kStatus));
  const auto error = static_cast<Error>(hal_.load64(base_ + kError));
  hal_.store64(base_ + kIrqAck, 1);
  if (status != Status::Done) {
    ++stats_.device_errors;
    last_error_ = std::string("device error: ") + to_string(error);
    // A media error may pass; a command the device refuses (or DMA to a buffer that is
    // not memory) fails the same way every time.
    return error == Error::MediaError ? Outcome::Transient : Outcome::Permanent;
  }
  if (command == Command::Read && config_.verify_reads &&
      frame_checksum(frame_pa) != hal_.load64(base_ + kChecksum)) {
    ++stats_.bad_checksums;
    last_error_ = "the data read does not match the device's checksum of the block";
    return Outcome::Transient;
  }
  return Outcome::Done;
}

std::uint64_t SwapDriver::frame_checksum(std::uint64_t frame_pa) {
  BlockChecksum sum;
  for (std::uint64_t offset = 0; offset < kBytesPerBlock; offset += 8) {
    sum.add(hal_.load64(frame_pa + offset));
  }
  return sum.value();
}

const char* to_string(Error error) {
  switch (error) {
    case Error::None: return "no error";
    case Error::BadCommand: return "bad command";
    case Error::OutOfRange: return "block out of range";
    case Error::DmaFailed: return "DMA failed (buffer not in DRAM)";
    case Error::MediaError: return "media error";
  }
  return "unknown error";
}

}  // namespace mmusim::fw
