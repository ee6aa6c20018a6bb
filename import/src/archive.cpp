// Cabinets through libmspack, WIMs through wimlib, and the private folder they extract into
// (archive.hpp). libmspack gets a file system of ours, so that writing stops at the size an entry
// declared and its messages stay off stderr; wimlib is told to keep quiet.
#include "archive.hpp"

#include <fcntl.h>
#include <mspack.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wimlib.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>

#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import::detail {
namespace {

// ---- libmspack's file system -----------------------------------------------------------------

/// The name under which libmspack opens a memory buffer instead of a file: the cabinet held in
/// memory when reading, the buffer an entry is extracted into when writing. libmspack opens only
/// the names it is given (cabinet sets, which would make it open others, are refused).
constexpr const char* memory_name = "\x01svcsim-memory";

/// What our file system hands libmspack as a `mspack_file*`: libmspack's own struct is a
/// placeholder that every file system replaces with its own, and only passes back to us.
struct OpenFile {
  std::FILE* stream = nullptr;             // a file, or
  const std::string* source = nullptr;     // a cabinet in memory, read from
  std::string* sink = nullptr;             // or a buffer an entry is extracted into
  std::uint64_t position = 0;              // in `source`
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_max = 0;  // a file opened for writing takes at most this many bytes
};

OpenFile* open_file(mspack_file* file) { return reinterpret_cast<OpenFile*>(file); }

/// libmspack passes its `mspack_system*` back to open(); the limit for the next file written and
/// the memory buffers travel with it. `base` must stay the first member.
struct BoundedSystem {
  mspack_system base;
  std::uint64_t write_bytes_max = 0;
  const std::string* source = nullptr;  // what memory_name reads
  std::string* sink = nullptr;          // where memory_name writes
};
static_assert(std::is_standard_layout_v<BoundedSystem>);

mspack_file* system_open(mspack_system* self, const char* filename, int mode) {
  const auto* system = reinterpret_cast<BoundedSystem*>(self);
  const bool memory = std::strcmp(filename, memory_name) == 0;
  auto file = std::unique_ptr<OpenFile>(new (std::nothrow) OpenFile);
  if (!file) return nullptr;
  file->bytes_max = mode == MSPACK_SYS_OPEN_WRITE ? system->write_bytes_max : 0;
  if (memory) {
    if (mode == MSPACK_SYS_OPEN_READ && system->source != nullptr) {
      file->source = system->source;
    } else if (mode == MSPACK_SYS_OPEN_WRITE && system->sink != nullptr) {
      file->sink = system->sink;
      file->sink->clear();
    } else {
      return nullptr;
    }
    return reinterpret_cast<mspack_file*>(file.release());
  }
  if (mode == MSPACK_SYS_OPEN_READ) {
    const int descriptor = ::open(filename, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (descriptor < 0) return nullptr;
    file->stream = ::fdopen(descriptor, "rb");
    if (file->stream == nullptr) ::close(descriptor);
  } else if (mode == MSPACK_SYS_OPEN_WRITE) {
    // A new file only: never through a link, never over something that exists.
    const int descriptor =
        ::open(filename, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (descriptor < 0) return nullptr;
    file->stream = ::fdopen(descriptor, "wb");
    if (file->stream == nullptr) ::close(descriptor);
  }
  // Extraction never updates or appends to a file; refusing those modes keeps it that way.
  if (file->stream == nullptr) return nullptr;
  return reinterpret_cast<mspack_file*>(file.release());
}

void system_close(mspack_file* handle) {
  if (handle == nullptr) return;
  OpenFile* file = open_file(handle);
  if (file->stream != nullptr) std::fclose(file->stream);
  delete file;
}

int system_read(mspack_file* handle, void* buffer, int bytes) {
  OpenFile* file = open_file(handle);
  if (bytes < 0 || file->sink != nullptr) return -1;
  if (file->source != nullptr) {
    SVCSIM_ASSERT(file->position <= file->source->size());
    const std::size_t count = std::min(static_cast<std::size_t>(bytes),
                                       file->source->size() - static_cast<std::size_t>(file->position));
    std::memcpy(buffer, file->source->data() + file->position, count);
    file->position += count;
    return static_cast<int>(count);
  }
  const std::size_t read = std::fread(buffer, 1, static_cast<std::size_t>(bytes), file->stream);
  if (std::ferror(file->stream) != 0) return -1;
  return static_cast<int>(read);
}

int system_write(mspack_file* handle, void* buffer, int bytes) {
  OpenFile* file = open_file(handle);
  if (bytes < 0 || file->source != nullptr) return -1;
  const auto count = static_cast<std::uint64_t>(bytes);
  // More than the entry declared: the data is lying; stop before the disk or memory fills.
  if (file->bytes_written + count > file->bytes_max) return -1;
  if (file->sink != nullptr) {
    file->sink->append(static_cast<const char*>(buffer), static_cast<std::size_t>(bytes));
  } else if (std::fwrite(buffer, 1, static_cast<std::size_t>(bytes), file->stream) !=
             static_cast<std::size_t>(bytes)) {
    return -1;
  }
  file->bytes_written += count;
  return bytes;
}

int system_seek(mspack_file* handle, off_t offset, int mode) {
  OpenFile* file = open_file(handle);
  if (file->source != nullptr) {
    const auto size = static_cast<off_t>(file->source->size());
    const auto current = static_cast<off_t>(file->position);
    off_t target = 0;
    switch (mode) {
      case MSPACK_SYS_SEEK_START: target = offset; break;
      case MSPACK_SYS_SEEK_CUR: target = current + offset; break;
      case MSPACK_SYS_SEEK_END: target = size + offset; break;
      default: return -1;
    }
    // Past the end is a truncated cabinet: refuse here rather than read nothing later.
    if (target < 0 || target > size) return -1;
    file->position = static_cast<std::uint64_t>(target);
    return 0;
  }
  if (file->stream == nullptr) return -1;
  int whence = SEEK_SET;
  switch (mode) {
    case MSPACK_SYS_SEEK_START: whence = SEEK_SET; break;
    case MSPACK_SYS_SEEK_CUR: whence = SEEK_CUR; break;
    case MSPACK_SYS_SEEK_END: whence = SEEK_END; break;
    default: return -1;
  }
  return ::fseeko(file->stream, offset, whence) == 0 ? 0 : -1;
}

off_t system_tell(mspack_file* handle) {
  OpenFile* file = open_file(handle);
  if (file->source != nullptr) return static_cast<off_t>(file->position);
  if (file->stream == nullptr) return -1;
  return ::ftello(file->stream);
}

// libmspack reports oddities it works around here; the importer reports errors itself, in one
// line, so these stay unprinted.
void system_message(mspack_file*, const char*, ...) {}

void* system_alloc(mspack_system*, std::size_t bytes) { return std::malloc(bytes); }
void system_free(void* pointer) { std::free(pointer); }
void system_copy(void* source, void* destination, std::size_t bytes) {
  std::memmove(destination, source, bytes);
}

BoundedSystem make_system() {
  BoundedSystem system{};
  system.base.open = system_open;
  system.base.close = system_close;
  system.base.read = system_read;
  system.base.write = system_write;
  system.base.seek = system_seek;
  system.base.tell = system_tell;
  system.base.message = system_message;
  system.base.alloc = system_alloc;
  system.base.free = system_free;
  system.base.copy = system_copy;
  system.base.null_ptr = nullptr;
  return system;
}

std::string mspack_error_text(int code) {
  switch (code) {
    case MSPACK_ERR_OPEN: return "cannot open it";
    case MSPACK_ERR_READ: return "read error (truncated?)";
    case MSPACK_ERR_WRITE: return "the data is longer than the entry declares";
    case MSPACK_ERR_SEEK: return "seek error (truncated?)";
    case MSPACK_ERR_NOMEMORY: return "out of memory";
    case MSPACK_ERR_SIGNATURE: return "not a cabinet (bad signature)";
    case MSPACK_ERR_DATAFORMAT: return "malformed or truncated cabinet";
    case MSPACK_ERR_CHECKSUM: return "checksum mismatch (corrupt data)";
    case MSPACK_ERR_DECRUNCH: return "decompression failed (corrupt data)";
    default: return fmt::format("libmspack error {}", code);
  }
}

void check_mspack_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    int result = MSPACK_ERR_OK;
    MSPACK_SYS_SELFTEST(result);
    // A libmspack built with another off_t would misread every cabinet: a build problem.
    SVCSIM_ASSERT_MSG(result == MSPACK_ERR_OK, "libmspack and svcsim disagree on off_t");
  });
}

