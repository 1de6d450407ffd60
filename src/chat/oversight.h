// Oversight: the staff's side of Haven (issue 5, the seed paper's §3.3), with no network in it.
// The escalation policy (safety/escalation_policy.h) decides, on every seeker turn, whether a
// person from the team is brought in; this class keeps the queue that results, lets supporters
// and clinicians read, take over, write, hand back, annotate and close conversations, gives
// them AI help with their drafts (reply/draft_coach.h), keeps the clinicians' review queue of the
// bot's replies, and publishes every change as an event (chat/events.h) for the consoles and for
// the seeker's open chat.
//
// Who may see what (checked on every call, with the staff token, in the unit of work of the
// action; a refusal is audited as access.denied):
//   - every role (supporter, clinician, admin) sees the queue: conversations waiting for a
//     person, without text, and the conversations assigned to them (their caseload: the ones
//     they took over, with them now or handed back to the bot, until the case is closed);
//   - a conversation's transcript may be opened by its assigned staff member and, while it waits
//     in the queue with nobody in it, by any staff member (to decide whether to take it);
//   - anything else needs break-glass: a written reason (at least `min_reason_chars`), which
//     grants that staff member that conversation for `break_glass_duration`, is audited
//     (break_glass, with the conversation id), kept as a private note on the conversation (the
//     reason is sealed like any note) and shown live to admins;
//   - only the staff member who took a conversation over may write in it or hand it back; two
//     cannot take the same conversation (the check and the assignment are one unit of work);
//   - the review queue is for clinicians and admins.
// Every transcript read (open, review items) is audited as transcript.read; takeovers, hand
// backs and case closes are audited too. Notes and a review's rewrite are sealed to the seeker
// like their messages (erasing the seeker shreds them).
//
// The seeker's turn (called by ChatService inside its units of work, chat_service.cc):
//   - ApplyTurn evaluates the policy for a turn and updates the conversation's queue state, risk
//     level and review queue in the caller's transaction; Publish then announces it (events and
//     webhooks) after the commit.
//   - While a person has the conversation (state with_staff) or the policy paused the bot, the
//     seeker's messages are stored and shown to the console, and the bot stays silent.
//   - SweepUnanswered (every few seconds in the server) finds queued conversations nobody has
//     taken within the policy's limits: the person is told honestly (content tag no_human_yet),
//     the crisis lines come again, on-call staff are notified again, once per rule.
//
// Errors: NotFound "session not found or expired" for a bad staff token; NotFound "not_found"
// for an unknown conversation; FailedPrecondition "forbidden" (not allowed: open with a reason
// for break-glass), "taken" (another person has it), "not_taken" (you have not taken it over),
// "closed"; InvalidArgument "bad_field" / "too_large" / "invalid_utf8" / "empty" /
// "bad_client_id" / "bad_reason"; Internal when storage fails. No message carries text.
//
// Thread-safe. The store, staff auth, engine, policy, events and notifier must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/events.h"
#include "chat/labels.h"
#include "chat/notifier.h"
#include "chat/staff_auth.h"
#include "core/status.h"
#include "nlp/analysis.h"
#include "reply/draft_coach.h"
#include "reply/engine.h"
#include "safety/escalation_policy.h"
#include "storage/store.h"

