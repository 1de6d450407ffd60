#include "chat/oversight.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "chat/learning.h"
#include "chat/tokens.h"
#include "storage/audit.h"

namespace haven::chat {
namespace {

using storage::ConversationState;
using storage::MessageRole;
using storage::StaffRole;
using storage::Txn;
using storage::UnixMillis;
namespace audit_action = storage::audit_action;
namespace audit_outcome = storage::audit_outcome;

constexpr char kSessionGone[] = "session not found or expired";
constexpr char kStaffKeyPrefix[] = "staff/";  // staff client ids, apart from the seeker's
constexpr int kDefaultHumanPriority = 4;      // "talk to a person" without a policy

storage::UnixMillis SystemNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::vector<std::string> SplitWhy(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    if (comma > start) out.emplace_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Event MakeEvent(EventKind kind, const std::string& conversation_id, const std::string& owner_id) {
  Event e;
  e.kind = kind;
  e.conversation_id = conversation_id;
  e.owner_id = owner_id;
  return e;
}

// A stored message as the console and the seeker's chat see it.
LiveMessage Live(const storage::Message& m, std::string author_name) {
  LiveMessage out;
  out.seq = m.seq;
  out.role = m.role;
  out.text = m.text;
  out.time = m.created_at;
  out.author_name = std::move(author_name);
  out.strategy = m.strategy;
  out.why = SplitWhy(m.rationale);
  out.client_message_id = m.client_message_id;
  return out;
}

// Deterministic sampling of ordinary replies for review: the message id's hash below the rate.
bool Sampled(std::string_view message_id, double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(message_id.data()),
                     message_id.size(), nullptr, 0);
  uint64_t v = 0;
  for (unsigned char b : h) v = (v << 8) | b;
  return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53) < rate;
}

storage::AuditEvent AuditOf(UnixMillis now, const std::string& actor, const std::string& subject,
                            const char* action, const char* outcome, std::string detail) {
  storage::AuditEvent e;
  e.time = now;
  e.actor = actor;
  e.subject = subject;
  e.action = action;
  e.outcome = outcome;
  e.detail = std::move(detail);
  return e;
}

// Queued for a person and nobody has it now (it may name who handled it before: a caseload).
bool Waiting(const storage::Conversation& c) {
  return c.queue_priority > 0 && c.state == ConversationState::kWaitingForStaff;
}

// Queue order: the most urgent first, then whoever has waited longest.
bool Before(const QueueItem& a, const QueueItem& b) {
  if (a.priority != b.priority) {
    if (a.priority == 0 || b.priority == 0) return b.priority == 0;
    return a.priority < b.priority;
  }
  if (a.queued_at != b.queued_at) return a.queued_at < b.queued_at;
  return a.conversation_id < b.conversation_id;
}

std::string MoodTrend(const std::vector<CheckInPoint>& points) {
  std::vector<int> moods;
  for (const auto& p : points) {
    if (p.instrument == instrument::kMood && p.score) moods.push_back(*p.score);
  }
  if (moods.size() < 2) return "unknown";
  const size_t n = std::min<size_t>(moods.size(), 3);
  double recent = 0, earlier = 0;
  for (size_t i = 0; i < n; ++i) recent += moods[moods.size() - 1 - i];
  recent /= static_cast<double>(n);
  const size_t m = moods.size() - n;
  if (m == 0) {
    earlier = moods.front();
  } else {
    for (size_t i = 0; i < m; ++i) earlier += moods[i];
    earlier /= static_cast<double>(m);
  }
  if (recent - earlier >= 0.5) return "improving";
  if (earlier - recent >= 0.5) return "worsening";
  return "steady";
}

// The honest "nobody has joined yet" message (content tag no_human_yet) with the locale's
// emergency number and first crisis line filled in.
std::string NoHumanYetText(const reply::Engine& engine, std::string_view locale) {
  const auto& region = engine.resources().ForLocale(locale);
  reply::Slots slots;
  slots.emergency = region.EmergencyNumber();
  if (!region.lines.empty()) slots.line = region.lines.front().Describe();
  for (const auto& v : engine.content().variants()) {
    if (v.tag != "no_human_yet") continue;
    if (auto text = reply::FillSlots(v.text, slots)) return *text;
  }
  return "I'm sorry: nobody from our team has been able to join yet. If you are in danger, please "
         "call " +
         slots.emergency + " now.";
}

}  // namespace

Oversight::Oversight(storage::Store& store, StaffAuth& staff, const reply::Engine& engine,
                     const safety::EscalationPolicy* policy, EventLog& events, Notifier* notifier,
                     const reply::DraftCoach* coach, OversightOptions options, Clock clock)
    : store_(store),
      staff_(staff),
      engine_(engine),
      policy_(policy),
      events_(events),
      notifier_(notifier),
      coach_(coach),
      options_(std::move(options)),
      clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

StatusOr<StaffIdentity> Oversight::Authenticate(std::string_view token) { return Check(token); }

