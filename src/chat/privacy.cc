// ChatService's privacy center (chat_service.h): what is stored, consent switches, retention,
// export and erasure. Each call checks the session and acts in one unit of work, with its audit
// entry.
#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "chat/tokens.h"
#include "storage/audit.h"

namespace haven::chat {
namespace {

using nlohmann::json;
using storage::Txn;
using storage::UnixMillis;

constexpr char kSessionGone[] = "session not found or expired";
constexpr char kRetentionPrefix[] = "retention_days:";
constexpr int64_t kDayMillis = 24LL * 60 * 60 * 1000;
constexpr int kPage = 1000;
// A seeker's session's last_seen is written again once it is this old (LiveSession).
constexpr int64_t kSessionTouchMillis = 60 * 1000;

// "name" followed by a number, built by appending (GCC 12 warns falsely on literal + string).
std::string Tagged(std::string_view name, int64_t n) {
  std::string out(name);
  out += std::to_string(n);
  return out;
}

// The person's choices as stored, with the defaults filled in.
struct Settings {
  std::map<std::string, storage::Consent, std::less<>> set;  // switches the person has set
  bool keep_history = true;
  int retention_days = 0;  // 0: the default
};

std::optional<int> ParseRetentionKind(std::string_view kind) {
  if (kind.substr(0, sizeof(kRetentionPrefix) - 1) != kRetentionPrefix) return std::nullopt;
  std::string_view digits = kind.substr(sizeof(kRetentionPrefix) - 1);
  int days = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), days);
  if (ec != std::errc() || end != digits.data() + digits.size() || days <= 0) return std::nullopt;
  return days;
}

StatusOr<Settings> ReadSettings(Txn& txn, const std::string& account_id) {
  auto rows = txn.ListConsents(account_id);
  if (!rows.ok()) return rows.status();
  Settings s;
  for (const auto& c : *rows) {
    if (auto days = ParseRetentionKind(c.kind)) {
      if (c.granted) s.retention_days = *days;
      continue;
    }
    s.set[c.kind] = c;
  }
  if (auto it = s.set.find(consent::kKeepHistory); it != s.set.end()) {
    s.keep_history = it->second.granted;
  }
  return s;
}

bool KnownConsent(std::string_view kind) {
  return kind == consent::kKeepHistory || kind == consent::kDeidentifiedUse ||
         kind == consent::kAnalytics;
}

bool ConsentDefault(std::string_view kind) { return kind == consent::kKeepHistory; }

StatusOr<std::vector<storage::Conversation>> Conversations(Txn& txn, const std::string& owner) {
  storage::ConversationQuery q;
  q.owner_id = owner;
  q.limit = std::numeric_limits<int>::max();
  return txn.ListConversations(q);
}

// Every message of a conversation, oldest first, page by page.
StatusOr<std::vector<storage::Message>> AllMessages(Txn& txn, const std::string& conversation) {
  std::vector<storage::Message> all;
  int64_t after = 0;
  for (;;) {
    auto page = txn.ListMessages(conversation, after, kPage);
    if (!page.ok()) return page.status();
    for (auto& m : *page) all.push_back(std::move(m));
    if (page->size() < static_cast<size_t>(kPage)) return all;
    after = all.back().seq;
  }
}

const char* RoleName(storage::MessageRole role) {
  switch (role) {
    case storage::MessageRole::kUser:
      return "user";
    case storage::MessageRole::kAssistant:
      return "assistant";
    case storage::MessageRole::kStaff:
      return "staff";
    case storage::MessageRole::kSystem:
      return "system";
  }
  return "system";
}

const char* StateName(storage::ConversationState state) {
  switch (state) {
    case storage::ConversationState::kActive:
      return "active";
    case storage::ConversationState::kWaitingForStaff:
      return "waiting_for_staff";
    case storage::ConversationState::kWithStaff:
      return "with_staff";
    case storage::ConversationState::kClosed:
      return "closed";
  }
  return "active";
}

