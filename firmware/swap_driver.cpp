#include "swap_driver.h"

namespace mmusim::fw {

using namespace swap_regs;

bool SwapDriver::transfer(Command command, std::uint64_t block, std::uint64_t frame_pa) {
  hal_.store64(base_ + kBlock, block);
  hal_.store64(base_ + kDramAddr, frame_pa);
  hal_.store64(base_ + kCount, 1);
  hal_.store64(base_ + kCommand, static_cast<std::uint64_t>(command));
  while (hal_.load64(base_ + kIrqStatus) == 0) hal_.wait_for_interrupt();
  const auto status = static_cast<Status>(hal_.load64(base_ + kStatus));
  last_error_ = static_cast<Error>(hal_.load64(base_ + kError));
  hal_.store64(base_ + kIrqAck, 1);
  return status == Status::Done;
}

const char* to_string(Error error) {
  switch (error) {
    case Error::None: return "no error";
    case Error::BadCommand: return "bad command";
    case Error::OutOfRange: return "block out of range";
    case Error::DmaFailed: return "DMA failed (buffer not in DRAM)";
  }
  return "unknown error";
}

}  // namespace mmusim::fw
