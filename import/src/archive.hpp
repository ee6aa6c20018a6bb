// The two containers an .msu comes in, opened with the libraries that know them: cabinets with
// libmspack, WIMs with wimlib. What must be a file for them is extracted into one private
// temporary folder under names the importer chooses, and small documents into memory; all under
// one byte budget. A name inside an archive only selects an entry, it never becomes a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct mscab_decompressor;
struct mscabd_cabinet;
struct mscabd_file;
struct WIMStruct;

namespace svcsim::import::detail {

struct CabinetSystem;

/// Bad input: a message of one line that names the file and the place inside it. Thrown inside
/// the importer (an edge of the program, style.md) and turned into an error value by
/// import_msu_files.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A folder only this process may use ("svcsim-import-XXXXXX", mode 0700), removed with
/// everything in it when the object goes, whichever way the import ends.
class TempFolder {
 public:
  explicit TempFolder(const std::filesystem::path& parent);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// A fresh, empty subfolder, for wimlib, which names the files it extracts itself.
  std::filesystem::path new_subfolder();
  /// A fresh name for one file extracted by libmspack ("0001.entry", ...); nothing is there yet.
  std::filesystem::path new_file_path();

 private:
  std::filesystem::path path_;
  std::size_t subfolder_count_ = 0;
  std::size_t entry_count_ = 0;
};

/// The bytes extraction may still write, for the whole import.
class ExtractBudget {
 public:
  explicit ExtractBudget(std::uint64_t bytes_max) : bytes_max_(bytes_max) {}
  /// Takes `bytes` from the budget; false (nothing taken) if that would pass the maximum.
  bool take(std::uint64_t bytes);
  std::uint64_t bytes_max() const { return bytes_max_; }
  std::uint64_t bytes_used() const { return bytes_used_; }

 private:
  std::uint64_t bytes_max_;
  std::uint64_t bytes_used_ = 0;
};

enum class Container { wim, cab };

/// The container of `file` by its magic bytes: "MSWIM\0\0\0" or "MSCF". Anything else, or a
/// file that cannot be read, is an InputError naming `where`.
Container detect_container(const std::filesystem::path& file, const std::string& where);

/// Refuses an entry name that is empty, holds a control character, is absolute, names a drive,
/// or has a "." or ".." component (either separator): such names climb out of the folder they
/// would be extracted to, or mean something else to Windows than they seem to.
void check_entry_name(std::string_view name, const std::string& where);

struct ArchiveEntry {
  std::string name;           // as stored: "onepackage.AggregatedMetadata.cab", "aa\b.xml"
  std::uint64_t size = 0;     // declared uncompressed size
  bool directory = false;
};

/// A cabinet opened with libmspack, from a file or from memory. Multi-cabinet sets are refused.
class Cabinet {
 public:
  /// Opens `file` (`where` names it in messages) and lists its entries (at most
  /// `entry_count_max`), checking every name.
  Cabinet(const std::filesystem::path& file, std::string where, std::size_t entry_count_max);
  /// Opens a cabinet held in memory: one extracted from another with extract_to_memory.
  Cabinet(std::string bytes, std::string where, std::size_t entry_count_max);
  ~Cabinet();
  Cabinet(const Cabinet&) = delete;
  Cabinet& operator=(const Cabinet&) = delete;

  const std::string& where() const { return where_; }
  const std::vector<ArchiveEntry>& entries() const { return entries_; }

  /// Extracts entries()[index] to a new file of `folder` and returns its path. Its declared
  /// size must be at most `size_max` and fit the budget, and writing stops at that size
  /// whatever the data says.
  std::filesystem::path extract(std::size_t index, TempFolder& folder, ExtractBudget& budget,
                                std::uint64_t size_max);
  /// The same into memory, for the small documents inside metadata cabinets: every file made
  /// and removed costs milliseconds on a disk that discards freed blocks, and a metadata
  /// document is read whole anyway. The same bounds and the same budget apply.
  std::string extract_to_memory(std::size_t index, ExtractBudget& budget, std::uint64_t size_max);

 private:
  void open(std::size_t entry_count_max);
  /// Checks entries()[index]'s declared size against `size_max` and takes it from the budget.
  void reserve(std::size_t index, ExtractBudget& budget, std::uint64_t size_max) const;

  std::string where_;
  std::string name_;   // the path libmspack opens, or memory_name
  std::string bytes_;  // the cabinet itself, when it is held in memory
  std::unique_ptr<CabinetSystem> system_;  // before decompressor_, which points into it
  mscab_decompressor* decompressor_ = nullptr;
  mscabd_cabinet* cabinet_ = nullptr;
  std::vector<mscabd_file*> files_;
  std::vector<ArchiveEntry> entries_;
};

/// A WIM opened with wimlib: its single image's root folder.
class WimArchive {
 public:
  WimArchive(const std::filesystem::path& file, std::string where, std::size_t entry_count_max);
  ~WimArchive();
  WimArchive(const WimArchive&) = delete;
  WimArchive& operator=(const WimArchive&) = delete;

  const std::vector<ArchiveEntry>& entries() const { return entries_; }

  /// As Cabinet::extract, for a file of the root folder.
  std::filesystem::path extract(std::size_t index, TempFolder& folder, ExtractBudget& budget,
                                std::uint64_t size_max);

 private:
  std::string where_;
  WIMStruct* wim_ = nullptr;
  std::vector<ArchiveEntry> entries_;
};

/// "5 MiB" / "512 KiB" / "100 bytes": sizes in messages.
std::string size_text(std::uint64_t bytes);

}  // namespace svcsim::import::detail