// The client id the person gave a message, or "" for Haven's replies, whose idempotency key
// ("reply/<the user's id>", "reply:<id>" before) is internal.
std::string PersonsClientId(const storage::Message& m) {
  return m.role == storage::MessageRole::kUser ? m.client_message_id : std::string();
}

Status Audit(Txn& txn, UnixMillis now, const std::string& account_id, const char* action,
             const char* outcome, std::string detail) {
  storage::AuditEvent e;
  e.time = now;
  e.actor = account_id;
  e.subject = account_id;
  e.action = action;
  e.outcome = outcome;
  e.detail = std::move(detail);
  return storage::AppendAudit(txn, e).status();
}

}  // namespace

StatusOr<storage::Session> ChatService::LiveSession(Txn& txn, std::string_view token,
                                                    UnixMillis now) {
  if (token.empty() || token.size() > 256) return NotFound(kSessionGone);
  std::string hash = HashSessionToken(token);
  auto row = txn.GetSession(hash);
  if (!row.ok()) {
    return row.status().code() == StatusCode::kNotFound ? NotFound(kSessionGone) : row.status();
  }
  if (row->revoked || now >= row->expires_at ||
      now - row->last_seen > options_.session_idle.count()) {
    return NotFound(kSessionGone);
  }
  // Kept to the minute: a turn that writes the session row as well costs a page more in every
  // commit, and the idle timeout counts in days.
  if (now - row->last_seen >= kSessionTouchMillis) {
    if (Status t = txn.TouchSession(hash, now); !t.ok()) return t;
  }
  auto account = txn.GetAccount(row->account_id);
  if (!account.ok()) {
    return account.status().code() == StatusCode::kNotFound ? NotFound(kSessionGone)
                                                            : account.status();
  }
  if (account->kind != storage::AccountKind::kSeeker) return NotFound(kSessionGone);
  return row;
}

StatusOr<PrivacySummary> ChatService::Summarise(Txn& txn, const std::string& account_id) {
  auto account = txn.GetAccount(account_id);
  if (!account.ok()) return account.status();
  auto settings = ReadSettings(txn, account_id);
  if (!settings.ok()) return settings.status();
  PrivacySummary p;
  p.account_id = account_id;
  p.created_at = account->created_at;
  p.has_nickname = account->nickname.has_value() && !account->nickname->empty();
  auto convs = Conversations(txn, account_id);
  if (!convs.ok()) return convs.status();
  p.conversations = static_cast<int64_t>(convs->size());
  for (const auto& c : *convs) {
    // Counting reads every message (the Store has no count); fine at a seeker's scale.
    auto msgs = AllMessages(txn, c.id);
    if (!msgs.ok()) return msgs.status();
    p.messages += static_cast<int64_t>(msgs->size());
    auto notes = txn.ListNotes(c.id);
    if (!notes.ok()) return notes.status();
    p.notes += static_cast<int64_t>(notes->size());
    auto feedback = txn.ListFeedback(c.id);
    if (!feedback.ok()) return feedback.status();
    p.feedback +=
        std::count_if(feedback->begin(), feedback->end(),
                      [&](const storage::Feedback& f) { return f.account_id == account_id; });
  }
  auto screenings = txn.ListScreenings(account_id);
  if (!screenings.ok()) return screenings.status();
  p.screenings = static_cast<int64_t>(screenings->size());
  for (const char* kind : {consent::kKeepHistory, consent::kDeidentifiedUse, consent::kAnalytics}) {
    ConsentOut c;
    c.kind = kind;
    c.granted = ConsentDefault(kind);
    if (auto it = settings->set.find(kind); it != settings->set.end()) {
      c.granted = it->second.granted;
      c.is_default = false;
      c.updated_at = it->second.updated_at;
    }
    p.consents.push_back(std::move(c));
  }
  p.retention_is_default = settings->retention_days == 0;
  p.retention_days =
      p.retention_is_default ? options_.default_retention_days : settings->retention_days;
  p.default_retention_days = options_.default_retention_days;
  p.max_retention_days = options_.max_retention_days;
  return p;
}

