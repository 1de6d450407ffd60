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
// SHA-256. A session ends after `session_idle` without use (its use is recorded to the minute),
// at `session_lifetime` after it began, or when revoked.
//
// Privacy (the seeker's privacy center, docs/protocol.md and docs/export-schema.md): what is
// stored, three consent switches, a retention period, export of everything, erasure. Every
// privacy call takes the session token and checks it in the same unit of work as the action, so
// authorisation holds on every call. Consent and retention changes, exports and erasures write an
// audit entry (storage/audit.h) in that same unit of work.
//   - keep_history (default on): off means messages and check-ins are kept only while the
//     conversation needs them: at most `unkept_history_window` (24 h), and none after logout.
//     Turning it off applies that at once.
//   - deidentified_use, analytics (default off): recorded for the learning and analytics layers,
//     which must read them before using anything (nothing reads them yet).
//   - retention: messages and check-ins older than N days are deleted (1..max_retention_days;
//     0 returns to `default_retention_days`), at once when changed and by SweepRetention (hourly
//     in the server). The choice is kept as a consent row "retention_days:N" (granted = the current
//     one), so that it needs no schema change.
//   - erase: crypto-shredding. The account's data key is destroyed (storage::EncryptedStore), its
//     rows deleted and its sessions revoked; a backup of the main database taken before can no
//     longer be read for that person, and nobody else is affected.
//
// Check-ins (checkins.cc): the person's PHQ-9, GAD-7 and mood history, for their charts.
//   - Guided flows and screening run in the web chat: the reply engine's conversation state is
//     kept between turns (LiveConversations, live_conversations.h) and rebuilt from the stored
//     history when it is not there (then without the guided activity that was in progress).
//   - Every screening result the engine produces (completed, stopped, or ended on the PHQ-9 item
//     9 risk path) is stored with the turn's reply, in the same unit of work, as a
//     storage::ScreeningResult (payload sealed to the person, docs/export-schema.md). Its id is
//     derived from the conversation, the instrument and the seq of the message that started the
//     administration, so a turn processed twice stores it once. An incomplete result is kept
//     with completed = false and never scored.
//   - RecordMood stores a mood check-in (1 very low .. 5 very good), once per client id when the
//     client gives one; CheckIns lists mood, PHQ-9 and GAD-7 results without item answers. Both
//     check the session in their unit of work.
//   Check-ins are not messages, but retention, keep_history and erasure apply to them alike.
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

#include "chat/live_conversations.h"
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
  // Privacy.
  int default_retention_days = 365;  // messages older than this are deleted (the config's default)
  int max_retention_days = 3650;
  std::chrono::milliseconds unkept_history_window = std::chrono::hours(24);  // keep_history off
  size_t max_export_bytes = 32 * 1024 * 1024;  // a bigger export is refused ("export_too_large")
  // Check-ins.
  size_t live_conversations = 1000;  // engine states kept in memory between turns (LRU)
  size_t max_checkins = 1000;        // CheckIns returns at most the latest this many
};

// The consent switches of the privacy center, and their defaults.
namespace consent {
inline constexpr char kKeepHistory[] = "keep_history";          // default on
inline constexpr char kDeidentifiedUse[] = "deidentified_use";  // default off
inline constexpr char kAnalytics[] = "analytics";               // default off
}  // namespace consent

// Feedback on a reply (RateReply).
inline constexpr size_t kMaxFeedbackCommentBytes = 1000;
struct FeedbackOut {
  int64_t seq = 0;
  int rating = 0;
  bool learned = false;  // the reply's logged choice rewarded the learner
};

// The version of the export document (docs/export-schema.md).
inline constexpr char kExportSchema[] = "haven.export.v1";

struct ConsentOut {
  std::string kind;
  bool granted = false;
  bool is_default = true;              // never set by the person
  storage::UnixMillis updated_at = 0;  // 0 when default
};

// What Haven stores about a seeker (counts and settings, never text).
struct PrivacySummary {
  std::string account_id;
  storage::UnixMillis created_at = 0;
  bool has_nickname = false;
  int64_t conversations = 0;
  int64_t messages = 0;
  int64_t notes = 0;
  int64_t screenings = 0;
  int64_t feedback = 0;
  std::vector<ConsentOut> consents;  // keep_history, deidentified_use, analytics, in that order
  int retention_days = 0;            // in effect
  bool retention_is_default = true;
  int default_retention_days = 0;
  int max_retention_days = 0;
};

// A message as the seeker sees it again (history on resume).
struct HistoryEntry {
  int64_t seq = 0;
  std::string role;  // "user", "assistant", "staff", "system"
  std::string text;
  std::string client_message_id;
  std::string strategy;
  storage::UnixMillis created_at = 0;
  std::string author_name;  // staff messages: the supporter's username
};

