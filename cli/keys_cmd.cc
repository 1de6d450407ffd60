#include "cli/keys_cmd.h"

#include <chrono>
#include <filesystem>

#include "cli/store_options.h"
#include "storage/audit.h"
#include "storage/crypto/key_file.h"
#include "storage/crypto/rotation.h"

namespace haven::cli {

int RunKeysRotate(const KeysRotateArgs& args, std::FILE* out, std::FILE* err) {
  using storage::crypto::KeyFile;
  std::string old_path = KeyFileOrDefault(args.key_file);
  if (old_path.empty() || args.new_key_file.empty()) {
    std::fprintf(err, "haven keys rotate: give --key-file and --new-key-file\n");
    return 2;
  }
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven keys rotate: %s\n", where.status().message().c_str());
    return 2;
  }
  // The key files must lie outside the data directory (SQLite; PostgreSQL has none).
  const std::string data_dir = where->postgres ? "" : where->data_dir;
  auto keys = OpenKeys(*where, /*create=*/false);
  if (!keys.ok()) {
    std::fprintf(err, "haven keys rotate: %s\n", keys.status().message().c_str());
    return 2;
  }
  auto old_kek = KeyFile::Load(old_path, data_dir);
  if (!old_kek.ok()) {
    std::fprintf(err, "haven keys rotate: %s\n", old_kek.status().message().c_str());
    return 2;
  }
  auto new_kek = KeyFile::LoadOrCreate(args.new_key_file, data_dir, old_kek->version + 1);
  if (!new_kek.ok()) {
    std::fprintf(err, "haven keys rotate: %s\n", new_kek.status().message().c_str());
    return 2;
  }
  auto result = storage::crypto::RotateKek(**keys, *old_kek, *new_kek);
  if (!result.ok()) {
    std::fprintf(err, "haven keys rotate: %s (run the same command again to resume)\n",
                 result.status().message().c_str());
    return 2;
  }
  // Recorded in the audit log (actor "system": the operator's shell is not an account).
  if (auto store = OpenRecords(*where, /*create=*/false); !store.ok()) {
    std::fprintf(err, "haven keys rotate: audit entry not written: %s\n",
                 store.status().message().c_str());
  } else {
    storage::AuditEvent event;
    event.time = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    event.actor = "system";
    event.action = storage::audit_action::kKeyRotation;
    event.outcome = storage::audit_outcome::kOk;
    event.detail = "kek v" + std::to_string(old_kek->version) + " -> v" +
                   std::to_string(new_kek->version) + ", " + std::to_string(result->rewrapped) +
                   " keys";
    Status s = (*store)->Transact(
        [&](storage::Txn& t) { return storage::AppendAudit(t, event).status(); });
    if (!s.ok())
      std::fprintf(err, "haven keys rotate: audit entry not written: %s\n", s.message().c_str());
  }
  // The audit checkpoint lives beside the key file: carry it over to the new one.
  std::string old_checkpoint = storage::AuditCheckpointPathFor(old_path);
  std::string new_checkpoint = storage::AuditCheckpointPathFor(args.new_key_file);
  auto checkpoint = storage::ReadAuditCheckpoint(old_checkpoint);
  std::error_code ec;
  if (checkpoint.ok() && checkpoint->has_value() && !std::filesystem::exists(new_checkpoint, ec)) {
    if (Status s = storage::WriteAuditCheckpoint(new_checkpoint, **checkpoint); !s.ok()) {
      std::fprintf(err, "haven keys rotate: %s\n", s.message().c_str());
    }
  }
  std::fprintf(out,
               "rewrapped %lld data keys; all %lld are now under key version %u.\n"
               "Restart Haven with --key-file %s; then %s may be destroyed.\n",
               static_cast<long long>(result->rewrapped), static_cast<long long>(result->total),
               new_kek->version, args.new_key_file.c_str(), old_path.c_str());
  return 0;
}

std::unique_ptr<KeysCommand> KeysCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<KeysCommand>();
  auto* keys = app.add_subcommand("keys", "Manage the keys that encrypt each person's data");
  keys->require_subcommand(1);
  cmd->rotate_ = keys->add_subcommand(
      "rotate",
      "Re-wrap every person's data key under a new key-encryption key. Resumable: after an "
      "interruption run the same command again.\n"
      "  haven keys rotate --data-dir DIR --key-file OLD --new-key-file NEW\n"
      "  haven keys rotate --store postgres://... [--keys-store URL] --key-file OLD "
      "--new-key-file NEW");
  KeysRotateArgs& a = cmd->rotate_args_;
  cmd->rotate_->add_option("--data-dir", a.data_dir,
                           "Haven's data directory (haven.db, keys.db); not with --store "
                           "postgres://");
  AddStoreOptions(cmd->rotate_, &a.store, &a.keys_store);
  cmd->rotate_->add_option("--key-file", a.key_file,
                           "The current key file (default: $HAVEN_KEY_FILE)");
  cmd->rotate_
      ->add_option("--new-key-file", a.new_key_file,
                   "The new key file; created (mode 0600) when absent")
      ->required();
  return cmd;
}

bool KeysCommand::parsed() const { return rotate_->parsed(); }

int KeysCommand::Run() const { return RunKeysRotate(rotate_args_, stdout, stderr); }

}  // namespace haven::cli
