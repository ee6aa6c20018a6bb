// The assertion handler: swappable so that tests throw (and RapidCheck shrinks) while the tool
// prints the reproduction context and aborts.
#include "svcsim/model/assert.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace svcsim {
namespace {

AssertHandler current_handler = &aborting_assert_handler;
thread_local std::string current_context;

std::string format_failure(const char* expression, const char* file, int line,
                           const char* message) {
  std::string text = std::string(file) + ":" + std::to_string(line) +
                     ": assertion failed: " + expression;
  if (message != nullptr) text += std::string(" (") + message + ")";
  if (!current_context.empty()) text += "\n  reproduce: " + current_context;
  return text;
}

}  // namespace

AssertHandler set_assert_handler(AssertHandler handler) noexcept {
  AssertHandler previous = current_handler;
  current_handler = handler != nullptr ? handler : &aborting_assert_handler;
  return previous;
}

void aborting_assert_handler(const char* expression, const char* file, int line,
                             const char* message) {
  std::fprintf(stderr, "svcsim: %s\n", format_failure(expression, file, line, message).c_str());
  std::fflush(stderr);
  std::abort();
}

void throwing_assert_handler(const char* expression, const char* file, int line,
                             const char* message) {
  throw AssertionFailure(format_failure(expression, file, line, message));
}

void set_assert_context(std::string context) { current_context = std::move(context); }
const std::string& assert_context() noexcept { return current_context; }

void assert_fail(const char* expression, const char* file, int line, const char* message) {
  current_handler(expression, file, line, message);
  // A handler that returns would let a broken invariant go on; never allow it.
  std::abort();
}

}  // namespace svcsim
