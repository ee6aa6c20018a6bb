// write temp + fsync + rename + fsync(dir): the one way svcsim replaces a file.
#include "svcsim/adapter/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace svcsim::adapter {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false positive) on a chain of +.
  std::string message = what;
  message += ' ';
  message += path;
  message += ": ";
  message += std::strerror(errno);
  throw std::runtime_error(message);
}

/// Writes all of `data`, retrying short writes and EINTR.
bool write_all(int fd, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t count = ::write(fd, data.data() + written, data.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return false;
    written += static_cast<std::size_t>(count);
  }
  return true;
}

}  // namespace

void append_line_durably(const std::string& path, const std::string& line, bool create) {
  const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) fail(create ? "cannot create" : "cannot open", path);
  if (!write_all(fd, line + "\n") || ::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot write", path);
  }
  ::close(fd);
  if (create) sync_parent_directory(path);
}

void sync_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string directory = (parent.empty() ? std::filesystem::path(".") : parent).string();
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory", directory);
  ::fsync(fd);
  ::close(fd);
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", temporary);
  if (!write_all(fd, contents)) {
    ::close(fd);
    ::unlink(temporary.c_str());
    fail("cannot write", temporary);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(temporary.c_str());
    fail("cannot fsync", temporary);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    fail("cannot rename onto", path);
  }
  sync_parent_directory(path);
}

std::string read_file(const std::string& path, bool* found) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && found != nullptr) {
      *found = false;
      return {};
    }
    fail("cannot open", path);
  }
  std::string contents;
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      ::close(fd);
      fail("cannot read", path);
    }
    if (count == 0) break;
    contents.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(fd);
  if (found != nullptr) *found = true;
  return contents;
}

}  // namespace svcsim::adapter
