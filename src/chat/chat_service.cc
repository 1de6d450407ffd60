#include "chat/chat_service.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "chat/tokens.h"
#include "reply/strategy.h"
#include "safety/policy.h"

namespace haven::chat {
namespace {

using storage::MessageRole;
using storage::Txn;
using storage::UnixMillis;

// A reply is stored under its user message's client id with this prefix. '/' is not allowed in
// client ids, so a reply's key can never be a client's id ("reply:X" is a valid client id, and
// was the prefix before: kLegacyReplyKeyPrefix, still recognised on assistant messages).
constexpr char kReplyKeyPrefix[] = "reply/";
constexpr char kLegacyReplyKeyPrefix[] = "reply:";
// User turns after which a kept engine state is rebuilt from the window (memory bound).
constexpr int kMaxLiveTurns = 200;

UnixMillis SystemNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RoleName(MessageRole role) {
  switch (role) {
    case MessageRole::kUser:
      return "user";
    case MessageRole::kAssistant:
      return "assistant";
    case MessageRole::kStaff:
      return "staff";
    case MessageRole::kSystem:
      return "system";
  }
  return "system";
}

bool ValidClientId(std::string_view id, size_t max) {
  if (id.empty() || id.size() > max) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
  });
}

bool BlankText(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string ReplyKey(std::string_view client_id) {
  std::string key = kReplyKeyPrefix;
  key.append(client_id);
  return key;
}

ReplyOut FromStored(const storage::Message& m) {
  ReplyOut out;
  out.message_id = m.id;
  out.seq = m.seq;
  out.text = m.text;
  out.strategy = m.strategy;
  out.risk_level = m.risk_level.value_or(RiskLevel::kNone);
  return out;
}

}  // namespace

ChatService::ChatService(const reply::Engine& engine, storage::Store& store, ChatOptions options,
                         Clock clock)
    : engine_(engine),
      store_(store),
      options_(std::move(options)),
      clock_(std::move(clock)),
      live_(options_.live_conversations) {
  if (!clock_) clock_ = SystemNow;
  if (sodium_init() < 0) std::abort();  // libsodium cannot work: nothing here can be secure
}

StatusOr<SeekerSession> ChatService::NewSession(const std::string& account_id) {
  SeekerSession s;
  s.account_id = account_id;
  s.token = NewSessionToken();
  UnixMillis now = Now();
  storage::Session row;
  row.token_hash = HashSessionToken(s.token);
  row.account_id = account_id;
  row.created_at = now;
  row.last_seen = now;
  row.expires_at = now + options_.session_lifetime.count();
  Status st = store_.Transact([&](Txn& txn) -> Status {
    if (Status c = txn.CreateSession(row); !c.ok()) return c;
    // The seeker's latest open conversation, or a new one.
    storage::ConversationQuery q;
    q.owner_id = account_id;
    auto convs = txn.ListConversations(q);
    if (!convs.ok()) return convs.status();
    for (auto it = convs->rbegin(); it != convs->rend(); ++it) {
      if (it->state != storage::ConversationState::kClosed) {
        s.conversation_id = it->id;
        return Status::Ok();
      }
    }
    storage::Conversation conv;
    conv.id = storage::NewRecordId();
    conv.owner_id = account_id;
    conv.created_at = now;
    conv.updated_at = now;
    s.conversation_id = conv.id;
    return txn.CreateConversation(conv);
  });
  if (!st.ok()) return st;
  return s;
}

StatusOr<SeekerSession> ChatService::CreateSeeker() {
  std::string phrase = NewRecoveryPhrase();
  auto hash = HashRecoveryPhrase(phrase);
  if (!hash.ok()) return hash.status();
  storage::Account account;
  account.id = storage::NewRecordId();
  account.kind = storage::AccountKind::kSeeker;
  account.created_at = Now();
  account.recovery_hash = *hash;
  Status st = store_.Transact([&](Txn& txn) { return txn.CreateAccount(account); });
  if (!st.ok()) return st;
  auto session = NewSession(account.id);
  if (!session.ok()) return session.status();
  session->recovery_phrase = std::move(phrase);
  return session;
}

