// Reads the target file with yaml-cpp; every problem is one error naming file, line, column and
// key, and an unknown key is refused (a misspelt timeout must not silently become the default).
#include "svcsim/adapter/target_file.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>

#include "svcsim/adapter/atomic_file.hpp"

namespace svcsim::adapter {
namespace {

struct Failure {
  TargetFileError error;
};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& message) const {
    TargetFileError error{path_, 0, 0, key, message};
    if (node.IsDefined()) {
      error.line = node.Mark().line + 1;
      error.column = node.Mark().column + 1;
    }
    throw Failure{error};
  }

  void keys(const YAML::Node& map, const std::string& where, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, where, (where.empty() ? "the file" : where) + " must be a mapping");
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (const auto name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
        fail(entry.first, where.empty() ? key : where + "." + key,
             fmt::format("unknown key '{}' (expected one of: {})", key, list));
      }
    }
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, key + " must be a string");
    const std::string value = node.Scalar();
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        })) {
      fail(node, key, key + " must be one line without control characters");
    }
    return value;
  }

  std::vector<std::string> argv(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence() || node.size() == 0) {
      fail(node, key, key + " must be a non-empty list of arguments (no shell: one word per entry)");
    }
    std::vector<std::string> words;
    for (std::size_t index = 0; index < node.size(); ++index) {
      words.push_back(text(node[index], fmt::format("{}[{}]", key, index)));
    }
    for (std::size_t index = 0; index < words.size(); ++index) {
      // PowerShell and cmd cannot carry a double quote inside one quoted argument.
      if (words[index].find('"') != std::string::npos) {
        fail(node[index], fmt::format("{}[{}]", key, index), key + " arguments must not hold '\"'");
      }
    }
    if (words.front().empty()) fail(node[0], key + "[0]", key + "[0], the program, must not be empty");
    return words;
  }

  long number(const YAML::Node& node, const std::string& key, long minimum, long maximum) const {
    const std::string value = node.IsScalar() ? node.Scalar() : std::string();
    long parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (!node.IsScalar() || error != std::errc() || end != value.data() + value.size() ||
        parsed < minimum || parsed > maximum) {
      fail(node, key, fmt::format("{} must be a whole number from {} to {}", key, minimum, maximum));
    }
    return parsed;
  }

  std::chrono::seconds seconds(const YAML::Node& node, const std::string& key, long minimum) const {
    return std::chrono::seconds(number(node, key, minimum, 86'400));
  }

 private:
  std::string path_;
};

TargetFile read(const YAML::Node& root, const Reader& reader, const std::string& path) {
  TargetFile target;
  target.path = path;
  reader.keys(root, "", {"transport", "ssh", "shell", "target", "dism", "restart_command",
                         "packages_folder", "mount_dir", "image_file", "log_path", "timeouts",
                         "snapshot"});
  if (!root["transport"]) reader.fail(root, "transport", "transport is required (ssh or local)");
  const std::string transport = reader.text(root["transport"], "transport");
  if (transport == "ssh") {
    target.transport = TransportKind::ssh;
  } else if (transport == "local") {
    target.transport = TransportKind::local;
  } else {
    reader.fail(root["transport"], "transport", "transport must be ssh or local, not '" + transport + "'");
  }
  if (const YAML::Node ssh = root["ssh"]) {
    reader.keys(ssh, "ssh", {"host", "port", "user", "identity_file", "known_hosts_file",
                             "strict_host_key_checking", "connect_timeout_s"});
    if (ssh["host"]) target.ssh.host = reader.text(ssh["host"], "ssh.host");
    if (ssh["port"]) target.ssh.port = static_cast<int>(reader.number(ssh["port"], "ssh.port", 1, 65535));
    if (ssh["user"]) target.ssh.user = reader.text(ssh["user"], "ssh.user");
    if (ssh["identity_file"]) target.ssh.identity_file = reader.text(ssh["identity_file"], "ssh.identity_file");
    if (ssh["known_hosts_file"]) target.ssh.known_hosts_file = reader.text(ssh["known_hosts_file"], "ssh.known_hosts_file");
    if (ssh["strict_host_key_checking"]) {
      const std::string value = reader.text(ssh["strict_host_key_checking"], "ssh.strict_host_key_checking");
      if (value != "yes" && value != "accept-new" && value != "no") {
        reader.fail(ssh["strict_host_key_checking"], "ssh.strict_host_key_checking",
                    "ssh.strict_host_key_checking must be yes, accept-new or no");
      }
      target.ssh.strict_host_key_checking = value;
    }
    if (ssh["connect_timeout_s"]) target.ssh.connect_timeout = reader.seconds(ssh["connect_timeout_s"], "ssh.connect_timeout_s", 1);
  }
  if (target.transport == TransportKind::ssh) {
    if (target.ssh.host.empty()) reader.fail(root["ssh"] ? root["ssh"] : root, "ssh.host", "ssh.host is required with transport: ssh");
    // An ssh destination that starts with '-' would be read as an option.
    if (target.ssh.host.front() == '-' || target.ssh.user.starts_with("-")) {
      reader.fail(root["ssh"], "ssh.host", "ssh.host and ssh.user must not start with '-'");
    }
  }
  if (root["shell"]) {
    const std::string shell = reader.text(root["shell"], "shell");
    if (shell == "powershell") {
      target.shell = RemoteShell::powershell;
    } else if (shell == "posix") {
      target.shell = RemoteShell::posix;
    } else {
      reader.fail(root["shell"], "shell", "shell must be powershell or posix, not '" + shell + "'");
    }
  }
  if (root["target"]) target.target = reader.text(root["target"], "target");
  if (root["dism"]) target.dism = reader.argv(root["dism"], "dism");
  if (root["restart_command"]) target.restart = reader.argv(root["restart_command"], "restart_command");
  if (root["packages_folder"]) target.paths.package_folder = reader.text(root["packages_folder"], "packages_folder");
  if (root["mount_dir"]) target.paths.mount_dir = reader.text(root["mount_dir"], "mount_dir");
  if (root["image_file"]) target.paths.image_file = reader.text(root["image_file"], "image_file");
  if (root["log_path"]) target.log_path = reader.text(root["log_path"], "log_path");
  for (const auto& [key, value] : {std::pair<const char*, std::string*>{"packages_folder", &target.paths.package_folder},
                                   {"mount_dir", &target.paths.mount_dir},
                                   {"image_file", &target.paths.image_file},
                                   {"log_path", &target.log_path}}) {
    if (value->empty() || value->find('"') != std::string::npos) {
      reader.fail(root[key] ? root[key] : root, key, std::string(key) + " must be a non-empty path without '\"'");
    }
  }
  if (const YAML::Node timeouts = root["timeouts"]) {
    reader.keys(timeouts, "timeouts", {"command_s", "restart_down_s", "restart_up_s", "poll_s"});
    if (timeouts["command_s"]) target.command_timeout = reader.seconds(timeouts["command_s"], "timeouts.command_s", 1);
    if (timeouts["restart_down_s"]) target.restart_down = reader.seconds(timeouts["restart_down_s"], "timeouts.restart_down_s", 0);
    if (timeouts["restart_up_s"]) target.restart_up = reader.seconds(timeouts["restart_up_s"], "timeouts.restart_up_s", 1);
    if (timeouts["poll_s"]) target.poll_interval = reader.seconds(timeouts["poll_s"], "timeouts.poll_s", 1);
  }
  if (const YAML::Node snapshot = root["snapshot"]) {
    reader.keys(snapshot, "snapshot", {"vm", "name", "revert", "timeout_s"});
    if (snapshot["vm"]) target.vm = reader.text(snapshot["vm"], "snapshot.vm");
    if (snapshot["name"]) target.snapshot = reader.text(snapshot["name"], "snapshot.name");
    if (!snapshot["revert"]) reader.fail(snapshot, "snapshot.revert", "snapshot.revert (the command that restores the machine) is required in snapshot");
    target.snapshot_revert = reader.argv(snapshot["revert"], "snapshot.revert");
    if (snapshot["timeout_s"]) target.snapshot_timeout = reader.seconds(snapshot["timeout_s"], "snapshot.timeout_s", 1);
  }
  return target;
}

}  // namespace

std::string TargetFileError::to_string() const {
  if (line == 0) return fmt::format("{}: {} ({})", file, message, key);
  return fmt::format("{}:{}:{}: {} ({})", file, line, column, message, key);
}

Result<TargetFile, TargetFileError> load_target_text(const std::string& text, const std::string& path) {
  const Reader reader(path);
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) {
      return unexpected(TargetFileError{path, 0, 0, "transport", "the target file is empty"});
    }
    return read(root, reader, path);
  } catch (const Failure& failure) {
    return unexpected(failure.error);
  } catch (const YAML::Exception& error) {
    return unexpected(TargetFileError{path, error.mark.line + 1, error.mark.column + 1, "(yaml)", error.msg});
  }
}

Result<TargetFile, TargetFileError> load_target_file(const std::string& path) {
  std::ifstream stream;
  bool found = false;
  std::string text;
  try {
    text = read_file(path, &found);
  } catch (const std::exception& error) {
    return unexpected(TargetFileError{path, 0, 0, "(file)", error.what()});
  }
  if (!found) return unexpected(TargetFileError{path, 0, 0, "(file)", "no such file"});
  return load_target_text(text, path);
}

}  // namespace svcsim::adapter