namespace haven::chat {

class Learner;

struct OversightOptions {
  double review_sample_rate = 0.05;  // share of ordinary bot replies sampled for review (0..1)
  std::chrono::milliseconds break_glass_duration = std::chrono::hours(1);
  size_t min_reason_chars = 10;  // a break-glass reason, in code points
  size_t max_reason_bytes = 1000;
  size_t max_text_bytes = 4000;  // a staff message or note
  int max_transcript = 500;      // messages returned by Open
  int review_batch = 50;         // items returned by ReviewQueue
  std::string default_locale = "en-US";
};

// Stored as the strategy of the system messages a takeover and a hand back leave in the
// transcript. Risk accumulated before a hand back does not count after it (a person judged the
// conversation safe to continue with the bot): ChatService starts AccumulatedRisk afresh there.
inline constexpr char kJoinedMarker[] = "staff_joined";
inline constexpr char kHandBackMarker[] = "handed_back";

// The outcomes a case may be closed with.
inline constexpr const char* kCaseOutcomes[] = {"resolved", "referred", "emergency_services",
                                                "no_contact", "other"};

struct NoteOut {
  std::string id;
  std::string author_name;
  std::string text;
  storage::UnixMillis time = 0;
};

struct CheckInPoint {
  std::string instrument;
  std::optional<int> score;
  std::string severity;
  bool completed = true;
  storage::UnixMillis time = 0;
};

// One message of an opened transcript, with its reading for the console.
struct AnnotatedMessage {
  LiveMessage message;
  std::optional<nlp::Analysis> analysis;  // user messages
};

// A clinician's label of one message, as the console shows it (chat/labels.h).
struct LabelOut {
  std::string id;
  int64_t seq = 0;
  MessageLabel label;
  std::string author_name;
  storage::UnixMillis time = 0;
};

struct ConversationView {
  QueueItem item;
  std::vector<AnnotatedMessage> messages;  // after the seq asked for, oldest first
  std::vector<LabelOut> labels;            // the latest label of each labelled message
  bool labels_allowed = false;             // the person allows de-identified use
  std::vector<NoteOut> notes;
  std::vector<CheckInPoint> checkins;
  std::string mood_trend;    // "improving", "worsening", "steady", "unknown"
  bool break_glass = false;  // opened by break-glass
};

struct ReviewEntry {
  std::string conversation_id;
  int64_t seq = 0;
  std::string reason;   // "sample" or "risk"
  std::string text;     // the bot's reply
  std::string context;  // the person's message before it
  RiskLevel risk_level = RiskLevel::kNone;
  std::string strategy;
  storage::UnixMillis time = 0;
};

struct ReviewScores {
  int empathy = 0, safety = 0, helpfulness = 0;  // 1..5 each
  bool flagged = false;
  std::string rewrite;  // optional
};

// What one seeker turn tells the policy (chat_service.cc fills it).
struct TurnFacts {
  nlp::Analysis analysis;  // of the person's message
  RiskLevel effective_level = RiskLevel::kNone;
  safety::Action action = safety::Action::kContinue;
  bool urgent = false;
  std::vector<RiskLevel> earlier_levels;  // earlier user turns, oldest first
  std::optional<int> phq9_item9;
};

// What ApplyTurn did, for Publish after the commit.
struct TurnEffects {
  safety::EscalationDecision decision;
  QueueItem item;        // the conversation after the turn
  bool queued = false;   // newly queued, or its priority rose
  bool changed = false;  // anything of the item changed
  std::vector<Notification> notifications;
};

class Oversight {
 public:
  using Clock = std::function<storage::UnixMillis()>;
  // `policy` may be null (no escalation beyond the per-turn policy: nothing is queued except by
  // a request for a person); `notifier` may be null (nobody is notified); `coach` may be null
  // (Draft answers FailedPrecondition).
  Oversight(storage::Store& store, StaffAuth& staff, const reply::Engine& engine,
            const safety::EscalationPolicy* policy, EventLog& events, Notifier* notifier,
            const reply::DraftCoach* coach, OversightOptions options = {}, Clock clock = {});

  // ---- The console (every call takes the staff token) ----
  StatusOr<StaffIdentity> Authenticate(std::string_view token);
  // Waiting conversations ranked by priority then waiting time, then the caller's own.
  StatusOr<std::vector<QueueItem>> Queue(std::string_view token);
  // The transcript after `after_seq`, annotated, with notes and check-ins. `reason`: break-glass.
  StatusOr<ConversationView> Open(std::string_view token, std::string_view conversation_id,
                                  int64_t after_seq, std::string_view reason = {});
  StatusOr<QueueItem> TakeOver(std::string_view token, std::string_view conversation_id);
  StatusOr<QueueItem> HandBack(std::string_view token, std::string_view conversation_id);
  // A message from the staff member who took the conversation over. Idempotent by client id.
  StatusOr<LiveMessage> Send(std::string_view token, std::string_view conversation_id,
                             std::string_view client_id, std::string_view text,
                             bool suggestion_used);
  StatusOr<NoteOut> AddNote(std::string_view token, std::string_view conversation_id,
                            std::string_view text);
  StatusOr<QueueItem> SetTags(std::string_view token, std::string_view conversation_id,
                              const std::vector<std::string>& tags);
  StatusOr<QueueItem> CloseCase(std::string_view token, std::string_view conversation_id,
                                std::string_view outcome);
  StatusOr<reply::DraftFeedback> Draft(std::string_view token, std::string_view conversation_id,
                                       std::string_view draft);
  StatusOr<std::vector<ReviewEntry>> ReviewQueue(std::string_view token);
  // A clinician's (or admin's) label of the person's message `seq` (chat/labels.h). Needs
  // access to the conversation; FailedPrecondition("consent_required") when the person does not
  // allow de-identified use (nothing is kept); NotFound for a message that is not the person's.
  // Audited (message.label).
  StatusOr<LabelOut> LabelMessage(std::string_view token, std::string_view conversation_id,
                                  int64_t seq, const MessageLabel& label);
  Status SubmitReview(std::string_view token, std::string_view conversation_id, int64_t seq,
                      const ReviewScores& scores);