// ---- wimlib ---------------------------------------------------------------------------------

void init_wimlib_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    const int status = wimlib_global_init(0);
    SVCSIM_ASSERT_MSG(status == 0, "wimlib_global_init failed");
    // What the init allocated is released at exit, so leak checkers (the asan preset) see none.
    std::atexit(wimlib_global_cleanup);
    // Errors become the importer's own one-line messages.
    wimlib_set_print_errors(false);
  });
}

struct RootListing {
  std::vector<ArchiveEntry> entries;
  std::vector<std::uint32_t> attributes;
  std::size_t entry_count_max = 0;
  bool too_many = false;
};

// Called by wimlib for each child of the root folder. It runs inside wimlib's C frames, so it
// records instead of throwing; returning non-zero stops the walk.
int list_root_entry(const wimlib_dir_entry* dentry, void* context) {
  auto* listing = static_cast<RootListing*>(context);
  if (listing->entries.size() >= listing->entry_count_max) {
    listing->too_many = true;
    return 1;
  }
  ArchiveEntry entry;
  entry.name = dentry->filename != nullptr ? dentry->filename : "";
  entry.directory = (dentry->attributes & WIMLIB_FILE_ATTRIBUTE_DIRECTORY) != 0;
  entry.size = dentry->streams[0].resource.uncompressed_size;
  listing->entries.push_back(std::move(entry));
  listing->attributes.push_back(dentry->attributes);
  return 0;
}

}  // namespace