StatusOr<std::optional<UnixMillis>> RetentionCutoff(Txn& txn, const std::string& account_id,
                                                    const ChatOptions& options, UnixMillis now) {
  auto settings = ReadSettings(txn, account_id);
  if (!settings.ok()) return settings.status();
  int days =
      settings->retention_days > 0 ? settings->retention_days : options.default_retention_days;
  UnixMillis cutoff = days > 0 ? now - days * kDayMillis : std::numeric_limits<UnixMillis>::min();
  if (!settings->keep_history) {
    cutoff = std::max(cutoff, now - options.unkept_history_window.count());
  }
  if (cutoff == std::numeric_limits<UnixMillis>::min()) return std::optional<UnixMillis>();
  return std::optional<UnixMillis>(cutoff);
}

StatusOr<ChatService::RetentionDeleted> ChatService::ApplyRetention(Txn& txn,
                                                                    const std::string& account_id,
                                                                    UnixMillis now) {
  auto found = RetentionCutoff(txn, account_id, options_, now);
  if (!found.ok()) return found.status();
  RetentionDeleted deleted;
  if (!found->has_value()) return deleted;
  const UnixMillis cutoff = **found;
  auto convs = Conversations(txn, account_id);
  if (!convs.ok()) return convs.status();
  for (const auto& c : *convs) {
    auto n = txn.DeleteMessagesBefore(c.id, cutoff);
    if (!n.ok()) return n.status();
    deleted.messages += *n;
  }
  // Check-ins (mood, PHQ-9, GAD-7) are the person's data as much as their words: the same
  // period applies to them.
  auto n = txn.DeleteScreeningsBefore(account_id, cutoff);
  if (!n.ok()) return n.status();
  deleted.checkins = *n;
  return deleted;
}

Status ChatService::DropUnkeptHistory(Txn& txn, const std::string& account_id) {
  auto settings = ReadSettings(txn, account_id);
  if (!settings.ok()) return settings.status();
  if (settings->keep_history) return Status::Ok();
  auto convs = Conversations(txn, account_id);
  if (!convs.ok()) return convs.status();
  for (const auto& c : *convs) {
    auto n = txn.DeleteMessagesBefore(c.id, std::numeric_limits<UnixMillis>::max());
    if (!n.ok()) return n.status();
  }
  return txn.DeleteScreeningsBefore(account_id, std::numeric_limits<UnixMillis>::max()).status();
}

