// The key-encryption key (KEK): one 256-bit key with a version number, in a file that must lie
// outside the data directory and be readable by its owner only.
//
// File format, one line:  haven-kek-v1 <version> <64 hex digits>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/crypto/secret.h"

namespace haven::storage::crypto {

struct Kek {
  uint32_t version = 0;
  SecretKey key;
};

class KeyFile {
 public:
  // Loads the KEK at `path`; when the file does not exist, creates it (mode 0600, parent
  // directories as needed) with a fresh random key under `version_if_created`.
  // FailedPrecondition, naming the path, when: the file lies inside `data_dir` (symlinks
  // resolved; skipped when data_dir is empty), it is readable or writable by group or others,
  // it is not a regular file, or it is malformed. Internal on I/O errors.
  static StatusOr<Kek> LoadOrCreate(const std::string& path, const std::string& data_dir,
                                    uint32_t version_if_created = 1);
  // The same checks, without creating: NotFound when the file does not exist.
  static StatusOr<Kek> Load(const std::string& path, const std::string& data_dir);

  // The key file to use when none is given: $HAVEN_KEY_FILE, else
  // $XDG_CONFIG_HOME/haven/haven.key, else $HOME/.config/haven/haven.key ("" when none is set).
  static std::string DefaultPath();
};

// The KEKs a process knows: the current one (new data keys are wrapped under it) and older
// ones still able to unwrap keys a rotation has not reached yet. Move-only.
class Keyring {
 public:
  explicit Keyring(Kek current);
  void AddOlder(Kek older);
  const Kek& current() const { return keks_.front(); }
  // The KEK with this version, or null.
  const Kek* Find(uint32_t version) const;

 private:
  std::vector<Kek> keks_;
};

}  // namespace haven::storage::crypto