// ---- the private folder and the budget -----------------------------------------------------

TempFolder::TempFolder(const std::filesystem::path& parent) {
  std::error_code error;
  const std::filesystem::path base =
      parent.empty() ? std::filesystem::temp_directory_path(error) : parent;
  if (error) throw InputError("no temporary folder: " + error.message());
  std::string pattern = (base / "svcsim-import-XXXXXX").string();
  // mkdtemp makes the folder with mode 0700 under a name no other process can predict.
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw InputError(fmt::format("cannot make a private folder in {}: {}", base.string(),
                                 std::strerror(errno)));
  }
  path_ = pattern;
  SVCSIM_ASSERT(std::filesystem::is_directory(path_));
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  // remove_all removes links themselves, never what they point to.
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempFolder::new_file_path() {
  ++entry_count_;
  return path_ / fmt::format("{:04}.entry", entry_count_);
}

std::filesystem::path TempFolder::new_subfolder() {
  ++subfolder_count_;
  std::filesystem::path folder = path_ / fmt::format("{:04}.folder", subfolder_count_);
  std::error_code error;
  if (!std::filesystem::create_directory(folder, error) || error) {
    throw InputError(fmt::format("cannot make {}: {}", folder.string(),
                                 error ? error.message() : "it exists"));
  }
  return folder;
}

bool ExtractBudget::take(std::uint64_t bytes) {
  SVCSIM_ASSERT(bytes_used_ <= bytes_max_);
  if (bytes > bytes_max_ - bytes_used_) return false;
  bytes_used_ += bytes;
  SVCSIM_ASSERT(bytes_used_ <= bytes_max_);
  return true;
}

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 20) && bytes % (std::uint64_t{1} << 20) == 0) {
    return fmt::format("{} MiB", bytes >> 20);
  }
  if (bytes >= (std::uint64_t{1} << 10) && bytes % (std::uint64_t{1} << 10) == 0) {
    return fmt::format("{} KiB", bytes >> 10);
  }
  return fmt::format("{} bytes", bytes);
}

