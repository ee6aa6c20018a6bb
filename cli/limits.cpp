// Parsing of limit options, and the machine's memory read through sysconf and /proc.
#include "limits.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <system_error>
#include <thread>

#include "svcsim/model/text.hpp"

namespace svcsim::cli {

Result<std::optional<std::uint64_t>, std::string> parse_limit(std::string_view text,
                                                               std::uint64_t maximum) {
  if (text == unlimited_word) return std::optional<std::uint64_t>{};
  const std::string expected =
      fmt::format("must be a whole number from 1 to {} or '{}'", maximum, unlimited_word);
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return character >= '0' && character <= '9';
  });
  if (text.empty()) return unexpected(expected + ", not empty");
  if (!digits) return unexpected(expected + ", not " + model::detail::quote(text));
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value > maximum) {
    return unexpected(expected + ", not " + model::detail::quote(text) + " (too large)");
  }
  if (value == 0) {
    return unexpected(fmt::format("{}, not 0 (0 does not mean unlimited: say '{}')", expected,
                                  unlimited_word));
  }
  return std::optional<std::uint64_t>{value};
}

std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

std::uint64_t default_memory_bytes_max(int local_ranks) {
  const std::uint64_t physical = physical_memory_bytes();
  const std::uint64_t half = physical == 0 ? std::uint64_t{4} << 30 : physical / 2;
  return half / static_cast<std::uint64_t>(std::max(local_ranks, 1));
}

int default_thread_count(int local_ranks) {
  const auto cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores / std::max(local_ranks, 1), 1, thread_count_max);
}

std::uint64_t resident_set_bytes() {
  static const auto page_size = static_cast<std::uint64_t>(std::max(sysconf(_SC_PAGE_SIZE), 1L));
  // /proc/self/statm: "size resident shared text lib data dt", in pages.
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    unsigned long long size = 0;
    unsigned long long resident = 0;
    const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
    std::fclose(statm);
    if (read == 2) return resident * page_size;
  }
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss < 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // kilobytes on Linux
}

std::string memory_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{10} << 30)) {
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1u << 30));
  }
  return fmt::format("{} MiB", bytes >> 20);
}

}  // namespace svcsim::cli