StatusOr<StaffIdentity> Oversight::Check(std::string_view token) {
  auto who = staff_.CheckSession(token);
  if (!who.ok()) {
    if (who.status().code() == StatusCode::kNotFound) return NotFound(kSessionGone);
    return who.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  names_[who->account_id] = who->username;
  return who;
}

std::string Oversight::NameOf(Txn& txn, const std::string& account_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = names_.find(account_id);
    if (it != names_.end()) return it->second;
  }
  auto a = txn.GetAccount(account_id);
  if (!a.ok() || a->kind != storage::AccountKind::kStaff) return "";
  std::lock_guard<std::mutex> lock(mu_);
  names_[account_id] = a->username;
  return a->username;
}

QueueItem Oversight::ItemOf(Txn& txn, const storage::Conversation& c) {
  QueueItem item;
  item.conversation_id = c.id;
  item.owner_id = c.owner_id;
  item.state = c.state;
  item.priority = c.queue_priority;
  item.risk_level = c.risk_level;
  item.queued_at = c.queued_at;
  if (c.assigned_staff_id) {
    item.assigned_staff_id = *c.assigned_staff_id;
    item.assigned_name = NameOf(txn, *c.assigned_staff_id);
  }
  item.tags = c.tags;
  item.bot_paused = c.bot_paused;
  item.outcome = c.outcome;
  return item;
}

Oversight::Access Oversight::AccessTo(const StaffIdentity& who, const storage::Conversation& c) {
  if (c.assigned_staff_id && *c.assigned_staff_id == who.account_id) return Access::kAssigned;
  if (Waiting(c)) return Access::kQueue;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find({who.account_id, c.id});
  if (it != grants_.end()) {
    if (it->second > Now()) return Access::kBreakGlass;
    grants_.erase(it);
  }
  return Access::kNone;
}

Status Oversight::Denied(const StaffIdentity& who, const storage::Conversation& c) {
  // Audited in its own unit of work: the refused action's was rolled back.
  (void)store_.Transact([&](Txn& txn) -> Status {
    return storage::AppendAudit(
               txn, AuditOf(Now(), who.account_id, c.owner_id, audit_action::kAccessDenied,
                            audit_outcome::kDenied, "conversation " + c.id))
        .status();
  });
  return FailedPrecondition("forbidden");
}

void Oversight::PublishItem(EventKind kind, const QueueItem& item) {
  Event e = MakeEvent(kind, item.conversation_id, item.owner_id);
  e.item = item;
  events_.Publish(std::move(e));
  // Everyone waiting whose place changed is told (the seeker's chat shows it).
  AnnouncePositions();
}

storage::Message Oversight::SystemMessage(const std::string& conversation_id, std::string text,
                                          std::string_view marker) {
  storage::Message m;
  m.id = storage::NewRecordId();
  m.conversation_id = conversation_id;
  m.role = MessageRole::kSystem;
  m.strategy = std::string(marker);
  m.text = std::move(text);
  m.created_at = Now();
  return m;
}

StatusOr<std::vector<QueueItem>> Oversight::Queue(std::string_view token) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  std::vector<QueueItem> waiting, mine;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    storage::ConversationQuery q;
    q.queued_only = true;
    q.limit = 10000;
    auto queued = txn.ListConversations(q);
    if (!queued.ok()) return queued.status();
    for (const auto& c : *queued) {
      if (Waiting(c)) waiting.push_back(ItemOf(txn, c));
    }
    storage::ConversationQuery own;
    own.assigned_staff_id = who->account_id;
    own.limit = 10000;
    auto assigned = txn.ListConversations(own);
    if (!assigned.ok()) return assigned.status();
    for (const auto& c : *assigned) {  // the caseload: with them now, or handed back
      if (c.state == ConversationState::kWithStaff || c.state == ConversationState::kActive) {
        mine.push_back(ItemOf(txn, c));
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::sort(waiting.begin(), waiting.end(), Before);
  std::sort(mine.begin(), mine.end(), Before);
  waiting.insert(waiting.end(), mine.begin(), mine.end());
  return waiting;
}

StatusOr<ConversationView> Oversight::Open(std::string_view token, std::string_view conversation_id,
                                           int64_t after_seq, std::string_view reason) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (!reason.empty()) {
    if (reason.size() > options_.max_reason_bytes || !IsValidUtf8(reason) ||
        CodePoints(reason) < options_.min_reason_chars) {
      return InvalidArgument("bad_reason");
    }
  }
  const UnixMillis now = Now();
  ConversationView view;
  std::optional<storage::Conversation> refused;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    Access access = AccessTo(*who, *c);
    if (access == Access::kNone) {
      if (reason.empty()) {
        refused = *c;
        return FailedPrecondition("forbidden");
      }
      // Break-glass: audited, the reason kept as a sealed note, a grant that expires.
      storage::Note note;
      note.id = storage::NewRecordId();
      note.conversation_id = c->id;
      note.author_id = who->account_id;
      note.text = "[break-glass] " + std::string(reason);
      note.created_at = now;
      if (Status n = txn.AddNote(note); !n.ok()) return n;
      auto a = storage::AppendAudit(
          txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kBreakGlass,
                       audit_outcome::kOk, "conversation " + c->id));
      if (!a.ok()) return a.status();
      view.break_glass = true;
    }
    auto a = storage::AppendAudit(
        txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kTranscriptRead,
                     audit_outcome::kOk, "conversation " + c->id));
    if (!a.ok()) return a.status();
    view.item = ItemOf(txn, *c);
    auto msgs = txn.ListMessages(c->id, std::max<int64_t>(0, after_seq), options_.max_transcript);
    if (!msgs.ok()) return msgs.status();
    for (auto& m : *msgs) {
      AnnotatedMessage am;
      am.message.seq = m.seq;
      am.message.role = m.role;
      am.message.time = m.created_at;
      am.message.strategy = m.strategy;
      am.message.why = SplitWhy(m.rationale);
      am.message.client_message_id = m.client_message_id;
      if (!m.author_id.empty()) am.message.author_name = NameOf(txn, m.author_id);
      am.message.text = std::move(m.text);
      view.messages.push_back(std::move(am));
    }
    view.labels_allowed = AllowsDeidentifiedUse(txn, c->owner_id);
    auto feedback = txn.ListFeedback(c->id);
    if (!feedback.ok()) return feedback.status();
    std::map<int64_t, LabelOut> labels;
    for (const auto& f : *feedback) {
      if (f.kind != kLabelKind) continue;
      if (auto l = LabelFromJson(f.comment)) {
        labels[f.message_seq] = {f.id, f.message_seq, std::move(*l), NameOf(txn, f.author_id),
                                 f.created_at};
      }
    }
    for (auto& [seq, l] : labels) view.labels.push_back(std::move(l));
    auto notes = txn.ListNotes(c->id);
    if (!notes.ok()) return notes.status();
    for (auto& n : *notes) {
      view.notes.push_back({n.id, NameOf(txn, n.author_id), std::move(n.text), n.created_at});
    }
    auto screenings = txn.ListScreenings(c->owner_id);
    if (!screenings.ok()) return screenings.status();
    for (const auto& row : *screenings) {
      if (auto ci = CheckInFromRow(row)) {
        view.checkins.push_back({ci->instrument, ci->score, ci->severity, ci->completed, ci->time});
      }
    }
    return Status::Ok();
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  for (auto& am : view.messages) {
    if (am.message.role == MessageRole::kUser) {
      am.analysis = engine_.analyzer().Analyze(am.message.text);
    }
  }
  view.mood_trend = MoodTrend(view.checkins);
  if (view.break_glass) {
    const UnixMillis expires = now + options_.break_glass_duration.count();
    {
      std::lock_guard<std::mutex> lock(mu_);
      grants_[{who->account_id, std::string(conversation_id)}] = expires;
    }
    Event e = MakeEvent(EventKind::kBreakGlass, std::string(conversation_id), view.item.owner_id);
    e.staff_name = who->username;
    e.staff_id = who->account_id;
    e.reason = std::string(reason);
    e.expires_at = expires;
    events_.Publish(std::move(e));
  }
  return view;
}