StatusOr<SeekerSession> ChatService::Resume(std::string_view token, int64_t after_seq,
                                            int max_history) {
  UnixMillis now = Now();
  SeekerSession s;
  s.token = std::string(token);
  s.resumed = true;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    // Valid, touched, and a seeker's (a staff token is answered like an unknown one).
    auto row = LiveSession(txn, token, now);
    if (!row.ok()) return row.status();
    s.account_id = row->account_id;
    storage::ConversationQuery q;
    q.owner_id = row->account_id;
    auto convs = txn.ListConversations(q);
    if (!convs.ok()) return convs.status();
    for (auto it = convs->rbegin(); it != convs->rend(); ++it) {
      if (it->state != storage::ConversationState::kClosed) {
        s.conversation_id = it->id;
        break;
      }
    }
    if (s.conversation_id.empty()) {
      storage::Conversation conv;
      conv.id = storage::NewRecordId();
      conv.owner_id = row->account_id;
      conv.created_at = now;
      conv.updated_at = now;
      s.conversation_id = conv.id;
      return txn.CreateConversation(conv);
    }
    if (max_history <= 0) return Status::Ok();
    auto msgs = txn.ListMessages(s.conversation_id, std::max<int64_t>(after_seq, 0), max_history);
    if (!msgs.ok()) return msgs.status();
    for (const auto& m : *msgs) {
      s.history.push_back(
          {m.seq, RoleName(m.role), m.text, m.client_message_id, m.strategy, m.created_at});
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return s;
}

StatusOr<SeekerSession> ChatService::Recover(std::string_view account_id, std::string_view phrase) {
  storage::Account account;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto a = txn.GetAccount(account_id);
    if (!a.ok()) return a.status();
    account = *a;
    return Status::Ok();
  });
  if (!st.ok() && st.code() != StatusCode::kNotFound) return st;
  if (!st.ok() || account.kind != storage::AccountKind::kSeeker ||
      !VerifyRecoveryPhrase(phrase, account.recovery_hash)) {
    return NotFound("account or recovery phrase not recognised");
  }
  return NewSession(account.id);
}

Status ChatService::Revoke(std::string_view token) {
  std::string hash = HashSessionToken(token);
  std::string account_id;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto row = txn.GetSession(hash);
    if (!row.ok()) {
      return row.status().code() == StatusCode::kNotFound ? Status::Ok() : row.status();
    }
    if (row->revoked) return Status::Ok();
    if (Status s = txn.RevokeSession(hash); !s.ok()) return s;
    account_id = row->account_id;
    // keep_history off: nothing stays after logout (privacy.cc).
    return DropUnkeptHistory(txn, row->account_id);
  });
  // Nothing of the person's conversation stays in memory after logout either.
  if (st.ok() && !account_id.empty()) live_.DropAccount(account_id);
  return st;
}

Status ChatService::CheckSession(std::string_view token) {
  UnixMillis now = Now();
  return store_.Transact([&](Txn& txn) -> Status { return LiveSession(txn, token, now).status(); });
}

std::shared_ptr<std::mutex> ChatService::ConversationLock(const std::string& conversation_id) {
  std::lock_guard<std::mutex> guard(locks_mu_);
  for (auto it = locks_.begin(); it != locks_.end();) {  // drop locks nobody holds
    it = it->second.expired() ? locks_.erase(it) : std::next(it);
  }
  auto& weak = locks_[conversation_id];
  auto lock = weak.lock();
  if (!lock) {
    lock = std::make_shared<std::mutex>();
    weak = lock;
  }
  return lock;
}

