// Opening Haven's embedded default storage: one call that the server and the command line share.
//
//   <data_dir>/haven.db   the records (SqliteStore), personal fields sealed
//   <data_dir>/keys.db    the wrapped data keys (SqliteKeyStore)
//   <key file>            the KEK, outside data_dir (crypto/key_file.h); created on first start
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/crypto/encrypted_store.h"

namespace haven::storage {

inline constexpr char kMainDbName[] = "haven.db";
inline constexpr char kKeysDbName[] = "keys.db";

struct SqliteStorageOptions {
  // Key files of older KEKs (each must exist), so that data keys a rotation (`haven keys
  // rotate`) has not reached yet can still be read. New keys are wrapped under key_file's KEK.
  std::vector<std::string> older_key_files;
  // See SqliteStore::Open: fsync every commit (power-loss safe) or only at checkpoints.
  bool sync_every_commit = true;
};

// Creates data_dir (mode 0700) when missing, loads or creates the KEK at key_file, opens both
// databases and returns the encrypted store over them. Errors: those of KeyFile::LoadOrCreate /
// Load, SqliteStore::Open and SqliteKeyStore::Open; messages name paths only.
StatusOr<std::unique_ptr<EncryptedStore>> OpenSqliteStorage(
    const std::string& data_dir, const std::string& key_file,
    const SqliteStorageOptions& options = {});

}  // namespace haven::storage