StatusOr<QueueItem> Oversight::TakeOver(std::string_view token, std::string_view conversation_id) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  const UnixMillis now = Now();
  QueueItem item;
  LiveMessage joined;
  std::optional<storage::Conversation> refused;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (c->assigned_staff_id && *c->assigned_staff_id != who->account_id &&
        c->state == ConversationState::kWithStaff) {
      return FailedPrecondition("taken");
    }
    if (c->state == ConversationState::kClosed) return FailedPrecondition("closed");
    if (AccessTo(*who, *c) == Access::kNone) {
      refused = *c;
      return FailedPrecondition("forbidden");
    }
    const bool already = c->state == ConversationState::kWithStaff;
    c->state = ConversationState::kWithStaff;
    c->assigned_staff_id = who->account_id;
    c->updated_at = now;
    if (Status u = txn.UpdateConversation(*c); !u.ok()) return u;
    if (!already) {
      auto m = txn.AppendMessage(SystemMessage(
          c->id, who->username + " from the team has joined the conversation.", kJoinedMarker));
      if (!m.ok()) return m.status();
      joined = Live(m->message, who->username);
    }
    auto a = storage::AppendAudit(
        txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kTakeover, audit_outcome::kOk,
                     "conversation " + c->id));
    if (!a.ok()) return a.status();
    item = ItemOf(txn, *c);
    return Status::Ok();
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  PublishItem(EventKind::kUpdated, item);
  if (joined.seq > 0) {
    Event m = MakeEvent(EventKind::kMessage, item.conversation_id, item.owner_id);
    m.message = joined;
    events_.Publish(std::move(m));
    Event j = MakeEvent(EventKind::kStaffJoined, item.conversation_id, item.owner_id);
    j.staff_name = who->username;
    j.message = joined;
    events_.Publish(std::move(j));
  }
  return item;
}

StatusOr<QueueItem> Oversight::HandBack(std::string_view token, std::string_view conversation_id) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  const UnixMillis now = Now();
  QueueItem item;
  LiveMessage left;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (c->state != ConversationState::kWithStaff || !c->assigned_staff_id ||
        *c->assigned_staff_id != who->account_id) {
      return FailedPrecondition("not_taken");
    }
    c->state = ConversationState::kActive;  // it stays in their caseload (assigned_staff_id)
    c->queue_priority = 0;
    c->queued_at = 0;
    c->bot_paused = false;
    c->updated_at = now;
    if (Status u = txn.UpdateConversation(*c); !u.ok()) return u;
    auto m = txn.AppendMessage(
        SystemMessage(c->id, who->username + " has handed you back to Haven, the AI assistant.",
                      kHandBackMarker));
    if (!m.ok()) return m.status();
    left = Live(m->message, who->username);
    auto a = storage::AppendAudit(
        txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kHandBack, audit_outcome::kOk,
                     "conversation " + c->id));
    if (!a.ok()) return a.status();
    item = ItemOf(txn, *c);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = told_.begin(); it != told_.end();) {
      it = it->first == item.conversation_id ? told_.erase(it) : std::next(it);
    }
  }
  PublishItem(EventKind::kUpdated, item);
  Event m = MakeEvent(EventKind::kMessage, item.conversation_id, item.owner_id);
  m.message = left;
  events_.Publish(m);
  m.kind = EventKind::kStaffLeft;
  m.staff_name = who->username;
  events_.Publish(std::move(m));
  return item;
}

StatusOr<LiveMessage> Oversight::Send(std::string_view token, std::string_view conversation_id,
                                      std::string_view client_id, std::string_view text,
                                      bool suggestion_used) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (!IsValidClientId(client_id, 64)) return InvalidArgument("bad_client_id");
  if (text.size() > options_.max_text_bytes) return InvalidArgument("too_large");
  if (!IsValidUtf8(text)) return InvalidArgument("invalid_utf8");
  if (IsBlank(text)) return InvalidArgument("empty");
  const UnixMillis now = Now();
  LiveMessage out;
  std::string owner;
  bool duplicate = false;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (c->state != ConversationState::kWithStaff || !c->assigned_staff_id ||
        *c->assigned_staff_id != who->account_id) {
      return FailedPrecondition("not_taken");
    }
    storage::Message m;
    m.id = storage::NewRecordId();
    m.conversation_id = c->id;
    m.role = MessageRole::kStaff;
    m.client_message_id = kStaffKeyPrefix + std::string(client_id);
    m.text = std::string(text);
    m.author_id = who->account_id;
    m.strategy = suggestion_used ? "staff:suggestion_used" : "staff";
    m.created_at = now;
    auto appended = txn.AppendMessage(m);
    if (!appended.ok()) return appended.status();
    if (appended->message.role != MessageRole::kStaff) return InvalidArgument("bad_client_id");
    duplicate = appended->duplicate;
    owner = c->owner_id;
    out = Live(appended->message, who->username);
    out.client_message_id = std::string(client_id);
    c->updated_at = now;
    return txn.UpdateConversation(*c);
  });
  if (!s.ok()) return s;
  if (!duplicate) {
    Event e = MakeEvent(EventKind::kMessage, std::string(conversation_id), owner);
    e.message = out;
    e.staff_name = who->username;
    events_.Publish(std::move(e));
  }
  return out;
}

StatusOr<NoteOut> Oversight::AddNote(std::string_view token, std::string_view conversation_id,
                                     std::string_view text) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (text.size() > options_.max_text_bytes) return InvalidArgument("too_large");
  if (!IsValidUtf8(text)) return InvalidArgument("invalid_utf8");
  if (IsBlank(text)) return InvalidArgument("empty");
  NoteOut out;
  std::optional<storage::Conversation> refused;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (AccessTo(*who, *c) == Access::kNone) {
      refused = *c;
      return FailedPrecondition("forbidden");
    }
    storage::Note n;
    n.id = storage::NewRecordId();
    n.conversation_id = c->id;
    n.author_id = who->account_id;
    n.text = std::string(text);
    n.created_at = Now();
    out = {n.id, who->username, n.text, n.created_at};
    return txn.AddNote(n);
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  return out;
}

StatusOr<QueueItem> Oversight::SetTags(std::string_view token, std::string_view conversation_id,
                                       const std::vector<std::string>& tags) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (tags.size() > static_cast<size_t>(storage::kMaxTags)) return InvalidArgument("bad_field");
  for (const auto& t : tags) {
    if (!storage::IsValidTag(t)) return InvalidArgument("bad_field");
  }
  std::vector<std::string> unique;
  for (const auto& t : tags) {
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  }
  QueueItem item;
  std::optional<storage::Conversation> refused;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (AccessTo(*who, *c) == Access::kNone) {
      refused = *c;
      return FailedPrecondition("forbidden");
    }
    c->tags = unique;
    c->updated_at = Now();
    if (Status u = txn.UpdateConversation(*c); !u.ok()) return u;
    item = ItemOf(txn, *c);
    return Status::Ok();
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  PublishItem(EventKind::kUpdated, item);
  return item;
}

StatusOr<QueueItem> Oversight::CloseCase(std::string_view token, std::string_view conversation_id,
                                         std::string_view outcome) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (std::none_of(std::begin(kCaseOutcomes), std::end(kCaseOutcomes),
                   [&](const char* o) { return outcome == o; })) {
    return InvalidArgument("bad_field");
  }
  const UnixMillis now = Now();
  QueueItem item;
  std::optional<storage::Conversation> refused;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (c->state == ConversationState::kWithStaff && c->assigned_staff_id &&
        *c->assigned_staff_id != who->account_id) {
      return FailedPrecondition("taken");
    }
    if (AccessTo(*who, *c) == Access::kNone) {
      refused = *c;
      return FailedPrecondition("forbidden");
    }
    c->state = ConversationState::kClosed;
    c->outcome = std::string(outcome);
    c->closed_at = now;
    c->queue_priority = 0;
    c->queued_at = 0;
    c->bot_paused = false;
    c->updated_at = now;
    if (Status u = txn.UpdateConversation(*c); !u.ok()) return u;
    auto a = storage::AppendAudit(
        txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kCaseClose,
                     audit_outcome::kOk, "conversation " + c->id + " " + c->outcome));
    if (!a.ok()) return a.status();
    item = ItemOf(txn, *c);
    return Status::Ok();
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  PublishItem(EventKind::kClosed, item);
  return item;
}

StatusOr<reply::DraftFeedback> Oversight::Draft(std::string_view token,
                                                std::string_view conversation_id,
                                                std::string_view draft) {
  if (!coach_) return FailedPrecondition("no draft coach");
  auto who = Check(token);
  if (!who.ok()) return who.status();
  std::vector<reply::CoachTurn> recent;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    // Only the person who has the conversation is writing in it.
    if (c->state != ConversationState::kWithStaff || !c->assigned_staff_id ||
        *c->assigned_staff_id != who->account_id) {
      return FailedPrecondition("not_taken");
    }
    int64_t from = 0;  // read through, keeping the latest ten
    for (;;) {
      auto page = txn.ListMessages(c->id, from, 200);
      if (!page.ok()) return page.status();
      for (auto& m : *page) {
        if (m.role == MessageRole::kSystem) continue;
        recent.push_back({m.role == MessageRole::kUser, std::move(m.text)});
        if (recent.size() > 10) recent.erase(recent.begin());
      }
      if (page->size() < 200) break;
      from = page->back().seq;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return coach_->Coach(recent, draft);
}

StatusOr<std::vector<ReviewEntry>> Oversight::ReviewQueue(std::string_view token) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  const UnixMillis now = Now();
  if (who->role != StaffRole::kClinician && who->role != StaffRole::kAdmin) {
    (void)store_.Transact([&](Txn& txn) -> Status {
      return storage::AppendAudit(txn,
                                  AuditOf(now, who->account_id, "", audit_action::kAccessDenied,
                                          audit_outcome::kDenied, "review"))
          .status();
    });
    return FailedPrecondition("forbidden");
  }
  std::vector<ReviewEntry> out;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto items = txn.ListReviewItems(false, options_.review_batch);
    if (!items.ok()) return items.status();
    for (const auto& it : *items) {
      auto msgs = txn.ListMessages(it.conversation_id, std::max<int64_t>(0, it.message_seq - 3), 3);
      if (!msgs.ok()) return msgs.status();
      ReviewEntry e;
      e.conversation_id = it.conversation_id;
      e.seq = it.message_seq;
      e.reason = it.reason;
      for (auto& m : *msgs) {
        if (m.seq == it.message_seq) {
          e.text = m.text;
          e.risk_level = m.risk_level.value_or(RiskLevel::kNone);
          e.strategy = m.strategy;
          e.time = m.created_at;
        } else if (m.seq < it.message_seq && m.role == MessageRole::kUser) {
          e.context = m.text;
        }
      }
      if (e.text.empty()) {  // deleted by retention since: nothing left to review
        Status done = txn.CompleteReviewItem(it.conversation_id, it.message_seq, "system", now);
        if (!done.ok()) return done;
        continue;
      }
      auto a = storage::AppendAudit(
          txn, AuditOf(now, who->account_id, it.owner_id, audit_action::kTranscriptRead,
                       audit_outcome::kOk,
                       "review " + it.conversation_id + " " + std::to_string(it.message_seq)));
      if (!a.ok()) return a.status();
      out.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Oversight::SubmitReview(std::string_view token, std::string_view conversation_id,
                               int64_t seq, const ReviewScores& scores) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (who->role != StaffRole::kClinician && who->role != StaffRole::kAdmin) {
    return FailedPrecondition("forbidden");
  }
  for (int v : {scores.empathy, scores.safety, scores.helpfulness}) {
    if (v < 1 || v > 5) return InvalidArgument("bad_field");
  }
  if (scores.rewrite.size() > options_.max_text_bytes) return InvalidArgument("too_large");
  if (!IsValidUtf8(scores.rewrite)) return InvalidArgument("invalid_utf8");
  const UnixMillis now = Now();
  std::optional<reply::ChoiceRecord> choice;
  std::optional<bool> reward;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    storage::Feedback f;
    f.id = storage::NewRecordId();
    f.account_id = c->owner_id;
    f.conversation_id = c->id;
    f.message_seq = seq;
    f.kind = "review";
    f.author_id = who->account_id;
    f.empathy = scores.empathy;
    f.safety = scores.safety;
    f.helpfulness = scores.helpfulness;
    f.rating = std::min({scores.empathy, scores.safety, scores.helpfulness});
    f.flagged = scores.flagged;
    f.comment = scores.rewrite;
    f.created_at = now;
    if (Status a = txn.AddFeedback(f); !a.ok()) return a;
    Status done = txn.CompleteReviewItem(c->id, seq, who->account_id, now);
    if (!done.ok() && done.code() != StatusCode::kNotFound) return done;
    // Learning: the review's reward for the logged choice, unless the person rated the reply
    // (their rating wins) or does not allow de-identified use.
    reward = RewardOf(f);
    if (learner_ == nullptr || !reward || !AllowsDeidentifiedUse(txn, c->owner_id)) {
      return Status::Ok();
    }
    auto earlier = txn.ListFeedback(c->id);
    if (!earlier.ok()) return earlier.status();
    for (const auto& e : *earlier) {
      if (e.kind == "rating" && e.message_seq == seq) return Status::Ok();
    }
    auto reply = txn.ListMessages(c->id, seq - 1, 1);
    if (!reply.ok()) return reply.status();
    if (!reply->empty() && reply->front().seq == seq &&
        reply->front().role == MessageRole::kAssistant) {
      choice = ChoiceInRationale(reply->front().rationale);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (choice && reward) learner_->Reward(*choice, *reward);
  return Status::Ok();
}

StatusOr<LabelOut> Oversight::LabelMessage(std::string_view token, std::string_view conversation_id,
                                           int64_t seq, const MessageLabel& label) {
  auto who = Check(token);
  if (!who.ok()) return who.status();
  if (who->role != StaffRole::kClinician && who->role != StaffRole::kAdmin) {
    return FailedPrecondition("forbidden");
  }
  if (Status v = ValidateLabel(label); !v.ok()) return v;
  if (seq <= 0) return InvalidArgument("bad_field");
  LabelOut out;
  std::optional<storage::Conversation> refused;
  const UnixMillis now = Now();
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? NotFound("not_found") : c.status();
    }
    if (AccessTo(*who, *c) == Access::kNone) {
      refused = *c;
      return FailedPrecondition("forbidden");
    }
    auto msgs = txn.ListMessages(c->id, seq - 1, 1);
    if (!msgs.ok()) return msgs.status();
    if (msgs->empty() || msgs->front().seq != seq || msgs->front().role != MessageRole::kUser) {
      return NotFound("not_found");
    }
    if (!AllowsDeidentifiedUse(txn, c->owner_id)) return FailedPrecondition("consent_required");
    storage::Feedback f;
    f.id = storage::NewRecordId();
    f.account_id = c->owner_id;
    f.conversation_id = c->id;
    f.message_seq = seq;
    f.kind = kLabelKind;
    f.author_id = who->account_id;
    f.comment = LabelToJson(label);
    f.created_at = now;
    if (Status a = txn.AddFeedback(f); !a.ok()) return a;
    auto a = storage::AppendAudit(
        txn, AuditOf(now, who->account_id, c->owner_id, audit_action::kMessageLabel,
                     audit_outcome::kOk, "conversation " + c->id + " seq " + std::to_string(seq)));
    if (!a.ok()) return a.status();
    out = {f.id, seq, label, who->username, now};
    return Status::Ok();
  });
  if (refused) return Denied(*who, *refused);
  if (!s.ok()) return s;
  return out;
}

StatusOr<TurnEffects> Oversight::ApplyTurn(Txn& txn, storage::Conversation& conv,
                                           const TurnFacts& facts, int64_t reply_seq) {
  TurnEffects fx;
  const UnixMillis now = Now();
  if (policy_) {
    safety::EscalationInput in;
    in.risk_level = facts.effective_level;
    in.categories = facts.analysis.risk.categories;
    in.earlier_levels = facts.earlier_levels;
    in.phq9_item9 = facts.phq9_item9;
    in.asks_for_human = facts.analysis.intent.label == "asking_for_human";
    in.turn_action = facts.action;
    in.turn_urgent = facts.urgent;
    if (Waiting(conv)) {
      in.queued_priority = conv.queue_priority;
      in.unanswered_seconds = (now - conv.queued_at) / 1000;
    }
    fx.decision = policy_->Evaluate(in);
  } else if (facts.analysis.intent.label == "asking_for_human" || facts.urgent) {
    fx.decision.queue_priority = facts.urgent ? 2 : kDefaultHumanPriority;
    fx.decision.matched_rules.push_back(facts.urgent ? "per-turn-urgent" : "asks-for-human");
  }
  const auto before = conv;
  // While the conversation waits for a person or is with one, the queue keeps its highest level
  // (a calm "ok thanks" must not hide an earlier plan); otherwise the latest turn's.
  if (conv.queue_priority > 0 || conv.state == ConversationState::kWithStaff) {
    conv.risk_level = std::max(conv.risk_level, facts.effective_level);
  } else {
    conv.risk_level = facts.effective_level;
  }
  if (fx.decision.queue_priority && conv.state != ConversationState::kWithStaff) {
    const int p = *fx.decision.queue_priority;
    if (conv.queue_priority == 0 || p < conv.queue_priority) {
      if (conv.queue_priority == 0) {
        conv.queued_at = now;
        auto a = storage::AppendAudit(
            txn, AuditOf(now, "system", conv.owner_id, audit_action::kQueue, audit_outcome::kOk,
                         "conversation " + conv.id + " priority " + std::to_string(p) + " risk"));
        if (!a.ok()) return a.status();
      }
      conv.queue_priority = p;
      fx.queued = true;
    }
    if (conv.state != ConversationState::kWaitingForStaff) {
      conv.state = ConversationState::kWaitingForStaff;
      fx.queued = true;
    }
  }
  if (fx.decision.pause_bot && conv.state != ConversationState::kWithStaff) conv.bot_paused = true;
  if (fx.decision.safest_mode && conv.state != ConversationState::kWithStaff) {
    std::lock_guard<std::mutex> lock(mu_);
    safest_.insert(conv.id);
  }
  fx.changed =
      fx.queued || conv.risk_level != before.risk_level || conv.bot_paused != before.bot_paused;
  if (fx.changed) {
    conv.updated_at = now;
    if (Status u = txn.UpdateConversation(conv); !u.ok()) return u;
  }
  // The review queue: every reply in a risky conversation, a sample of the others.
  if (reply_seq > 0) {
    std::string reason;
    if (facts.effective_level >= RiskLevel::kModerate || conv.queue_priority > 0) {
      reason = "risk";
    } else if (Sampled(conv.id + "/" + std::to_string(reply_seq), options_.review_sample_rate)) {
      reason = "sample";
    }
    if (!reason.empty()) {
      storage::ReviewItem r;
      r.conversation_id = conv.id;
      r.message_seq = reply_seq;
      r.owner_id = conv.owner_id;
      r.reason = reason;
      r.created_at = now;
      Status a = txn.AddReviewItem(r);
      if (!a.ok() && a.code() != StatusCode::kFailedPrecondition) return a;
    }
  }
  fx.item = ItemOf(txn, conv);
  if (fx.queued) {
    for (const auto& hook : fx.decision.notify) {
      Notification n;
      n.id = storage::NewRecordId();
      n.webhook = hook;
      n.kind = "escalation";
      n.conversation_id = conv.id;
      n.priority = conv.queue_priority;
      n.risk_level = std::string(RiskLevelName(conv.risk_level));
      n.rules = fx.decision.matched_rules;
      n.time = now;
      fx.notifications.push_back(std::move(n));
    }
  }
  return fx;
}

void Oversight::Publish(const TurnEffects& effects, const std::vector<LiveMessage>& messages) {
  for (const auto& m : messages) {
    Event e = MakeEvent(EventKind::kMessage, effects.item.conversation_id, effects.item.owner_id);
    e.message = m;
    events_.Publish(std::move(e));
  }
  if (effects.queued) {
    PublishItem(EventKind::kQueued, effects.item);
  } else if (effects.changed) {
    PublishItem(EventKind::kUpdated, effects.item);
  }
  if (notifier_) {
    for (const auto& n : effects.notifications) notifier_->Notify(n);
  }
}

StatusOr<QueueItem> Oversight::CurrentItem(std::string_view conversation_id) {
  QueueItem item;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto c = txn.GetConversation(conversation_id);
    if (!c.ok()) return c.status();
    item = ItemOf(txn, *c);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return item;
}

StatusOr<LiveMessage> Oversight::StoredMessage(std::string_view conversation_id, int64_t seq) {
  LiveMessage out;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto ms = txn.ListMessages(conversation_id, seq - 1, 1);
    if (!ms.ok()) return ms.status();
    if (ms->empty() || ms->front().seq != seq) return NotFound("not_found");
    const storage::Message& m = ms->front();
    out = Live(m, m.role == MessageRole::kStaff ? NameOf(txn, m.author_id) : "");
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.role == MessageRole::kUser) {
    out.analysis = std::make_shared<const nlp::Analysis>(engine_.analyzer().Analyze(out.text));
  }
  return out;
}

StatusOr<int> Oversight::RequestHuman(Txn& txn, storage::Conversation& conv, TurnEffects& effects) {
  int priority = kDefaultHumanPriority;
  if (policy_) {
    safety::EscalationInput in;
    in.asks_for_human = true;
    in.risk_level = conv.risk_level;
    auto d = policy_->Evaluate(in);
    if (d.queue_priority) priority = *d.queue_priority;
    effects.decision = d;
  }
  const UnixMillis now = Now();
  if (conv.state != ConversationState::kWithStaff) {
    if (conv.queue_priority == 0 || priority < conv.queue_priority) {
      if (conv.queue_priority == 0) {
        conv.queued_at = now;
        auto a = storage::AppendAudit(txn, AuditOf(now, conv.owner_id, conv.owner_id,
                                                   audit_action::kQueue, audit_outcome::kOk,
                                                   "conversation " + conv.id + " priority " +
                                                       std::to_string(priority) + " request"));
        if (!a.ok()) return a.status();
      }
      conv.queue_priority = priority;
      effects.queued = true;
    }
    if (conv.state != ConversationState::kWaitingForStaff) {
      conv.state = ConversationState::kWaitingForStaff;
      effects.queued = true;
    }
    if (effects.queued) {
      conv.updated_at = now;
      if (Status u = txn.UpdateConversation(conv); !u.ok()) return u;
    }
  }
  effects.changed = effects.queued;
  effects.item = ItemOf(txn, conv);
  return conv.queue_priority;
}

