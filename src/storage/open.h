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

// Creates data_dir (mode 0700) when missing, loads or creates the KEK at key_file, opens both
// databases and returns the encrypted store over them. `older_key_files` (each must exist) let
// it read data keys a rotation (`haven keys rotate`) has not reached yet; new keys are always
// wrapped under key_file's KEK. Errors: those of KeyFile::LoadOrCreate / Load, SqliteStore::Open
// and SqliteKeyStore::Open; messages name paths only.
StatusOr<std::unique_ptr<EncryptedStore>> OpenSqliteStorage(
    const std::string& data_dir, const std::string& key_file,
    const std::vector<std::string>& older_key_files = {});

}  // namespace haven::storage