// ---- container detection and names -------------------------------------------------------

Container detect_container(const std::filesystem::path& file, const std::string& where) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (error || !std::filesystem::exists(status)) throw InputError(where + ": no such file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(where + ": not a regular file");
  std::FILE* stream = std::fopen(file.c_str(), "rb");
  if (stream == nullptr) throw InputError(where + ": cannot open: " + std::strerror(errno));
  char magic[8] = {};
  const std::size_t read = std::fread(magic, 1, sizeof magic, stream);
  std::fclose(stream);
  if (read >= 8 && std::memcmp(magic, "MSWIM\0\0\0", 8) == 0) return Container::wim;
  if (read >= 4 && std::memcmp(magic, "MSCF", 4) == 0) return Container::cab;
  if (read < 8) {
    throw InputError(fmt::format("{}: {} bytes, too short to be an .msu", where, read));
  }
  throw InputError(where + ": neither a WIM (magic MSWIM) nor a cabinet (magic MSCF): not an .msu");
}

void check_entry_name(std::string_view name, const std::string& where) {
  if (name.empty()) throw InputError(where + ": an entry has an empty name");
  for (char character : name) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7F) {
      throw InputError(where + ": entry " + in_quotes(name) + " has a control character in its name");
    }
  }
  if (name.front() == '/' || name.front() == '\\') {
    throw InputError(where + ": entry " + in_quotes(name) + " has an absolute name");
  }
  if (name.size() >= 2 && name[1] == ':') {
    throw InputError(where + ": entry " + in_quotes(name) + " names a drive");
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view component = name.substr(start, end - start);
    if (component == "..") {
      throw InputError(where + ": entry " + in_quotes(name) + " climbs out of its folder ('..')");
    }
    if (component.empty() || component == ".") {
      throw InputError(where + ": entry " + in_quotes(name) + " has an empty or '.' path component");
    }
    start = end + 1;
  }
}

// ---- cabinets -----------------------------------------------------------------------------

// One per open cabinet: libmspack keeps a pointer to it for the decompressor's life.
struct CabinetSystem {
  BoundedSystem system = make_system();
};

Cabinet::Cabinet(const std::filesystem::path& file, std::string where, std::size_t entry_count_max)
    : where_(std::move(where)), name_(file.string()) {
  open(entry_count_max);
}

Cabinet::Cabinet(std::string bytes, std::string where, std::size_t entry_count_max)
    : where_(std::move(where)), name_(memory_name), bytes_(std::move(bytes)) {
  open(entry_count_max);
}

void Cabinet::open(std::size_t entry_count_max) {
  check_mspack_once();
  system_ = std::make_unique<CabinetSystem>();
  // A cabinet held in memory is read through memory_name; libmspack reads it again on every
  // extraction, so the pointer stays set for the cabinet's life.
  system_->system.source = &bytes_;
  decompressor_ = mspack_create_cab_decompressor(&system_->system.base);
  if (decompressor_ == nullptr) throw InputError(where_ + ": libmspack: out of memory");
  // libmspack keeps this pointer (not a copy) and reopens the cabinet by it on every
  // extraction: name_ lives as long as the cabinet.
  cabinet_ = decompressor_->open(decompressor_, name_.c_str());
  if (cabinet_ == nullptr) {
    const int code = decompressor_->last_error(decompressor_);
    mspack_destroy_cab_decompressor(decompressor_);
    decompressor_ = nullptr;
    throw InputError(where_ + ": " + mspack_error_text(code));
  }
  // Everything after this may throw, and the destructor does not run for a constructor that
  // throws: the guard closes what is open.
  try {
    if (cabinet_->prevcab != nullptr || cabinet_->nextcab != nullptr ||
        (cabinet_->flags & (MSCAB_HDR_PREVCAB | MSCAB_HDR_NEXTCAB)) != 0) {
      throw InputError(where_ + ": one part of a multi-cabinet set (an .msu is one cabinet)");
    }
    for (mscabd_file* entry = cabinet_->files; entry != nullptr; entry = entry->next) {
      if (files_.size() >= entry_count_max) {
        throw InputError(fmt::format("{}: more than {} entries", where_, entry_count_max));
      }
      const std::string entry_name = entry->filename != nullptr ? entry->filename : "";
      check_entry_name(entry_name, where_);
      files_.push_back(entry);
      entries_.push_back(ArchiveEntry{entry_name, entry->length, false});
    }
  } catch (...) {
    decompressor_->close(decompressor_, cabinet_);
    mspack_destroy_cab_decompressor(decompressor_);
    decompressor_ = nullptr;
    throw;
  }
  SVCSIM_ASSERT(files_.size() == entries_.size());
  SVCSIM_ASSERT(entries_.size() <= entry_count_max);
}

