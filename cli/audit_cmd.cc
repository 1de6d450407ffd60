#include "cli/audit_cmd.h"

#include <sodium.h>

#include "cli/store_options.h"
#include "storage/audit.h"
#include "storage/crypto/key_file.h"

namespace haven::cli {
namespace {

std::string ShortHex(const std::string& bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  return hex.substr(0, 16);
}

}  // namespace

int RunAuditVerify(const AuditVerifyArgs& args, std::FILE* out, std::FILE* err) {
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven audit verify: %s\n", where.status().message().c_str());
    return 2;
  }
  std::string checkpoint_path = args.checkpoint;
  if (checkpoint_path.empty()) {
    std::string key_file =
        args.key_file.empty() ? storage::crypto::KeyFile::DefaultPath() : args.key_file;
    if (!key_file.empty()) checkpoint_path = storage::AuditCheckpointPathFor(key_file);
  }
  std::optional<storage::AuditCheckpoint> checkpoint;
  if (!checkpoint_path.empty()) {
    auto read = storage::ReadAuditCheckpoint(checkpoint_path);
    if (!read.ok()) {
      std::fprintf(err, "haven audit verify: %s\n", read.status().message().c_str());
      return 2;
    }
    checkpoint = *read;
  }
  auto store = OpenRecords(*where, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(err, "haven audit verify: %s\n", store.status().message().c_str());
    return 2;
  }
  auto verdict = storage::VerifyAudit(**store, checkpoint);
  if (!verdict.ok()) {
    std::fprintf(err, "haven audit verify: %s\n", verdict.status().message().c_str());
    return 2;
  }
  if (!verdict->intact) {
    std::fprintf(out, "audit log TAMPERED: %s\n", verdict->problem.c_str());
    return 1;
  }
  std::fprintf(out, "audit log intact: %lld entries, head %s\n",
               static_cast<long long>(verdict->checked.count),
               ShortHex(verdict->checked.head).c_str());
  if (checkpoint) {
    std::fprintf(out, "checkpoint %s: %lld entries, matches\n", checkpoint_path.c_str(),
                 static_cast<long long>(checkpoint->count));
  } else {
    std::fprintf(out, "no checkpoint%s%s: a removed tail or a rewritten log cannot be detected\n",
                 checkpoint_path.empty() ? "" : " at ", checkpoint_path.c_str());
  }
  if (args.update_checkpoint) {
    if (checkpoint_path.empty()) {
      std::fprintf(err, "haven audit verify: give --checkpoint or --key-file to update it\n");
      return 2;
    }
    if (Status s = storage::WriteAuditCheckpoint(checkpoint_path, verdict->checked); !s.ok()) {
      std::fprintf(err, "haven audit verify: %s\n", s.message().c_str());
      return 2;
    }
    std::fprintf(out, "checkpoint updated: %s\n", checkpoint_path.c_str());
  }
  return 0;
}

std::unique_ptr<AuditCommand> AuditCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<AuditCommand>();
  cmd->audit_ = app.add_subcommand("audit", "Check Haven's records");
  cmd->audit_->require_subcommand(1);
  cmd->verify_ = cmd->audit_->add_subcommand(
      "verify",
      "Verify the hash chain of the audit log and compare it with the checkpoint kept beside "
      "the key file. Exit status 0 intact, 1 tampered, 2 error.\n"
      "  haven audit verify --data-dir DIR [--key-file K | --checkpoint F] [--update-checkpoint]\n"
      "  haven audit verify --store postgres://... [--key-file K | --checkpoint F] ...");
  AuditVerifyArgs& a = cmd->verify_args_;
  cmd->verify_->add_option("--data-dir", a.data_dir,
                           "Haven's data directory (haven.db); not with --store postgres://");
  AddStoreOptions(cmd->verify_, &a.store, &a.keys_store);
  cmd->verify_->add_option("--key-file", a.key_file,
                           "The key file; the checkpoint is beside it (default: $HAVEN_KEY_FILE)");
  cmd->verify_->add_option("--checkpoint", a.checkpoint, "The checkpoint file");
  cmd->verify_->add_flag("--update-checkpoint", a.update_checkpoint,
                         "After a successful verification, record the head as the checkpoint");
  return cmd;
}

bool AuditCommand::parsed() const { return verify_->parsed(); }

int AuditCommand::Run() const { return RunAuditVerify(verify_args_, stdout, stderr); }

}  // namespace haven::cli
