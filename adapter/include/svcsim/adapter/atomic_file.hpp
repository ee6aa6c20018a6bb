// Files that are never half-written: the emulator's state file and the replay's script and
// reports are written to a temporary file beside the target, fsync'd and renamed over it.
#pragma once

#include <string>

namespace svcsim::adapter {

/// Writes `contents` to `path` atomically: a killed writer leaves the old file or the new one,
/// never a mixture. Throws std::runtime_error naming the path and the system's reason.
void write_file_atomically(const std::string& path, const std::string& contents);

/// The whole file, or nullopt-like empty with `found` false when it does not exist. Throws
/// std::runtime_error for any other failure.
std::string read_file(const std::string& path, bool* found);

/// Appends `line` and a line feed to `path` and fsyncs it: once this returns, the line survives a
/// kill -9 or a power loss. With `create`, the file must not exist yet (it is created, and its
/// directory fsync'd). Throws std::runtime_error naming the path and the reason.
void append_line_durably(const std::string& path, const std::string& line, bool create);

/// fsync()s the directory holding `path`, so that a rename or a new file survives a crash.
void sync_parent_directory(const std::string& path);

}  // namespace svcsim::adapter