StatusOr<PrivacySummary> ChatService::GetPrivacy(std::string_view token) {
  UnixMillis now = Now();
  PrivacySummary out;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    auto p = Summarise(txn, session->account_id);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<PrivacySummary> ChatService::SetConsent(std::string_view token, std::string_view kind,
                                                 bool granted) {
  if (!KnownConsent(kind)) return InvalidArgument("bad_consent");
  UnixMillis now = Now();
  PrivacySummary out;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    const std::string& account = session->account_id;
    storage::Consent c;
    c.account_id = account;
    c.kind = std::string(kind);
    c.granted = granted;
    c.updated_at = now;
    if (Status s = txn.SetConsent(c); !s.ok()) return s;
    if (Status s = Audit(txn, now, account, storage::audit_action::kConsentChange,
                         storage::audit_outcome::kOk,
                         std::string(c.kind).append(granted ? "=on" : "=off"));
        !s.ok()) {
      return s;
    }
    // Effective at once: keep_history off drops what the rule no longer allows.
    if (c.kind == consent::kKeepHistory && !granted) {
      if (auto n = ApplyRetention(txn, account, now); !n.ok()) return n.status();
    }
    auto p = Summarise(txn, account);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  // Messages may be gone: the engine's state in memory is rebuilt from what is left.
  if (kind == consent::kKeepHistory && !granted) live_.DropAccount(out.account_id);
  return out;
}

StatusOr<PrivacySummary> ChatService::SetRetention(std::string_view token, int days) {
  if (days < 0 || days > options_.max_retention_days) return InvalidArgument("bad_retention");
  UnixMillis now = Now();
  PrivacySummary out;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    const std::string& account = session->account_id;
    // One granted row: the choice; earlier choices are set to not granted.
    auto rows = txn.ListConsents(account);
    if (!rows.ok()) return rows.status();
    for (auto c : *rows) {
      if (ParseRetentionKind(c.kind) && c.granted) {
        c.granted = false;
        c.updated_at = now;
        if (Status s = txn.SetConsent(c); !s.ok()) return s;
      }
    }
    if (days > 0) {
      storage::Consent c;
      c.account_id = account;
      c.kind = Tagged(kRetentionPrefix, days);
      c.granted = true;
      c.updated_at = now;
      if (Status s = txn.SetConsent(c); !s.ok()) return s;
    }
    if (Status s = Audit(txn, now, account, storage::audit_action::kRetentionChange,
                         storage::audit_outcome::kOk,
                         days > 0 ? Tagged("days=", days) : std::string("days=default"));
        !s.ok()) {
      return s;
    }
    if (auto n = ApplyRetention(txn, account, now); !n.ok()) return n.status();  // at once
    auto p = Summarise(txn, account);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  live_.DropAccount(out.account_id);  // messages may be gone (see SetConsent)
  return out;
}

StatusOr<std::string> ChatService::Export(std::string_view token) {
  UnixMillis now = Now();
  std::string doc;
  bool too_large = false;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    const std::string& id = session->account_id;
    auto account = txn.GetAccount(id);
    if (!account.ok()) return account.status();
    auto summary = Summarise(txn, id);
    if (!summary.ok()) return summary.status();

    json j = json::object();
    j["schema"] = kExportSchema;
    j["exported_at"] = now;
    j["account"] = {{"pseudonym", id},
                    {"kind", "seeker"},
                    {"created_at", account->created_at},
                    {"nickname", account->nickname ? json(*account->nickname) : json(nullptr)}};
    json consents = json::array();
    for (const auto& c : summary->consents) {
      consents.push_back({{"kind", c.kind},
                          {"granted", c.granted},
                          {"is_default", c.is_default},
                          {"updated_at", c.is_default ? json(nullptr) : json(c.updated_at)}});
    }
    j["privacy"] = {{"consents", std::move(consents)},
                    {"retention_days", summary->retention_days},
                    {"retention_is_default", summary->retention_is_default}};

    auto convs = Conversations(txn, id);
    if (!convs.ok()) return convs.status();
    json conversations = json::array();
    json feedback = json::array();
    for (const auto& c : *convs) {
      json conv = {{"id", c.id},
                   {"state", StateName(c.state)},
                   {"created_at", c.created_at},
                   {"updated_at", c.updated_at},
                   {"risk_level", std::string(RiskLevelName(c.risk_level))},
                   {"tags", c.tags},
                   {"outcome", c.outcome.empty() ? json(nullptr) : json(c.outcome)}};
      auto msgs = AllMessages(txn, c.id);
      if (!msgs.ok()) return msgs.status();
      json messages = json::array();
      for (const auto& m : *msgs) {
        json mj = {
            {"seq", m.seq}, {"role", RoleName(m.role)}, {"text", m.text}, {"time", m.created_at}};
        if (std::string cid = PersonsClientId(m); !cid.empty()) {
          mj["client_id"] = cid;
        }
        if (!m.strategy.empty()) mj["strategy"] = m.strategy;
        if (m.risk_level) mj["risk_level"] = std::string(RiskLevelName(*m.risk_level));
        if (!m.activity.empty()) {
          json activity = json::parse(m.activity, nullptr, /*allow_exceptions=*/false);
          if (!activity.is_discarded()) mj["activity"] = std::move(activity);
        }
        messages.push_back(std::move(mj));
      }
      conv["messages"] = std::move(messages);
      auto notes = txn.ListNotes(c.id);
      if (!notes.ok()) return notes.status();
      json nj = json::array();
      for (const auto& n : *notes) {
        nj.push_back({{"id", n.id}, {"text", n.text}, {"time", n.created_at}});
      }
      conv["notes"] = std::move(nj);
      conversations.push_back(std::move(conv));
      auto fb = txn.ListFeedback(c.id);
      if (!fb.ok()) return fb.status();
      for (const auto& f : *fb) {
        if (f.account_id != id) continue;
        json fj = {{"id", f.id},
                   {"kind", f.kind},
                   {"conversation", f.conversation_id},
                   {"message_seq", f.message_seq},
                   {"rating", f.rating},
                   {"comment", f.comment},
                   {"time", f.created_at}};
        if (f.kind == "review") {  // a clinician's review of a bot reply to them (no reviewer id)
          fj["scores"] = {
              {"empathy", f.empathy}, {"safety", f.safety}, {"helpfulness", f.helpfulness}};
          fj["flagged"] = f.flagged;
        }
        feedback.push_back(std::move(fj));
      }
    }
    j["conversations"] = std::move(conversations);
    auto screenings = txn.ListScreenings(id);
    if (!screenings.ok()) return screenings.status();
    json sj = json::array();
    for (const auto& s : *screenings) {
      sj.push_back({{"id", s.id},
                    {"instrument", s.instrument},
                    {"payload", s.payload},
                    {"time", s.created_at}});
    }
    j["screenings"] = std::move(sj);
    j["feedback"] = std::move(feedback);

    doc = j.dump(-1, ' ', false, json::error_handler_t::replace);
    too_large = doc.size() > options_.max_export_bytes;
    if (too_large) doc.clear();
    return Audit(txn, now, id, storage::audit_action::kExport,
                 too_large ? storage::audit_outcome::kError : storage::audit_outcome::kOk,
                 too_large ? "too_large" : "");
  });
  if (!st.ok()) return st;
  if (too_large) return FailedPrecondition("export_too_large");
  return doc;
}

