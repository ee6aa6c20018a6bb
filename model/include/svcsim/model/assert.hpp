// SVCSIM_ASSERT: invariant checks that stay on in every build type (TigerBeetle style).
// The failure handler is swappable: tests install one that throws, so RapidCheck can shrink the
// failing sequence; the command-line tool prints the reproduction context and aborts.
#pragma once

#include <stdexcept>
#include <string>

namespace svcsim {

/// Called when an assertion fails. Must not return (throw or abort).
using AssertHandler = void (*)(const char* expression, const char* file, int line,
                               const char* message);

/// Installs `handler` and returns the previous one. Not thread-safe; call at start-up.
AssertHandler set_assert_handler(AssertHandler handler) noexcept;

/// The default handler: prints expression, place and the reproduction context, then aborts.
[[noreturn]] void aborting_assert_handler(const char* expression, const char* file, int line,
                                          const char* message);

/// Thrown by `throwing_assert_handler`; tests catch it (or let RapidCheck shrink on it).
class AssertionFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A handler for tests: throws AssertionFailure with the expression, place and message.
[[noreturn]] void throwing_assert_handler(const char* expression, const char* file, int line,
                                          const char* message);

/// Sets the line printed with every failed assertion, e.g. the `svcsim run ...` command that
/// reproduces the current sequence. Thread-local; an empty string clears it.
void set_assert_context(std::string context);
const std::string& assert_context() noexcept;

[[noreturn]] void assert_fail(const char* expression, const char* file, int line,
                              const char* message);

}  // namespace svcsim

#define SVCSIM_ASSERT(condition)                                                     \
  ((condition) ? static_cast<void>(0)                                                \
               : ::svcsim::assert_fail(#condition, __FILE__, __LINE__, nullptr))

#define SVCSIM_ASSERT_MSG(condition, message)                                        \
  ((condition) ? static_cast<void>(0)                                                \
               : ::svcsim::assert_fail(#condition, __FILE__, __LINE__, (message)))