// Who is talking: the result of creating or resuming a session.
struct SeekerSession {
  std::string account_id;
  std::string conversation_id;
  std::string token;            // the session token (the caller gives it to the client)
  std::string recovery_phrase;  // only on creation: shown once, never stored
  bool resumed = false;
  std::vector<HistoryEntry> history;  // on resume: messages after `after_seq`, oldest first
  std::string staff_name;  // a person from the team has the conversation now: their username
  // On resume: the conversation ends with a message of the person that nothing answered (the
  // process stopped after its commit and early ack, before the reply) while the bot has the
  // conversation. Its client id and text: Send them again (a resend) to finish that turn.
  std::string unanswered_id;
  std::string unanswered_text;  // personal: the caller clears it once the turn is sent
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
  int queue_position = 0;  // this turn queued the conversation for a person: its place (1 = next)
};

// The instruments of check-ins (storage::ScreeningResult::instrument).
namespace instrument {
inline constexpr char kMood[] = "mood";  // the mood check-in, 1..5
inline constexpr char kPhq9[] = "phq9";
inline constexpr char kGad7[] = "gad7";
}  // namespace instrument

// The mood check-in's scale: 1 very low, 2 low, 3 okay, 4 good, 5 very good.
inline constexpr int kMoodMin = 1;
inline constexpr int kMoodMax = 5;

// One point of the check-in history (no item answers: the export has them).
struct CheckIn {
  std::string instrument;    // instrument::kMood, kPhq9 or kGad7
  std::optional<int> score;  // mood: the value; phq9/gad7: the total, only when completed
  std::string severity;      // phq9/gad7 when completed: "minimal", "mild", "moderate",
                             // "moderately_severe", "severe"; "" otherwise
  bool completed = true;     // false: a questionnaire stopped or interrupted (never scored)
  storage::UnixMillis time = 0;
};

// A stored check-in row as a point of the history; nullopt for another instrument or a payload
// that does not read (skipped rather than failing the whole history). checkins.cc.
std::optional<CheckIn> CheckInFromRow(const storage::ScreeningResult& row);

// The time before which the person's messages and check-ins must be gone: their retention period
// (or the default of `options`), or the unkept-history window when they keep no history; nullopt
// when nothing of theirs expires. What ApplyRetention and the hourly sweep delete, and what `haven
// audit report` checks is gone. privacy.cc.
StatusOr<std::optional<storage::UnixMillis>> RetentionCutoff(storage::Txn& txn,
                                                             const std::string& account_id,
                                                             const ChatOptions& options,
                                                             storage::UnixMillis now);

struct TurnResult {
  Ack ack;
  std::optional<ReplyOut> reply;  // absent for a resend that was already answered, or when held
  // A person from the team has the conversation (or the escalation policy paused the bot): the
  // message is stored and shown to them, and the bot stays silent.
  bool held = false;
  int queue_position = 0;  // this turn queued the conversation for a person: its place (1 = next)
};

