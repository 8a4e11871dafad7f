// The TLM ceiling: the fastest a loosely-timed SystemC/TLM-2.0 platform can move one
// access, measured on this machine so that mmusim's rate can be given as a multiple of it
// (tests/bench/compare_rates.py ceiling). One initiator with a quantum keeper sends
// `b_transport` 8-byte accesses, sequential over 64 KiB, one write in four, into a plain
// memory target that copies the data and adds a fixed latency: the same workload as the
// TLB-friendly one, with no translation, no timing model, no checking and no stats.
//
//   tlm_ceiling [ACCESSES]   prints {"accesses": N, "cpu_seconds": S, "accesses_per_cpu_second": R}

#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

// No SystemC banner: a static initialiser runs before libsystemc's main.
static const int kNoBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

namespace {

constexpr std::uint64_t kFootprint = 64 * 1024;
constexpr unsigned kAccessBytes = 8;

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Memory : sc_core::sc_module {
  tlm_utils::simple_target_socket<Memory> socket{"socket"};
  std::vector<unsigned char> bytes = std::vector<unsigned char>(kFootprint);

  explicit Memory(const sc_core::sc_module_name& name) : sc_module(name) {
    socket.register_b_transport(this, &Memory::b_transport);
  }

  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    unsigned char* cell = &bytes[payload.get_address() % kFootprint];
    if (payload.is_write()) {
      std::memcpy(cell, payload.get_data_ptr(), payload.get_data_length());
    } else {
      std::memcpy(payload.get_data_ptr(), cell, payload.get_data_length());
    }
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  std::uint64_t accesses;
  std::uint64_t checksum = 0;  // keeps the reads from being optimised away

  Initiator(const sc_core::sc_module_name& name, std::uint64_t accesses)
      : sc_module(name), accesses(accesses) {
    SC_HAS_PROCESS(Initiator);
    SC_THREAD(run);
  }

  void run() {
    tlm_utils::tlm_quantumkeeper keeper;
    keeper.reset();
    tlm::tlm_generic_payload payload;
    std::uint64_t data = 0;
    payload.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
    payload.set_data_length(kAccessBytes);
    payload.set_streaming_width(kAccessBytes);
    payload.set_byte_enable_ptr(nullptr);
    for (std::uint64_t i = 0; i < accesses; ++i) {
      const bool write = i % 4 == 3;
      data = write ? i : 0;
      payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      payload.set_address((i * kAccessBytes) % kFootprint);
      payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = keeper.get_local_time();
      socket->b_transport(payload, delay);
      if (payload.is_response_error()) SC_REPORT_FATAL("tlm_ceiling", "access failed");
      checksum += data;
      keeper.set(delay + sc_core::sc_time(1, sc_core::SC_NS));
      if (keeper.need_sync()) keeper.sync();
    }
  }
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  const std::uint64_t accesses = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  if (accesses == 0) {
    std::fprintf(stderr, "usage: tlm_ceiling [ACCESSES > 0]\n");
    return 2;
  }
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Initiator initiator("initiator", accesses);
  Memory memory("memory");
  initiator.socket.bind(memory.socket);

  const double start = cpu_seconds();
  sc_core::sc_start();
  const double took = cpu_seconds() - start;
  std::printf(
      "{\"accesses\": %llu, \"cpu_seconds\": %.6f, \"accesses_per_cpu_second\": %.1f, "
      "\"checksum\": %llu}\n",
      static_cast<unsigned long long>(accesses), took, static_cast<double>(accesses) / took,
      static_cast<unsigned long long>(initiator.checksum));
  return 0;
}