Cabinet::~Cabinet() {
  if (decompressor_ == nullptr) return;
  decompressor_->close(decompressor_, cabinet_);
  mspack_destroy_cab_decompressor(decompressor_);
}

void Cabinet::reserve(std::size_t index, ExtractBudget& budget, std::uint64_t size_max) const {
  SVCSIM_ASSERT(index < entries_.size());
  const ArchiveEntry& entry = entries_[index];
  if (entry.size > size_max) {
    throw InputError(fmt::format("{}: entry {} declares {}, more than the {} it may have", where_,
                                 in_quotes(entry.name), size_text(entry.size), size_text(size_max)));
  }
  if (!budget.take(entry.size)) {
    throw InputError(fmt::format("{}: extracting {} ({}) would pass the extraction limit of {}",
                                 where_, in_quotes(entry.name), size_text(entry.size),
                                 size_text(budget.bytes_max())));
  }
  system_->system.write_bytes_max = entry.size;
}

std::filesystem::path Cabinet::extract(std::size_t index, TempFolder& folder,
                                       ExtractBudget& budget, std::uint64_t size_max) {
  reserve(index, budget, size_max);
  const std::filesystem::path target = folder.new_file_path();
  const int code = decompressor_->extract(decompressor_, files_[index], target.c_str());
  if (code != MSPACK_ERR_OK) {
    throw InputError(fmt::format("{}: cannot extract {}: {}", where_, in_quotes(entries_[index].name),
                                 mspack_error_text(code)));
  }
  SVCSIM_ASSERT(std::filesystem::file_size(target) == entries_[index].size);
  return target;
}

std::string Cabinet::extract_to_memory(std::size_t index, ExtractBudget& budget,
                                       std::uint64_t size_max) {
  reserve(index, budget, size_max);
  std::string bytes;
  system_->system.sink = &bytes;
  const int code = decompressor_->extract(decompressor_, files_[index], memory_name);
  system_->system.sink = nullptr;
  if (code != MSPACK_ERR_OK) {
    throw InputError(fmt::format("{}: cannot extract {}: {}", where_, in_quotes(entries_[index].name),
                                 mspack_error_text(code)));
  }
  SVCSIM_ASSERT(bytes.size() == entries_[index].size);
  return bytes;
}

// ---- WIMs ---------------------------------------------------------------------------------

