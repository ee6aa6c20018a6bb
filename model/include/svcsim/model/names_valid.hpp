// What Windows and DISM accept as the names a scenario gives things: a package's file name, a
// package id or target name, a CBS package identity, and free text (a scenario's name and source).
// The scenario loader calls these, and so will an .msu importer and the DISM emulator: the rules
// are written once, here. Each returns Ok or the reason, a phrase that completes "... is not
// valid: " ("it contains '/', a path separator").
//
// Why so strict: these names end up in printed DISM command lines, traces, JUnit and DOT, and a
// later replay adapter runs the commands. Names that Windows itself refuses (path separators,
// reserved device names, control characters) are refused here; characters Windows allows but
// shells treat specially (& ; % ^ $ ' ( ) and spaces) stay legal, and every printed command line
// quotes its arguments for its shell (dism_text.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "svcsim/model/result.hpp"

namespace svcsim::model {

/// NTFS's limit on one path component, in UTF-16 code units.
inline constexpr std::size_t file_name_length_max = 255;
/// Package ids and target names are short words people type in --order.
inline constexpr std::size_t identifier_length_max = 64;
inline constexpr std::size_t identity_length_max = 255;
inline constexpr std::size_t scenario_name_length_max = 256;  // bytes of UTF-8
inline constexpr std::size_t source_length_max = 4096;        // bytes of UTF-8

/// A package's `file:`: a plain Windows file name, the last part of the path DISM is given. Not
/// empty, at most 255 UTF-16 units, valid UTF-8; no path separator (`\` `/`), no `..`, none of
/// `< > : " | ? *`, no control or invisible character (utf8.hpp), no trailing dot or space, and
/// not a reserved device name (CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, COM¹²³, LPT¹²³, CONIN$,
/// CONOUT$), with or without an extension ("nul.msu" is the device NUL too).
///
///   check_file_name("windows11.0-kb5086672-x64.msu")  -> Ok
///   check_file_name("50% off & (final).msu")          -> Ok: quoted when printed
///   check_file_name("..\\kb1.msu")                    -> "it contains '\', a path separator; ..."
Result<Ok, std::string> check_file_name(std::string_view name);

/// A package id or a target name: 1 to 64 characters from [A-Za-z0-9_.-], starting with a letter
/// or a digit. Steps, --order values and witness command lines are built from these, so they
/// need no quoting anywhere ("KB5086672", "install.wim", "SAFEOS-2026-03").
Result<Ok, std::string> check_identifier(std::string_view name);

/// A CBS package identity as `DISM /Remove-Package /PackageName:` takes it
/// ("Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9"): 1 to 255 characters from
/// [A-Za-z0-9_.~-], starting with a letter or a digit.
Result<Ok, std::string> check_identity(std::string_view identity);

/// Whether free text may span lines: a scenario's `source:` may (a folded or literal block), its
/// `name:` may not.
enum class TextLines : std::uint8_t { one, many };

/// Free text shown to people (a scenario's name or source): valid UTF-8, at most `length_max`
/// bytes, no control or invisible character (utf8.hpp) except line feeds when `lines` is many.
Result<Ok, std::string> check_text(std::string_view text, TextLines lines, std::size_t length_max);

}  // namespace svcsim::model
