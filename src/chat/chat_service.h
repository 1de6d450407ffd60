// ChatService: the seeker's side of Haven in one place, with no network in it (the server only
// turns bytes into these calls and the results back into bytes).
//
// A turn:  validate (UTF-8, size cap, client id) -> persist the user message (idempotent by
// client message id) -> load the conversation's recent history -> reply engine -> persist the
// reply with its strategy and risk level -> return the ack and the reply.
//
// Delivery: the user message is committed before the engine runs, and the reply in a second
// transaction. A resend of a client message id returns the stored message as the ack
// (duplicate = true) and no reply when one already follows it; if the process died between the
// two commits, the resend produces the missing reply (at most one reply per user message).
// Turns of one conversation are serialised; different conversations run in parallel.
//
// Accounts: a seeker is anonymous: a random pseudonymous id, a recovery phrase shown once and
// stored only as an Argon2id hash, and a session token (256 random bits) stored only as its
// SHA-256. A session ends after `session_idle` without use, at `session_lifetime` after it
// began, or when revoked.
//
// Errors (Status codes): InvalidArgument for bad input (the message says which rule, never the
// text), NotFound / FailedPrecondition for unknown, expired or revoked sessions (the same
// message for all three), Internal when storage fails. Nothing here logs; no Status message
// carries a person's text, token or phrase.
//
// Thread-safe: every method may be called from many threads at once. The engine and the store
// must outlive the service.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "reply/engine.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

struct ChatOptions {
  size_t max_text_bytes = 4000;     // a message's text, in bytes of UTF-8
  size_t max_client_id_bytes = 64;  // client message ids: 1..64 of [A-Za-z0-9_-.:]
  int history_turns = 40;           // messages of context given to the engine
  std::chrono::milliseconds session_idle = std::chrono::hours(24 * 30);
  std::chrono::milliseconds session_lifetime = std::chrono::hours(24 * 180);
  std::string default_locale = "en-US";
};

// A message as the seeker sees it again (history on resume).
struct HistoryEntry {
  int64_t seq = 0;
  std::string role;  // "user", "assistant", "staff", "system"
  std::string text;
  std::string client_message_id;
  std::string strategy;
  storage::UnixMillis created_at = 0;
};

// Who is talking: the result of creating or resuming a session.
struct SeekerSession {
  std::string account_id;
  std::string conversation_id;
  std::string token;            // the session token (the caller gives it to the client)
  std::string recovery_phrase;  // only on creation: shown once, never stored
  bool resumed = false;
  std::vector<HistoryEntry> history;  // on resume: messages after `after_seq`, oldest first
};

struct Ack {
  std::string client_message_id;
  std::string message_id;
  int64_t seq = 0;
  bool duplicate = false;
};

struct CrisisLineOut {
  std::string name, call, text, text_keyword, url, hours;
};

struct ReplyOut {
  std::string message_id;
  int64_t seq = 0;
  std::string text;
  std::string strategy;
  RiskLevel risk_level = RiskLevel::kNone;
  bool escalate = false;
  bool urgent = false;
  std::string action;  // safety action name ("continue", "crisis_reply", ...)
  // The locale's crisis lines and emergency number, when the reply takes the safety path.
  std::string emergency_number;
  std::vector<CrisisLineOut> crisis_lines;
};

struct TurnResult {
  Ack ack;
  std::optional<ReplyOut> reply;  // absent for a resend that was already answered
};

class ChatService {
 public:
  using Clock = std::function<storage::UnixMillis()>;
  // `clock` gives UTC milliseconds (default: the system clock).
  ChatService(const reply::Engine& engine, storage::Store& store, ChatOptions options = {},
              Clock clock = {});

  // A new anonymous seeker with one conversation and a session.
  StatusOr<SeekerSession> CreateSeeker();
  // The session of `token` (touched: its idle timer restarts) with the seeker's latest
  // conversation (a new one when all are closed) and its messages after `after_seq` (at most
  // `max_history`). NotFound "session not found or expired" for an unknown, expired or revoked
  // token.
  StatusOr<SeekerSession> Resume(std::string_view token, int64_t after_seq = 0,
                                 int max_history = 200);
  // A new session for the account, given its recovery phrase. NotFound for a wrong pair.
  StatusOr<SeekerSession> Recover(std::string_view account_id, std::string_view phrase);
  // Revokes the session (logout). OK when it was already revoked or is unknown.
  Status Revoke(std::string_view token);
  // Whether the token's session is still valid now (for checks on every message).
  Status CheckSession(std::string_view token);

  // One seeker turn in `session`'s conversation. InvalidArgument: "invalid_utf8", "too_large",
  // "empty", "bad_client_id" (the message is one of these codes).
  StatusOr<TurnResult> Send(const SeekerSession& session, std::string_view client_message_id,
                            std::string_view text, std::string_view locale);

  const ChatOptions& options() const { return options_; }

 private:
  storage::UnixMillis Now() const { return clock_(); }
  StatusOr<SeekerSession> NewSession(const std::string& account_id);
  StatusOr<ReplyOut> Answer(const std::string& conversation_id, const std::string& owner_id,
                            int64_t user_seq, std::string_view client_id, std::string_view locale);
  std::shared_ptr<std::mutex> ConversationLock(const std::string& conversation_id);

  const reply::Engine& engine_;
  storage::Store& store_;
  ChatOptions options_;
  Clock clock_;
  std::mutex locks_mu_;
  std::map<std::string, std::weak_ptr<std::mutex>, std::less<>> locks_;
};

}  // namespace haven::chat