WimArchive::WimArchive(const std::filesystem::path& file, std::string where,
                       std::size_t entry_count_max)
    : where_(std::move(where)) {
  init_wimlib_once();
  const int status = wimlib_open_wim(file.c_str(), 0, &wim_);
  if (status != 0) {
    wim_ = nullptr;
    throw InputError(where_ + ": unreadable WIM: " + wimlib_get_error_string(
                                                         static_cast<wimlib_error_code>(status)));
  }
  try {
    wimlib_wim_info info{};
    if (wimlib_get_wim_info(wim_, &info) != 0) throw InputError(where_ + ": unreadable WIM header");
    if (info.total_parts != 1) throw InputError(where_ + ": a split WIM (an .msu is one part)");
    if (info.image_count != 1) {
      throw InputError(fmt::format("{}: the WIM has {} images; an .msu has one", where_,
                                   info.image_count));
    }
    RootListing listing;
    listing.entry_count_max = entry_count_max;
    const int walked = wimlib_iterate_dir_tree(wim_, 1, "/", WIMLIB_ITERATE_DIR_TREE_FLAG_CHILDREN,
                                               list_root_entry, &listing);
    if (listing.too_many) {
      throw InputError(fmt::format("{}: more than {} entries in the WIM's root folder", where_,
                                   entry_count_max));
    }
    if (walked != 0) {
      throw InputError(where_ + ": unreadable WIM image: " +
                       wimlib_get_error_string(static_cast<wimlib_error_code>(walked)));
    }
    for (std::size_t index = 0; index < listing.entries.size(); ++index) {
      const ArchiveEntry& entry = listing.entries[index];
      check_entry_name(entry.name, where_);
      // wimlib would extract a reparse point as a link, and reading the link would read
      // whatever it points to.
      if ((listing.attributes[index] & WIMLIB_FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
        throw InputError(where_ + ": entry " + in_quotes(entry.name) + " is a link (reparse point)");
      }
    }
    entries_ = std::move(listing.entries);
  } catch (...) {
    wimlib_free(wim_);
    throw;
  }
  SVCSIM_ASSERT(wim_ != nullptr);
  SVCSIM_ASSERT(entries_.size() <= entry_count_max);
}

WimArchive::~WimArchive() {
  if (wim_ != nullptr) wimlib_free(wim_);
}

std::filesystem::path WimArchive::extract(std::size_t index, TempFolder& folder,
                                          ExtractBudget& budget, std::uint64_t size_max) {
  SVCSIM_ASSERT(index < entries_.size());
  const ArchiveEntry& entry = entries_[index];
  SVCSIM_ASSERT(!entry.directory);
  if (entry.size > size_max) {
    throw InputError(fmt::format("{}: entry {} declares {}, more than the {} it may have", where_,
                                 in_quotes(entry.name), size_text(entry.size), size_text(size_max)));
  }
  if (!budget.take(entry.size)) {
    throw InputError(fmt::format("{}: extracting {} ({}) would pass the extraction limit of {}",
                                 where_, in_quotes(entry.name), size_text(entry.size),
                                 size_text(budget.bytes_max())));
  }
  // Into the private folder itself: every folder made and removed costs a synchronous discard
  // on some disks (milliseconds). wimlib names the file after the entry, so a name already
  // there (an entry named like one of ours) gets a fresh subfolder instead.
  std::filesystem::path into = folder.path();
  std::error_code error;
  if (std::filesystem::exists(std::filesystem::symlink_status(into / entry.name, error))) {
    into = folder.new_subfolder();
  }
  const std::string wim_path = "/" + entry.name;
  const char* paths[] = {wim_path.c_str()};
  // Only the file itself: no folder structure, no security descriptors.
  const int status =
      wimlib_extract_paths(wim_, 1, into.c_str(), paths, 1,
                           WIMLIB_EXTRACT_FLAG_NO_PRESERVE_DIR_STRUCTURE | WIMLIB_EXTRACT_FLAG_NO_ACLS);
  if (status != 0) {
    throw InputError(fmt::format("{}: cannot extract {}: {}", where_, in_quotes(entry.name),
                                 wimlib_get_error_string(static_cast<wimlib_error_code>(status))));
  }
  // check_entry_name allowed no separator that matters here, so the file is where it should be.
  const std::filesystem::path extracted = into / entry.name;
  const auto status_of = std::filesystem::symlink_status(extracted, error);
  if (error || !std::filesystem::is_regular_file(status_of) ||
      std::filesystem::file_size(extracted, error) != entry.size || error) {
    throw InputError(fmt::format("{}: {} did not extract as a file of {}", where_,
                                 in_quotes(entry.name), size_text(entry.size)));
  }
  // A name of ours, so that the next .msu's entry of the same name finds the place free.
  const std::filesystem::path target = folder.new_file_path();
  std::filesystem::rename(extracted, target, error);
  if (error) throw InputError(where_ + ": cannot rename the extracted file: " + error.message());
  return target;
}

}  // namespace svcsim::import::detail