  // ---- The seeker's side (ChatService) ----
  // Inside the turn's unit of work: evaluates the policy and updates `conv` (risk level, queue)
  // and the review queue; `reply_seq` is the bot reply's seq (0 when the bot stayed silent).
  StatusOr<TurnEffects> ApplyTurn(storage::Txn& txn, storage::Conversation& conv,
                                  const TurnFacts& facts, int64_t reply_seq);
  // After the commit: events for the console (the messages given, annotated there) and
  // notifications.
  void Publish(const TurnEffects& effects, const std::vector<LiveMessage>& messages);
  // The person asked for a person (the "talk to a person" button): queued at the asks-for-human
  // priority of the policy (4 without one) unless already queued higher or with staff.
  StatusOr<int> RequestHuman(storage::Txn& txn, storage::Conversation& conv, TurnEffects& effects);
  // Whether the policy keeps the bot in its safest mode for this conversation now: a rule with
  // `safest_mode` matched since it was queued and no person has taken it yet. Remembered in
  // memory; after a restart, a conversation waiting at priority 1 or 2 counts as in it.
  // In safest mode the bot runs no guided activity and every reply carries the crisis lines.
  bool SafestMode(const storage::Conversation& conv);
  // The seeker's place in the queue (1 = next), 0 when not waiting.
  StatusOr<int> QueuePosition(std::string_view conversation_id);
  // Conversations nobody took within the policy's limits (see the top). Returns how many people
  // were told.
  StatusOr<int> SweepUnanswered();
  // A break-glass grant made by another process (its audit and note are in the store already):
  // the staff member may open the conversation here too until `expires_at`.
  void AddGrant(std::string_view staff_id, std::string_view conversation_id,
                storage::UnixMillis expires_at);
  // With several processes on one store: SweepUnanswered does nothing (returns 0) unless `gate`
  // says this process leads (EventRelay sets it), so the person and on-call staff are told once,
  // not once per process. Null (the default): always sweep.
  void set_sweep_gate(std::function<bool()> gate);
  // The reply chooser's learner (chat/learning.h), or null: a clinician's review of a logged
  // choice rewards it at once, as it would at the next start (RewardOf: only for people who
  // allow de-identified use, and only when the person gave no rating of that reply). Not owned.
  void set_learner(Learner* learner) { learner_ = learner; }

  // ---- Relaying events between processes (chat/event_relay.h) ----
  // The conversation as the queue shows it now, read from the store.
  StatusOr<QueueItem> CurrentItem(std::string_view conversation_id);
  // Stored message `seq` of the conversation as an event carries it (a user message with its
  // reading, a staff message with its author's name). NotFound when there is none.
  StatusOr<LiveMessage> StoredMessage(std::string_view conversation_id, int64_t seq);

  EventLog& events() { return events_; }
  const reply::Engine& engine() const { return engine_; }

 private:
  storage::UnixMillis Now() const { return clock_(); }
  enum class Access { kNone, kQueue, kAssigned, kBreakGlass };
  Access AccessTo(const StaffIdentity& who, const storage::Conversation& conv);
  StatusOr<StaffIdentity> Check(std::string_view token);
  QueueItem ItemOf(storage::Txn& txn, const storage::Conversation& conv);
  std::string NameOf(storage::Txn& txn, const std::string& account_id);
  Status Denied(const StaffIdentity& who, const storage::Conversation& conv);
  // Publishes a queue change, then AnnouncePositions.
  void PublishItem(EventKind kind, const QueueItem& item);
  // The waiting conversations in queue order (no text).
  StatusOr<std::vector<QueueItem>> WaitingInOrder();
  // A queue_position event for each waiting conversation whose place changed since last time.
  void AnnouncePositions();
  storage::Message SystemMessage(const std::string& conversation_id, std::string text,
                                 std::string_view marker);

  storage::Store& store_;
  StaffAuth& staff_;
  const reply::Engine& engine_;
  const safety::EscalationPolicy* policy_;
  EventLog& events_;
  Notifier* notifier_;
  const reply::DraftCoach* coach_;
  Learner* learner_ = nullptr;
  OversightOptions options_;
  Clock clock_;

  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, storage::UnixMillis> grants_;  // (staff, conv)
  std::map<std::string, std::string> names_;                                   // staff id -> name
  std::set<std::pair<std::string, std::string>> told_;  // (conv, rule) unanswered, announced
  std::map<std::string, int> positions_;
  std::function<bool()> sweep_gate_;
  std::set<std::string> safest_;  // conversations a safest_mode rule matched while waiting  //
                                  // waiting conversation -> place last announced
};

}  // namespace haven::chat