StatusOr<TurnResult> ChatService::Send(const SeekerSession& session,
                                       std::string_view client_message_id, std::string_view text,
                                       std::string_view locale) {
  if (!ValidClientId(client_message_id, options_.max_client_id_bytes)) {
    return InvalidArgument("bad_client_id");
  }
  if (text.size() > options_.max_text_bytes) return InvalidArgument("too_large");
  if (!IsValidUtf8(text)) return InvalidArgument("invalid_utf8");
  if (BlankText(text)) return InvalidArgument("empty");
  if (locale.empty()) locale = options_.default_locale;

  auto lock = ConversationLock(session.conversation_id);
  std::lock_guard<std::mutex> guard(*lock);

  storage::Message m;
  m.id = storage::NewRecordId();
  m.conversation_id = session.conversation_id;
  m.role = MessageRole::kUser;
  m.client_message_id = std::string(client_message_id);
  m.text = std::string(text);
  m.created_at = Now();
  TurnResult result;
  std::optional<storage::Message> earlier_reply;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    // The session is checked (and touched) in the same unit of work as the message: one commit
    // for both, and no turn is stored for a session that ended a moment before.
    auto live = LiveSession(txn, session.token, m.created_at);
    if (!live.ok()) return live.status();
    if (live->account_id != session.account_id) return NotFound("session not found or expired");
    auto conv = txn.GetConversation(session.conversation_id);
    if (!conv.ok()) return conv.status();
    if (conv->owner_id != session.account_id) return NotFound("conversation not found");
    auto appended = txn.AppendMessage(m);
    if (!appended.ok()) return appended.status();
    if (appended->duplicate && appended->message.role != MessageRole::kUser) {
      // The id is a reply's key from before kReplyKeyPrefix changed: refuse it, never ack it.
      return InvalidArgument("bad_client_id");
    }
    result.ack.client_message_id = std::string(client_message_id);
    result.ack.message_id = appended->message.id;
    result.ack.seq = appended->message.seq;
    result.ack.duplicate = appended->duplicate;
    if (!appended->duplicate) {
      conv->updated_at = m.created_at;
      return txn.UpdateConversation(*conv);
    }
    // A resend: is its reply already there?
    const std::string key = ReplyKey(client_message_id);
    const std::string legacy_key = kLegacyReplyKeyPrefix + std::string(client_message_id);
    int64_t after = appended->message.seq;
    for (;;) {
      auto later = txn.ListMessages(session.conversation_id, after, 200);
      if (!later.ok()) return later.status();
      for (const auto& x : *later) {
        if (x.role == MessageRole::kAssistant &&
            (x.client_message_id == key || x.client_message_id == legacy_key)) {
          earlier_reply = x;
        }
      }
      if (earlier_reply || later->size() < 200) break;
      after = later->back().seq;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (earlier_reply) return result;  // answered before: the same ack, no second reply

  auto reply = Answer(session.conversation_id, session.account_id, result.ack.seq,
                      client_message_id, locale);
  if (!reply.ok()) return reply.status();
  result.reply = std::move(reply).value();
  return result;
}

StatusOr<ReplyOut> ChatService::Answer(const std::string& conversation_id,
                                       const std::string& owner_id, int64_t user_seq,
                                       std::string_view client_id, std::string_view locale) {
  // The context: the stored messages up to the user's, at most history_turns of them.
  std::vector<storage::Message> window;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    int64_t from = std::max<int64_t>(0, user_seq - options_.history_turns);
    auto msgs = txn.ListMessages(conversation_id, from, options_.history_turns);
    if (!msgs.ok()) return msgs.status();
    for (auto& x : *msgs) {
      if (x.seq > user_seq) break;
      window.push_back(std::move(x));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  // The engine wants the user's message last (an earlier user turn may be unanswered).
  if (window.empty() || window.back().seq != user_seq || window.back().role != MessageRole::kUser) {
    return Internal("conversation history does not end with the user's message");
  }
  const int64_t before_seq = window.size() >= 2 ? window[window.size() - 2].seq : 0;

  // The engine's state of this conversation: kept from the turn before, or rebuilt from the
  // window (guided activities then start afresh; live_conversations.h).
  std::unique_ptr<LiveConversation> live = live_.Take(conversation_id, before_seq, locale);
  if (live && live->conversation->state().user_turns() > kMaxLiveTurns) {
    // A long conversation starts again from its window, at a moment without a guided activity,
    // so that memory stays bounded.
    const auto& act = live->conversation->state().activity();
    if (!act.flow && !act.screening && !act.screening_offer) live.reset();
  }
  if (!live) {
    live = std::make_unique<LiveConversation>();
    live->conversation = std::make_unique<reply::Conversation>(engine_, std::string(locale));
    live->account_id = owner_id;
    live->locale = std::string(locale);
    for (size_t i = 0; i + 1 < window.size(); ++i) {
      const storage::Message& x = window[i];
      if (x.role == MessageRole::kUser) {
        live->conversation->ObserveUser(x.text);
      } else if (x.role == MessageRole::kAssistant || x.role == MessageRole::kStaff) {
        live->conversation->ObserveAssistant(x.text);
      }
    }
    live->results_seen = live->conversation->screening_results().size();
  }
  // Screening results are stamped with message seqs: started_at is the seq of the message that
  // started the administration, which names it for good (StoreScreenings).
  live->conversation->set_now(user_seq);
  // The state before this turn, kept if the turn fails, so that its retry answers the same way.
  auto before = std::make_unique<LiveConversation>();
  before->conversation = std::make_unique<reply::Conversation>(*live->conversation);
  before->account_id = live->account_id;
  before->locale = live->locale;
  before->through_seq = before_seq;
  before->results_seen = live->results_seen;
  const reply::Reply r = live->conversation->Send(window.back().text);
  const auto& all_results = live->conversation->screening_results();
  std::vector<reply::ScreeningResult> fresh(
      all_results.begin() +
          static_cast<std::ptrdiff_t>(std::min(live->results_seen, all_results.size())),
      all_results.end());

  storage::Message m;
  m.id = storage::NewRecordId();
  m.conversation_id = conversation_id;
  m.role = MessageRole::kAssistant;
  m.client_message_id = ReplyKey(client_id);
  m.text = r.text;
  m.risk_level = r.risk_level;
  m.strategy = std::string(reply::StrategyName(r.strategy));
  m.created_at = Now();
  storage::Message stored;
  st = store_.Transact([&](Txn& txn) -> Status {
    auto appended = txn.AppendMessage(m);
    if (!appended.ok()) return appended.status();
    stored = appended->message;
    // The turn's questionnaire results go with its reply, or neither does.
    return StoreScreenings(txn, owner_id, conversation_id, fresh);
  });
  if (!st.ok()) {
    live_.Put(conversation_id, std::move(before));
    return st;
  }
  live->through_seq = stored.seq;
  live->results_seen = all_results.size();
  live_.Put(conversation_id, std::move(live));

  ReplyOut out = FromStored(stored);
  out.risk_level = r.risk_level;
  out.escalate = r.escalate;
  out.urgent = r.urgent;
  out.action = std::string(safety::ActionName(r.action));
  if (r.action != safety::Action::kContinue || r.escalate ||
      r.strategy == reply::Strategy::kCrisis) {
    const auto& region = engine_.resources().ForLocale(locale);
    out.emergency_number = region.EmergencyNumber();
    for (const auto& line : region.lines) {
      out.crisis_lines.push_back(
          {line.name, line.call, line.text, line.text_keyword, line.url, line.hours});
    }
  }
  return out;
}

}  // namespace haven::chat
