// Sanitizer defaults for the checks build (MMUSIM_SANITIZE): linked into mmusim, the
// tests and the fuzz targets there, so every run (test discovery included) gets them
// without an environment to set.
//
// LeakSanitizer is off: it cannot run under ptrace, and the sandboxes and debuggers on
// the machines this runs on use ptrace. AddressSanitizer and UBSan stay fully on, and
// UBSan stops at its first report so a test cannot pass over one.

extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }
