// Store: where Haven keeps its records, behind one neutral interface (memory, SQLite, and later
// PostgreSQL). Every read and write happens inside a unit of work:
//
//   Status s = store.Transact([&](Txn& txn) -> Status {
//     auto appended = txn.AppendMessage(message);
//     if (!appended.ok()) return appended.status();
//     return AppendAudit(txn, event).status();  // same transaction as the action
//   });
//
// Transact commits when the function returns OK and rolls everything back otherwise (or when
// the commit fails); the Status returned is the function's, or the commit's error. A Txn is only
// valid inside its function, on that thread. Store implementations are thread-safe: concurrent
// Transact calls are serialised (or isolated) by the backend. A function must not call Transact
// again on the same store (it would deadlock).
//
// Error codes, the same in every backend (store_contract_test.cc holds them):
//   kNotFound            the record asked for, or one it refers to, does not exist
//   kFailedPrecondition  a record with that key (id, username, token hash) already exists
//   kInvalidArgument     a record is malformed (empty id, ...) or a list limit is not positive
//   kInternal            the backend failed (I/O, corruption); the message names no person's data
//
// Personal fields (records.h) are opaque bytes here; see crypto/encrypted_store.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/records.h"

namespace haven::storage {

struct AppendResult {
  Message message;         // as stored (seq assigned)
  bool duplicate = false;  // the client_message_id was already there: nothing was written
};

// Which conversations ListConversations returns; every set field must match.
struct ConversationQuery {
  std::optional<std::string> owner_id;
  std::optional<ConversationState> state;
  std::optional<std::string> assigned_staff_id;
  bool queued_only = false;  // only conversations with queue_priority > 0
  int limit = 1000;
};

class Txn {
 public:
  virtual ~Txn() = default;

  // Accounts. DeleteAccount removes the account and everything it owns (sessions, conversations
  // with their messages, notes and review items, screenings, consents, feedback, reviews of its
  // conversations); staff assignments to it are cleared. Audit entries stay (they name only the
  // pseudonym).
  virtual Status CreateAccount(const Account& account) = 0;
  virtual StatusOr<Account> GetAccount(std::string_view id) = 0;
  virtual StatusOr<Account> FindStaffByUsername(std::string_view username) = 0;
  virtual Status UpdateAccount(const Account& account) = 0;  // all fields but id, kind, created_at
  virtual Status DeleteAccount(std::string_view id) = 0;
  // Every account id, ordered (for maintenance: rotation checks, retention).
  virtual StatusOr<std::vector<std::string>> ListAccountIds() = 0;

  // Sessions, keyed by token hash.
  virtual Status CreateSession(const Session& session) = 0;
  virtual StatusOr<Session> GetSession(std::string_view token_hash) = 0;
  virtual Status TouchSession(std::string_view token_hash, UnixMillis last_seen) = 0;
  virtual Status RevokeSession(std::string_view token_hash) = 0;
  // Revokes every live session of the account; returns how many were revoked.
  virtual StatusOr<int> RevokeAccountSessions(std::string_view account_id) = 0;

  // Conversations. Lists are ordered by (created_at, id). Create and Update round-trip every field
  // (Update keeps owner_id and created_at); both refuse, with InvalidArgument, a queue_priority
  // outside 0..5 and tags that ValidateOversightFields (records.h) refuses.
  virtual Status CreateConversation(const Conversation& conversation) = 0;
  virtual StatusOr<Conversation> GetConversation(std::string_view id) = 0;
  virtual Status UpdateConversation(const Conversation& conversation) = 0;
  virtual StatusOr<std::vector<Conversation>> ListConversations(const ConversationQuery& q) = 0;

  // Messages. AppendMessage ignores message.seq and assigns the next one in the conversation;
  // when message.client_message_id is set and already present there, it writes nothing and
  // returns the stored message with duplicate = true. ListMessages returns messages with
  // seq > after_seq in seq order, at most `limit`.
  virtual StatusOr<AppendResult> AppendMessage(const Message& message) = 0;
  virtual StatusOr<std::vector<Message>> ListMessages(std::string_view conversation_id,
                                                      int64_t after_seq, int limit) = 0;
  // Deletes a conversation's messages with created_at < before (retention); returns how many.
  virtual StatusOr<int> DeleteMessagesBefore(std::string_view conversation_id,
                                             UnixMillis before) = 0;

  // Notes, screening results, feedback: ordered by (created_at, id). Consents by kind.
  virtual Status AddNote(const Note& note) = 0;
  virtual StatusOr<std::vector<Note>> ListNotes(std::string_view conversation_id) = 0;
  virtual Status AddScreening(const ScreeningResult& result) = 0;
  virtual StatusOr<std::vector<ScreeningResult>> ListScreenings(std::string_view account_id) = 0;
  // One screening result of the account: NotFound when it has none with that id (another
  // account's result is not found either).
  virtual StatusOr<ScreeningResult> GetScreening(std::string_view account_id,
                                                 std::string_view id) = 0;
  // Deletes an account's screening results (check-ins) with created_at < before (retention);
  // returns how many.
  virtual StatusOr<int> DeleteScreeningsBefore(std::string_view account_id, UnixMillis before) = 0;
  virtual Status SetConsent(const Consent& consent) = 0;  // insert or replace
  virtual StatusOr<std::vector<Consent>> ListConsents(std::string_view account_id) = 0;
  virtual Status AddFeedback(const Feedback& feedback) = 0;
  virtual StatusOr<std::vector<Feedback>> ListFeedback(std::string_view conversation_id) = 0;

  // The review queue. AddReviewItem: FailedPrecondition when the key exists, NotFound when the
  // conversation does not, InvalidArgument when conversation_id is empty. ListReviewItems: items
  // with done == `done`, ordered by (created_at, conversation_id, message_seq), at most `limit`
  // (InvalidArgument if limit <= 0). CompleteReviewItem: sets done, reviewed_by, reviewed_at;
  // NotFound for an unknown key. Items go with their conversation (DeleteAccount).
  virtual Status AddReviewItem(const ReviewItem& item) = 0;
  virtual StatusOr<std::vector<ReviewItem>> ListReviewItems(bool done, int limit) = 0;
  virtual Status CompleteReviewItem(std::string_view conversation_id, int64_t message_seq,
                                    std::string_view reviewed_by, UnixMillis reviewed_at) = 0;

  // The audit log, append-only: there is no update or delete. Use AppendAudit (audit.h), which
  // computes the hashes; these store and read rows as given.
  virtual StatusOr<std::optional<AuditRecord>> LastAuditRecord() = 0;
  virtual Status InsertAuditRecord(const AuditRecord& record) = 0;  // seq must be last + 1
  virtual StatusOr<std::vector<AuditRecord>> ListAuditRecords(int64_t after_seq, int limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Status Transact(const std::function<Status(Txn&)>& fn) = 0;
};

}  // namespace haven::storage
