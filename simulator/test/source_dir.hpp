// Where the tests find the shipped scenarios: $SVCSIM_SOURCE_DIR (set by CTest), else the
// source tree the test was built from.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace svcsim::simulator {

inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("SVCSIM_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path(SVCSIM_SOURCE_DIR_FALLBACK);
}

}  // namespace svcsim::simulator
