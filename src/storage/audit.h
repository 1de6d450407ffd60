// The audit log: append-only and hash-chained, written in the same unit of work as the action
// it records (store.h), so an action and its entry commit or vanish together.
//
// Hashing (SHA-256, RFC 6962 style): an entry's canonical bytes E are
//   "haven.audit.v1" | seq (u64 BE) | time (i64 BE) | actor | subject | action | outcome | detail
// with each string preceded by its length (u32 BE). Then
//   leaf_i  = H(0x00 || E_i)
//   chain_i = H(0x01 || chain_{i-1} || leaf_i),   chain_0 = 32 zero bytes.
// The head (chain_n) commits to every entry before it, in order. Editing, deleting, reordering
// or inserting an entry changes the hashes from that entry on; VerifyAudit recomputes them.
// Someone able to rewrite the database could recompute the whole chain, and could drop the tail;
// a checkpoint (count and head) kept outside the database catches both for every entry up to
// the checkpoint. Keep it next to the key file and move it forward with `haven audit verify
// --update-checkpoint` (or WriteAuditCheckpoint after a verification).
//
// Entries never carry message text or other personal fields: actor and subject are account ids
// (pseudonyms), action and outcome short codes. AppendAudit refuses long fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::storage {

struct AuditEvent {
  UnixMillis time = 0;  // caller's clock, UTC
  std::string actor;    // account id, or "system"
  std::string subject;  // account id whose data was touched; may be empty
  std::string action;   // "transcript.read", "export", "account.erase", "takeover",
                        // "role.change", "access.denied", "break_glass", ...
  std::string outcome;  // "ok", "denied", "error"
  std::string detail;   // optional, non-identifying (a conversation id, a role name)
};

// The actions Haven records (issue 4), so that every writer spells them the same way.
namespace audit_action {
inline constexpr char kTranscriptRead[] = "transcript.read";
inline constexpr char kExport[] = "export";
inline constexpr char kErase[] = "account.erase";
inline constexpr char kTakeover[] = "conversation.takeover";
// A conversation queued for a person (escalation by the policy, or the person's own request);
// detail: "conversation <id> priority <p> <risk|request>". With the takeover that follows, the
// time to a human (chat/insights.h).
inline constexpr char kQueue[] = "conversation.queue";
// A release of private insights (chat/insights.h); detail: "epsilon <e>", the privacy spent.
inline constexpr char kInsightsRelease[] = "insights.release";
inline constexpr char kMessageLabel[] = "message.label";    // a clinician labelled a message
inline constexpr char kModelTrain[] = "model.train";        // haven train registered a version
inline constexpr char kModelApprove[] = "model.approve";    // a version made active
inline constexpr char kModelRollback[] = "model.rollback";  // an earlier version made active
inline constexpr char kRoleChange[] = "role.change";
inline constexpr char kAccessDenied[] = "access.denied";
inline constexpr char kBreakGlass[] = "break_glass";
inline constexpr char kHandBack[] = "conversation.handback";
inline constexpr char kCaseClose[] = "case.close";  // detail: "conversation <id> <outcome>"
inline constexpr char kLogin[] = "login";
inline constexpr char kKeyRotation[] = "keys.rotate";
inline constexpr char kConsentChange[] = "consent.change";      // detail: "kind=on|off"
inline constexpr char kRetentionChange[] = "retention.change";  // detail: "days=N"
inline constexpr char kRetentionDelete[] = "retention.delete";  // detail: "messages=N"
inline constexpr char kRestore[] = "backup.restore";            // detail: "erasures_reapplied=N"
}  // namespace audit_action

namespace audit_outcome {
inline constexpr char kOk[] = "ok";
inline constexpr char kDenied[] = "denied";
inline constexpr char kError[] = "error";
}  // namespace audit_outcome

// Limits AppendAudit enforces (InvalidArgument beyond them): 128 bytes for actor, subject,
// action and outcome; 256 for detail; action and outcome must not be empty.
inline constexpr size_t kAuditFieldMax = 128;
inline constexpr size_t kAuditDetailMax = 256;

// Appends one entry inside `txn`, chained to the current head. Returns the stored record.
StatusOr<AuditRecord> AppendAudit(Txn& txn, const AuditEvent& event);

std::string AuditEntryBytes(const AuditRecord& record);
std::string AuditLeafHash(const AuditRecord& record);                      // 32 bytes
std::string AuditChainHash(std::string_view prev, std::string_view leaf);  // 32 bytes

// A verified point in the log: how many entries, and the chain hash of the last of them
// (32 zero bytes for an empty log).
struct AuditCheckpoint {
  int64_t count = 0;
  std::string head;
};

struct AuditVerdict {
  bool intact = false;
  AuditCheckpoint checked;    // count and head of the log as read
  int64_t first_bad_seq = 0;  // the first entry that fails (0 when intact or truncated)
  std::string problem;        // what failed, for operators; empty when intact
};

// Recomputes the whole chain (in one read transaction) and, when a checkpoint is given, checks
// that the log still holds it: at least `count` entries with that head at entry `count`.
// The Status is an error only when the log cannot be read; tampering is a verdict.
StatusOr<AuditVerdict> VerifyAudit(Store& store, const std::optional<AuditCheckpoint>& checkpoint);

// The checkpoint file for a key file: "<key file>.audit-checkpoint".
std::string AuditCheckpointPathFor(const std::string& key_file);
// std::nullopt when the file does not exist; FailedPrecondition when malformed.
StatusOr<std::optional<AuditCheckpoint>> ReadAuditCheckpoint(const std::string& path);
// Writes atomically (temporary file, fsync, rename), mode 0600.
Status WriteAuditCheckpoint(const std::string& path, const AuditCheckpoint& checkpoint);

}  // namespace haven::storage