StatusOr<std::string> ChatService::Erase(std::string_view token) {
  UnixMillis now = Now();
  std::string erased;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    const std::string id = session->account_id;
    if (Status s = Audit(txn, now, id, storage::audit_action::kErase, storage::audit_outcome::kOk,
                         "crypto-shred");
        !s.ok()) {
      return s;
    }
    if (auto n = txn.RevokeAccountSessions(id); !n.ok()) return n.status();
    // EncryptedStore destroys the data key first, then the rows go (storage/crypto).
    if (Status s = txn.DeleteAccount(id); !s.ok()) return s;
    erased = id;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  live_.DropAccount(erased);
  return erased;
}

StatusOr<int64_t> ChatService::SweepRetention() { return SweepRetention(Now()); }

StatusOr<int64_t> ChatService::SweepRetention(UnixMillis now) {
  std::vector<std::string> ids;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto all = txn.ListAccountIds();
    if (!all.ok()) return all.status();
    ids = std::move(all).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  int64_t total = 0;
  for (const auto& id : ids) {
    int deleted = 0;  // messages and check-ins
    st = store_.Transact([&](Txn& txn) -> Status {
      auto account = txn.GetAccount(id);
      if (!account.ok()) {  // erased meanwhile
        return account.status().code() == StatusCode::kNotFound ? Status::Ok() : account.status();
      }
      if (account->kind != storage::AccountKind::kSeeker) return Status::Ok();
      auto n = ApplyRetention(txn, id, now);
      if (!n.ok()) return n.status();
      deleted = n->messages + n->checkins;
      if (deleted == 0) return Status::Ok();
      storage::AuditEvent e;
      e.time = now;
      e.actor = "system";
      e.subject = id;
      e.action = storage::audit_action::kRetentionDelete;
      e.outcome = storage::audit_outcome::kOk;
      e.detail = Tagged("messages=", n->messages) + " " + Tagged("checkins=", n->checkins);
      return storage::AppendAudit(txn, e).status();
    });
    if (!st.ok()) return st;
    if (deleted > 0) live_.DropAccount(id);
    total += deleted;
  }
  return total;
}

}  // namespace haven::chat
