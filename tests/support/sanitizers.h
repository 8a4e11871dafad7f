#pragma once
// Whether this build runs under AddressSanitizer (the checks build): its quarantine keeps
// freed memory resident, so a test that measures host memory has nothing to measure.

namespace mmusim::test {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

}  // namespace mmusim::test
