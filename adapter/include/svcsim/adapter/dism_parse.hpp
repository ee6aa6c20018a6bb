// Reads what DISM printed, on a real machine or from the emulator: the console text of an
// operation, /Get-Packages in its List and Table forms, and the process exit code
// (windows-servicing-facts.md §4.1, §4.4). Bytes may arrive as UTF-16LE or UTF-8 with CRLF or LF
// line ends; output that stops early is reported as truncated, never guessed at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/result.hpp"

namespace svcsim::adapter {

/// Console bytes as UTF-8 text with LF line ends: UTF-16LE (with a byte-order mark, or every
/// second byte of the first line zero, as PowerShell redirects write it) is converted; a UTF-8
/// byte-order mark is dropped; CRLF and a lone CR become LF. Bad UTF-16 becomes U+FFFD.
std::string decode_console(std::string_view bytes);

/// What one DISM operation reported on its console.
struct ConsoleReport {
  bool completed = false;          // "The operation completed successfully."
  bool restart_required = false;   // "Restart Windows to complete this operation."
  /// "Error: 0x800f081e" (the HRESULT) or "Error: 14098" (a Win32 code, as HRESULT_FROM_WIN32).
  std::optional<std::uint32_t> error_hresult;
  std::string error_text;          // the number as printed after "Error: "
  std::vector<std::string> messages;  // the message lines after the error line, log line excluded
  std::optional<std::uint32_t> image_build;  // "Image Version: 10.0.26100.8117": 26100
  std::optional<std::uint32_t> image_ubr;    // and 8117
  /// The "svcsim-exit-code: N" line the replay's wrapper (or the emulator's --exit-code-line)
  /// appends: the full exit code, which a POSIX process status cannot carry.
  std::optional<std::int64_t> exit_code_line;
  /// Neither the success line nor an error line: the process died, or the output was cut.
  bool truncated = false;
};

/// Parses one operation's console text (already decoded).
ConsoleReport parse_console(std::string_view text);

/// One package of /Get-Packages.
struct ListedPackage {
  std::string identity;
  std::string state;
  std::string release_type;
  std::string install_time;
};

struct PackageListing {
  std::vector<ListedPackage> packages;
  std::optional<std::uint32_t> image_build;
  std::optional<std::uint32_t> image_ubr;
  bool table = false;      // the Table form was read
  bool truncated = false;  // no success line at the end, or a record was cut short
};

/// Where a listing could not be read: a 1-based line and what was wrong there.
struct ParseError {
  int line = 0;
  std::string message;
};

/// Parses /Get-Packages in List or Table form (told apart by the first row after
/// "Packages listing:"). A listing that ends early is returned with `truncated` set; an error
/// line ("Error: ...") or a line that is neither form is a ParseError.
Result<PackageListing, ParseError> parse_get_packages(std::string_view text);

/// An exit code as a process, PowerShell's $LASTEXITCODE or cmd's %ERRORLEVEL% shows it: a
/// signed 32-bit HRESULT (-2146498530), the same read unsigned (2148468766), or a Win32 code
/// (14098, 3010, 0). Returns the HRESULT it stands for: 0 stays 0 (S_OK), a Win32 code n > 0 is
/// HRESULT_FROM_WIN32(n) = 0x8007xxxx; nullopt for text that is no such number.
///
///   exit_code_hresult("-2146498530") == 0x800F081E;  exit_code_hresult("14098") == 0x80073712
std::optional<std::uint32_t> exit_code_hresult(std::string_view text);

/// The same for a number already read.
std::optional<std::uint32_t> exit_code_hresult(std::int64_t code);

}  // namespace svcsim::adapter
