// The records Haven keeps: accounts, sessions, conversations, messages, notes, screening results,
// consents, feedback, the review queue and the audit log. Plain values, no I/O.
//
// Personal fields (marked "personal" below) are bytes. Above the encryption layer
// (crypto/encrypted_store.h) they hold plaintext; below it, in every backend, they hold
// ciphertext sealed to their owner (crypto/sealing.h). A backend never interprets them.
// Everything else is non-identifying metadata a backend may index and query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"

namespace haven::storage {

// UTC milliseconds since the Unix epoch. Callers supply every time (no clock in storage).
using UnixMillis = int64_t;

enum class AccountKind { kSeeker = 0, kStaff = 1 };
enum class StaffRole { kNone = 0, kSupporter = 1, kClinician = 2, kAdmin = 3 };

std::string_view StaffRoleName(StaffRole role);

// A seeker (pseudonymous: an id, maybe a nickname) or a staff member (username and role).
struct Account {
  std::string id;  // random, caller-generated (NewRecordId); the person's pseudonym
  AccountKind kind = AccountKind::kSeeker;
  UnixMillis created_at = 0;
  // Seekers.
  std::optional<std::string> nickname;  // personal
  std::string recovery_hash;            // encoded Argon2id hash of the recovery phrase
  // Staff.
  std::string username;  // unique among staff; empty for seekers
  StaffRole role = StaffRole::kNone;
  std::string password_hash;  // encoded Argon2id hash (crypto_pwhash_str)
  std::string totp_secret;    // personal (a secret); empty when TOTP is not set up
  int failed_attempts = 0;
  UnixMillis locked_until = 0;  // 0: not locked
  int64_t totp_last_step = 0;   // the last TOTP time step accepted (replay guard); 0: none
};

// A login session. Only the hash of the token is ever stored.
struct Session {
  std::string token_hash;  // bytes (e.g. SHA-256 of the 256-bit token); the key
  std::string account_id;
  UnixMillis created_at = 0;
  UnixMillis last_seen = 0;
  UnixMillis expires_at = 0;  // absolute expiry
  bool revoked = false;
};

enum class ConversationState { kActive = 0, kWaitingForStaff = 1, kWithStaff = 2, kClosed = 3 };

struct Conversation {
  std::string id;
  std::string owner_id;  // the seeker
  ConversationState state = ConversationState::kActive;
  std::optional<std::string> assigned_staff_id;  // cleared when that account is erased
  bool bot_paused = false;
  // Oversight (the console's queue and case record); all non-personal metadata.
  int queue_priority = 0;    // 1 (most urgent) .. 5 while queued for a person; 0: not queued
  UnixMillis queued_at = 0;  // when it was queued (0: not queued); waiting time counts from here
  RiskLevel risk_level = RiskLevel::kNone;  // the latest user turn's effective risk level
  std::vector<std::string> tags;  // staff labels, each [a-z0-9_-]{1,32}, at most 16; not personal
  std::string outcome;  // set when a case is closed ("resolved", "referred", ...); "" while open
  UnixMillis closed_at = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// Limits on Conversation::queue_priority and Conversation::tags, which every backend enforces
// (InvalidArgument) on CreateConversation and UpdateConversation.
inline constexpr int kMaxQueuePriority = 5;
inline constexpr int kMaxTags = 16;
inline constexpr size_t kMaxTagLength = 32;

// True when `tag` is 1..kMaxTagLength characters of [a-z0-9_-].
bool IsValidTag(std::string_view tag);
// OK, or InvalidArgument when queue_priority is outside 0..kMaxQueuePriority, or a tag is not
// valid (IsValidTag), or there are more than kMaxTags. The message names no tag.
Status ValidateOversightFields(const Conversation& conversation);

enum class MessageRole { kUser = 0, kAssistant = 1, kStaff = 2, kSystem = 3 };

// One message. Sealed to the conversation's owner, whoever wrote it.
struct Message {
  std::string id;  // caller-generated, unique
  std::string conversation_id;
  int64_t seq = 0;  // 1, 2, 3, ... per conversation; assigned by the store on append
  MessageRole role = MessageRole::kUser;
  std::string client_message_id;  // idempotency key, unique per conversation; empty: none
  std::string text;               // personal
  std::optional<RiskLevel> risk_level;
  std::string strategy;   // the reply strategy used (assistant messages); never text
  std::string author_id;  // staff account for kStaff messages; empty otherwise
  UnixMillis created_at = 0;
  // Why the bot chose its strategy: comma-separated machine-readable reasons (never text);
  // assistant messages only. ({} keeps initialisers that name only the fields above complete.)
  std::string rationale{};
  // The reply engine's guided activity after this reply (reply::ActivityStateToJson: a flow or a
  // questionnaire in progress), so that the next turn goes on with it after a restart or on
  // another instance; assistant messages only; empty: none. Personal (it holds answers), sealed.
  std::string activity{};
};

// A staff note on a conversation. Sealed to the conversation's owner.
struct Note {
  std::string id;
  std::string conversation_id;
  std::string author_id;
  std::string text;  // personal
  UnixMillis created_at = 0;
};

// A questionnaire result (PHQ-9, GAD-7, a mood check-in). The answers and score are one
// caller-defined payload, sealed.
struct ScreeningResult {
  std::string id;
  std::string account_id;
  std::string instrument;  // "phq9", "gad7", "mood", ...
  std::string payload;     // personal
  UnixMillis created_at = 0;
};

// One consent switch of one person; (account_id, kind) is the key.
struct Consent {
  std::string account_id;
  std::string kind;  // "keep_history", "deidentified_use", "analytics", ...
  bool granted = false;
  UnixMillis updated_at = 0;
};

// A rating of one reply, with an optional comment: the seeker's own ("rating"), or a clinician's
// review of a bot reply ("review"). A review is sealed and erased like the seeker's own data:
// its account_id is the conversation's owner (not the clinician, who is author_id) and its
// comment is the clinician's rewrite of the reply.
struct Feedback {
  std::string id;
  std::string account_id;  // its owner: who gave a rating; the conversation's owner for a review
  std::string conversation_id;
  int64_t message_seq = 0;
  int rating = 0;       // e.g. +1 / -1, or a clinician's 1..5
  std::string comment;  // personal; may be empty. A review: the clinician's rewrite
  UnixMillis created_at = 0;
  // A review's fields. Each has an initialiser, so that initialisers that name only the fields
  // above stay complete.
  std::string kind = "rating";  // "rating": the seeker's own; "review": a clinician's review
  std::string author_id{};      // the staff account of a review; "" for the seeker's own
  int empathy = 0, safety = 0, helpfulness = 0;  // a review's scores 1..5; 0: not rated
  bool flagged = false;  // the reviewer flagged the reply as unsafe or wrong
};

// A bot reply waiting for (or given) a clinician's review. Key: (conversation_id, message_seq).
// Non-personal metadata; it goes with its conversation.
struct ReviewItem {
  std::string conversation_id;
  int64_t message_seq = 0;
  std::string owner_id;  // the conversation's owner
  std::string reason;    // "sample" or "risk"
  UnixMillis created_at = 0;
  bool done = false;
  std::string reviewed_by;  // staff account id once done
  UnixMillis reviewed_at = 0;
};

// One stored audit entry (see audit.h for how the hashes are made). Never carries text.
struct AuditRecord {
  int64_t seq = 0;  // 1, 2, 3, ...
  UnixMillis time = 0;
  std::string actor;       // account id of who acted, or "system"
  std::string subject;     // pseudonym (account id) of whose data was touched; may be empty
  std::string action;      // "transcript.read", "account.erase", ...
  std::string outcome;     // "ok", "denied", "error"
  std::string detail;      // non-identifying detail (a role name, a conversation id); may be empty
  std::string leaf_hash;   // 32 bytes
  std::string chain_hash;  // 32 bytes
};

// A random 128-bit id as 32 lowercase hex characters (libsodium randombytes).
std::string NewRecordId();

}  // namespace haven::storage