StatusOr<std::vector<QueueItem>> Oversight::WaitingInOrder() {
  std::vector<QueueItem> waiting;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    storage::ConversationQuery q;
    q.queued_only = true;
    q.limit = 10000;
    auto queued = txn.ListConversations(q);
    if (!queued.ok()) return queued.status();
    for (const auto& c : *queued) {
      if (!Waiting(c)) continue;
      QueueItem i;
      i.conversation_id = c.id;
      i.owner_id = c.owner_id;
      i.priority = c.queue_priority;
      i.queued_at = c.queued_at;
      waiting.push_back(std::move(i));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::sort(waiting.begin(), waiting.end(), Before);
  return waiting;
}

bool Oversight::SafestMode(const storage::Conversation& conv) {
  if (!Waiting(conv)) {
    std::lock_guard<std::mutex> lock(mu_);
    safest_.erase(conv.id);  // a person took it, or it left the queue
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  return safest_.count(conv.id) > 0 || conv.queue_priority <= 2;
}

StatusOr<int> Oversight::QueuePosition(std::string_view conversation_id) {
  auto waiting = WaitingInOrder();
  if (!waiting.ok()) return waiting.status();
  for (size_t i = 0; i < waiting->size(); ++i) {
    if ((*waiting)[i].conversation_id == conversation_id) return static_cast<int>(i + 1);
  }
  return 0;
}

void Oversight::AnnouncePositions() {
  auto waiting = WaitingInOrder();
  if (!waiting.ok()) return;  // the next change announces them
  std::vector<Event> changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<std::string, int> now;
    for (size_t i = 0; i < waiting->size(); ++i) {
      const QueueItem& w = (*waiting)[i];
      const int position = static_cast<int>(i + 1);
      now[w.conversation_id] = position;
      auto it = positions_.find(w.conversation_id);
      if (it != positions_.end() && it->second == position) continue;
      Event e = MakeEvent(EventKind::kQueuePosition, w.conversation_id, w.owner_id);
      e.position = position;
      changed.push_back(std::move(e));
    }
    positions_ = std::move(now);
  }
  for (auto& e : changed) events_.Publish(std::move(e));
}

void Oversight::AddGrant(std::string_view staff_id, std::string_view conversation_id,
                         UnixMillis expires_at) {
  if (staff_id.empty() || conversation_id.empty() || expires_at <= Now()) return;
  std::lock_guard<std::mutex> lock(mu_);
  UnixMillis& until = grants_[{std::string(staff_id), std::string(conversation_id)}];
  until = std::max(until, expires_at);
}

void Oversight::set_sweep_gate(std::function<bool()> gate) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_gate_ = std::move(gate);
}

StatusOr<int> Oversight::SweepUnanswered() {
  {
    std::function<bool()> gate;
    {
      std::lock_guard<std::mutex> lock(mu_);
      gate = sweep_gate_;
    }
    if (gate && !gate()) return 0;
  }
  if (!policy_) return 0;
  const UnixMillis now = Now();
  std::vector<storage::Conversation> waiting;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    storage::ConversationQuery q;
    q.queued_only = true;
    q.limit = 10000;
    auto queued = txn.ListConversations(q);
    if (!queued.ok()) return queued.status();
    for (auto& c : *queued) {
      if (Waiting(c)) waiting.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  int told = 0;
  for (const auto& c : waiting) {
    safety::EscalationInput in;
    in.risk_level = c.risk_level;
    in.queued_priority = c.queue_priority;
    in.unanswered_seconds = (now - c.queued_at) / 1000;
    safety::EscalationDecision d = policy_->Evaluate(in);
    // Only the rules about waiting: the turn's own rules were applied at the turn.
    std::vector<std::string> fresh;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& rule : d.matched_rules) {
        const auto* r = [&]() -> const safety::EscalationRule* {
          for (const auto& x : policy_->rules()) {
            if (x.name == rule) return &x;
          }
          return nullptr;
        }();
        if (!r || !r->when.unanswered_for_seconds) continue;
        if (told_.insert({c.id, rule}).second) fresh.push_back(rule);
      }
    }
    if (fresh.empty()) continue;
    if (d.safest_mode) {
      std::lock_guard<std::mutex> lock(mu_);
      safest_.insert(c.id);
    }
    const bool say = std::find(d.handoff_messages.begin(), d.handoff_messages.end(),
                               "no_human_yet") != d.handoff_messages.end();
    LiveMessage said;
    if (say) {
      std::string text = NoHumanYetText(engine_, options_.default_locale);
      storage::Message m;
      m.id = storage::NewRecordId();
      m.conversation_id = c.id;
      m.role = MessageRole::kAssistant;
      m.text = std::move(text);
      m.strategy = "handoff";
      m.rationale = "escalation:" + fresh.front();
      m.risk_level = c.risk_level;
      m.created_at = now;
      Status w = store_.Transact([&](Txn& txn) -> Status {
        auto cur = txn.GetConversation(c.id);
        if (!cur.ok()) return cur.status();
        if (!Waiting(*cur)) return FailedPrecondition("taken meanwhile");
        auto appended = txn.AppendMessage(m);
        if (!appended.ok()) return appended.status();
        said = Live(appended->message, "");
        said.pushed = true;
        return Status::Ok();
      });
      if (!w.ok()) continue;
      Event e = MakeEvent(EventKind::kMessage, c.id, c.owner_id);
      e.message = said;
      events_.Publish(std::move(e));
      ++told;
    }
    if (notifier_) {
      for (const auto& hook : d.notify) {
        Notification n;
        n.id = storage::NewRecordId();
        n.webhook = hook;
        n.kind = "unanswered";
        n.conversation_id = c.id;
        n.priority = c.queue_priority;
        n.risk_level = std::string(RiskLevelName(c.risk_level));
        n.rules = fresh;
        n.time = now;
        notifier_->Notify(std::move(n));
      }
    }
  }
  return told;
}

}  // namespace haven::chat