class Oversight;
class Learner;

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
  // token, and for a staff session's token (staff never take the seeker path). Sets
  // unanswered_id/unanswered_text when the conversation's last message is the person's and the
  // bot, which has the conversation, never answered it.
  StatusOr<SeekerSession> Resume(std::string_view token, int64_t after_seq = 0,
                                 int max_history = 200);
  // A new session for the account, given its recovery phrase. NotFound for a wrong pair.
  StatusOr<SeekerSession> Recover(std::string_view account_id, std::string_view phrase);
  // Revokes the session (logout). OK when it was already revoked or is unknown.
  Status Revoke(std::string_view token);
  // Whether the token's session is still valid now (for checks on every message).
  Status CheckSession(std::string_view token);

  // One seeker turn in `session`'s conversation. The session's token is checked (and touched)
  // in the unit of work that stores the message: NotFound "session not found or expired" like
  // Resume. InvalidArgument: "invalid_utf8", "too_large", "empty", "bad_client_id" (the message
  // is one of these codes).
  // `on_stored` (optional) is called once, on this thread, as soon as the message is committed
  // (a resend: found), with the ack that the result will also hold, before the reply is composed:
  // the server acknowledges at commit latency. It is not called when the message was not stored.
  using OnStored = std::function<void(const Ack&)>;
  StatusOr<TurnResult> Send(const SeekerSession& session, std::string_view client_message_id,
                            std::string_view text, std::string_view locale,
                            const OnStored& on_stored = {});

  // The privacy center (see the top of this file). Each checks `token` like Resume: NotFound
  // "session not found or expired" for an unknown, expired or revoked token.
  StatusOr<PrivacySummary> GetPrivacy(std::string_view token);
  // InvalidArgument "bad_consent" for an unknown kind. Returns the summary after the change.
  StatusOr<PrivacySummary> SetConsent(std::string_view token, std::string_view kind, bool granted);
  // days: 1..max_retention_days, or 0 for the default; InvalidArgument "bad_retention" otherwise.
  StatusOr<PrivacySummary> SetRetention(std::string_view token, int days);
  // Everything Haven keeps about the seeker as one JSON document (docs/export-schema.md),
  // serialised. FailedPrecondition "export_too_large" beyond max_export_bytes (audited as an
  // error). The export is audited (audit_action::kExport) in the same unit of work as the reads.
  StatusOr<std::string> Export(std::string_view token);
  // Erases the seeker: the audit entry, every session revoked, the data key destroyed, every
  // row deleted, in one unit of work. Returns the erased account id (so the caller can close
  // that account's other connections).
  StatusOr<std::string> Erase(std::string_view token);
  // Deletes, for every seeker, messages and check-ins older than their retention (and, with
  // keep_history off, older than unkept_history_window). One unit of work per account, each with
  // an audit entry when something was deleted ("messages=N checkins=M"). Returns how many rows
  // were deleted.
  StatusOr<int64_t> SweepRetention();
  StatusOr<int64_t> SweepRetention(storage::UnixMillis now);

  // Check-ins (see the top of this file). Each checks `token` like Resume: NotFound "session not
  // found or expired". RecordMood: InvalidArgument "bad_field" unless kMoodMin <= value <=
  // kMoodMax, "bad_client_id" for a `client_id` that is not a valid client id; returns what was
  // stored. With a client id the check-in is stored once: a resend with the same id returns the
  // first one (its value and time), whatever value it carries.
  StatusOr<CheckIn> RecordMood(std::string_view token, int value, std::string_view client_id = {});
  // Mood, PHQ-9 and GAD-7 results of the seeker, oldest first (the latest max_checkins).
  StatusOr<std::vector<CheckIn>> CheckIns(std::string_view token);

  // The crisis lines and emergency number of `locale` (the default locale when empty), in a
  // ReplyOut with no text.
  ReplyOut ResourcesFor(std::string_view locale) const;

  // "Talk to a person": queues the session's conversation for a person (chat/oversight.h) and
  // returns its place in the queue (1 = next; 0 when a person already has it). Checks the
  // session like Resume. FailedPrecondition "no_oversight" when the service has none.
  StatusOr<int> RequestHuman(const SeekerSession& session);

  // Feedback on one of Haven's replies (chat/feedback.cc): the person's thumbs up (+1) or down
  // (-1) on the reply `seq` of the session's conversation, with an optional "what would have
  // helped" (sealed like their messages). Kept only when the person allows de-identified use:
  // FailedPrecondition "consent_required" otherwise, and nothing is stored. InvalidArgument
  // "bad_feedback": no reply of Haven's with that seq in the conversation, or a rating other
  // than +1 or -1; "invalid_utf8" and "too_large" (over kMaxFeedbackCommentBytes) for the
  // comment. A later rating of the same reply counts instead of the earlier one. A reply whose
  // choice was logged (reply/chooser.h) rewards the learner, when there is one.
  StatusOr<FeedbackOut> RateReply(const SeekerSession& session, int64_t seq, int rating,
                                  std::string_view comment);

  // The human-oversight layer (queue, takeover, escalation policy). Set it once, before the
  // service is shared between threads; without it no turn is ever queued or held.
  void set_oversight(Oversight* oversight) { oversight_ = oversight; }
  // The learner that chooses among the engine's best candidates (chat/learning.h), rewarded by
  // RateReply. Set it once, before the service is shared; nullptr: no learning.
  void set_learner(Learner* learner) { learner_ = learner; }

  const ChatOptions& options() const { return options_; }

 private:
  storage::UnixMillis Now() const { return clock_(); }
  StatusOr<SeekerSession> NewSession(const std::string& account_id);
  // A message while the bot is silent (a person has the conversation): the policy still reads
  // it (its risk can raise the queue priority) and the console sees it.
  Status Hold(const SeekerSession& session, const storage::Message& message, int64_t seq);
  StatusOr<ReplyOut> Answer(const std::string& conversation_id, const std::string& owner_id,
                            int64_t user_seq, std::string_view client_id, std::string_view locale);
  std::shared_ptr<std::mutex> ConversationLock(const std::string& conversation_id);
  // Stores the engine's new screening results of a turn (checkins.cc), skipping any already
  // stored under the same id.
  Status StoreScreenings(storage::Txn& txn, const std::string& account_id,
                         const std::string& conversation_id,
                         const std::vector<reply::ScreeningResult>& results);
  // Privacy helpers (privacy.cc), all inside a unit of work.
  StatusOr<storage::Session> LiveSession(storage::Txn& txn, std::string_view token,
                                         storage::UnixMillis now);
  // With keep_history off: deletes every message and check-in of the account (at logout).
  Status DropUnkeptHistory(storage::Txn& txn, const std::string& account_id);
  StatusOr<PrivacySummary> Summarise(storage::Txn& txn, const std::string& account_id);
  // Deletes the account's messages and check-ins older than RetentionCutoff.
  struct RetentionDeleted {
    int messages = 0;
    int checkins = 0;
  };
  StatusOr<RetentionDeleted> ApplyRetention(storage::Txn& txn, const std::string& account_id,
                                            storage::UnixMillis now);

  const reply::Engine& engine_;
  storage::Store& store_;
  ChatOptions options_;
  Clock clock_;
  std::mutex locks_mu_;
  std::map<std::string, std::weak_ptr<std::mutex>, std::less<>> locks_;
  LiveConversations live_;
  Oversight* oversight_ = nullptr;
  Learner* learner_ = nullptr;
};

}  // namespace haven::chat
