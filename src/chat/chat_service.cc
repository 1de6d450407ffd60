#include "chat/chat_service.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "chat/oversight.h"
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
constexpr int kPage = 200;  // messages read per ListMessages call when paging

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

std::string ReplyKey(std::string_view client_id) {
  std::string key = kReplyKeyPrefix;
  key.append(client_id);
  return key;
}

// The engine's reasons as one stored string (Message::rationale): comma-separated, none dropped
// but one with a comma in it.
std::string JoinReasons(const std::vector<std::string>& why) {
  std::string out;
  for (const auto& w : why) {
    if (w.empty() || w.find(',') != std::string::npos) continue;
    if (!out.empty()) out.push_back(',');
    out += w;
  }
  return out;
}

// The latest PHQ-9 item 9 answer of the conversation, for the escalation policy: the answer
// 0..3, or 3 when it was endorsed without a frequency (unscored: when unsure, escalate).
std::optional<int> LatestItem9(const std::vector<reply::ScreeningResult>& results) {
  for (auto it = results.rbegin(); it != results.rend(); ++it) {
    if (it->instrument != reply::Instrument::kPhq9) continue;
    if (it->answers.size() >= 9) return it->answers[8];
    if (it->item9_positive) return 3;
  }
  return std::nullopt;
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
    bool held = false;  // a person has the conversation, or the policy paused the bot
    for (auto it = convs->rbegin(); it != convs->rend(); ++it) {
      if (it->state != storage::ConversationState::kClosed) {
        s.conversation_id = it->id;
        held =
            oversight_ && (it->state == storage::ConversationState::kWithStaff || it->bot_paused);
        if (it->state == storage::ConversationState::kWithStaff && it->assigned_staff_id) {
          auto staff = txn.GetAccount(*it->assigned_staff_id);
          if (staff.ok()) s.staff_name = staff->username;
        }
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
    std::map<std::string, std::string> names;  // staff account -> username
    for (const auto& m : *msgs) {
      s.history.push_back(
          {m.seq, RoleName(m.role), m.text, m.client_message_id, m.strategy, m.created_at, ""});
      if (m.role == MessageRole::kStaff && !m.author_id.empty()) {
        auto [it, fresh] = names.try_emplace(m.author_id);
        if (fresh) {
          auto staff = txn.GetAccount(m.author_id);
          if (staff.ok()) it->second = staff->username;
        }
        s.history.back().author_name = it->second;
      }
    }
    if (held) return Status::Ok();
    // The last message: the history's when it ends the conversation; read on otherwise (from
    // the one before after_seq when the history is empty: the client saw the last message).
    std::optional<storage::Message> last;
    if (!msgs->empty()) last = msgs->back();
    if (msgs->empty() || msgs->size() >= static_cast<size_t>(max_history)) {
      int64_t from = msgs->empty() ? std::max<int64_t>(after_seq - 1, 0) : msgs->back().seq;
      for (;;) {
        auto more = txn.ListMessages(s.conversation_id, from, kPage);
        if (!more.ok()) return more.status();
        if (more->empty()) break;
        last = std::move(more->back());
        if (more->size() < static_cast<size_t>(kPage)) break;
        from = last->seq;
      }
    }
    if (last && last->role == MessageRole::kUser && !last->client_message_id.empty()) {
      s.unanswered_id = last->client_message_id;
      s.unanswered_text = std::move(last->text);
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
                                       std::string_view locale, const OnStored& on_stored) {
  if (!IsValidClientId(client_message_id, options_.max_client_id_bytes)) {
    return InvalidArgument("bad_client_id");
  }
  if (text.size() > options_.max_text_bytes) return InvalidArgument("too_large");
  if (!IsValidUtf8(text)) return InvalidArgument("invalid_utf8");
  if (IsBlank(text)) return InvalidArgument("empty");
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
  bool held = false;
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
    // A person has the conversation, or the policy paused the bot: the bot stays silent.
    held =
        oversight_ && (conv->state == storage::ConversationState::kWithStaff || conv->bot_paused);
    if (!appended->duplicate) {
      conv->updated_at = m.created_at;
      // A closed case opens again when the person writes: the conversation goes on.
      if (conv->state == storage::ConversationState::kClosed) {
        conv->state = storage::ConversationState::kActive;
      }
      return txn.UpdateConversation(*conv);
    }
    if (held) return Status::Ok();
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
  if (on_stored) on_stored(result.ack);
  if (earlier_reply) return result;  // answered before: the same ack, no second reply
  if (held) {
    result.held = true;
    if (!result.ack.duplicate) {
      Status h = Hold(session, m, result.ack.seq);
      if (!h.ok()) return h;
    }
    return result;
  }

  auto reply = Answer(session.conversation_id, session.account_id, result.ack.seq,
                      client_message_id, locale);
  if (!reply.ok()) return reply.status();
  result.reply = std::move(reply).value();
  result.queue_position = result.reply->queue_position;
  return result;
}

Status ChatService::Hold(const SeekerSession& session, const storage::Message& message,
                         int64_t seq) {
  TurnFacts facts;
  facts.analysis = engine_.analyzer().Analyze(message.text);
  facts.effective_level = facts.analysis.risk.level;
  TurnEffects fx;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto conv = txn.GetConversation(session.conversation_id);
    if (!conv.ok()) return conv.status();
    auto applied = oversight_->ApplyTurn(txn, *conv, facts, 0);
    if (!applied.ok()) return applied.status();
    fx = std::move(applied).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  LiveMessage lm;
  lm.seq = seq;
  lm.role = MessageRole::kUser;
  lm.text = message.text;
  lm.time = message.created_at;
  lm.client_message_id = message.client_message_id;
  lm.analysis = std::make_shared<const nlp::Analysis>(std::move(facts.analysis));
  oversight_->Publish(fx, {lm});
  return Status::Ok();
}

StatusOr<int> ChatService::RequestHuman(const SeekerSession& session) {
  if (!oversight_) return FailedPrecondition("no_oversight");
  const UnixMillis now = Now();
  TurnEffects fx;
  int priority = 0;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto live = LiveSession(txn, session.token, now);
    if (!live.ok()) return live.status();
    if (live->account_id != session.account_id) return NotFound("session not found or expired");
    auto conv = txn.GetConversation(session.conversation_id);
    if (!conv.ok()) return conv.status();
    if (conv->owner_id != session.account_id) return NotFound("conversation not found");
    if (conv->state == storage::ConversationState::kWithStaff) return Status::Ok();
    auto queued = oversight_->RequestHuman(txn, *conv, fx);
    if (!queued.ok()) return queued.status();
    priority = *queued;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (priority == 0) return 0;
  oversight_->Publish(fx, {});
  return oversight_->QueuePosition(session.conversation_id);
}

StatusOr<ReplyOut> ChatService::Answer(const std::string& conversation_id,
                                       const std::string& owner_id, int64_t user_seq,
                                       std::string_view client_id, std::string_view locale) {
  // The engine's state of this conversation: kept from the turn before when it has taken in
  // every message up to the one before the user's (live_conversations.h), or rebuilt from the
  // window of stored messages (and the guided activity stored with the latest reply).
  std::unique_ptr<LiveConversation> live = live_.Take(conversation_id, user_seq - 1, locale);
  if (live && live->conversation->state().user_turns() > kMaxLiveTurns) {
    // A long conversation starts again from its window, at a moment without a guided activity,
    // so that memory stays bounded.
    const auto& act = live->conversation->state().activity();
    if (!act.flow && !act.screening && !act.screening_offer) live.reset();
  }
  // The context: with a kept state, the message before the user's (to check that it is still
  // there: seqs are consecutive within a conversation) and the user's; else the stored messages
  // up to the user's, at most history_turns of them.
  std::vector<storage::Message> window;
  std::optional<storage::Conversation> conversation;  // for the escalation policy's safest mode
  Status st = store_.Transact([&](Txn& txn) -> Status {
    window.clear();
    if (oversight_) {
      auto c = txn.GetConversation(conversation_id);
      if (!c.ok()) return c.status();
      conversation = std::move(c).value();
    }
    if (live) {
      auto last = txn.ListMessages(conversation_id, user_seq - 2, 2);
      if (!last.ok()) return last.status();
      if (last->size() == 2 && (*last)[0].seq == user_seq - 1 && (*last)[1].seq == user_seq) {
        window = std::move(last).value();
        return Status::Ok();
      }
    }
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
  if (live && before_seq != live->through_seq) live.reset();  // the message before is gone
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
      // Haven's risk levels since a person of the team last handed back (the escalation
      // policy's trajectory).
      if (x.role == MessageRole::kSystem && x.strategy == kHandBackMarker) {
        live->earlier_levels.clear();
      } else if (x.role == MessageRole::kAssistant && x.risk_level) {
        live->earlier_levels.emplace_back(x.seq, *x.risk_level);
      }
    }
    // The guided activity kept with Haven's latest reply goes on, unless a person of the team
    // wrote or handed back since (as in memory, where their messages end the entry). A kept
    // state that does not open is dropped: the conversation goes on without it.
    for (size_t i = window.size() - 1; i-- > 0;) {
      const storage::Message& x = window[i];
      if (x.role == MessageRole::kStaff || x.role == MessageRole::kSystem) break;
      if (x.role != MessageRole::kAssistant) continue;
      if (!x.activity.empty()) (void)live->conversation->RestoreActivity(x.activity);
      break;
    }
    live->results_seen = live->conversation->screening_results().size();
  } else {
    // The levels of the messages that have left the window.
    const int64_t from = user_seq - options_.history_turns;
    auto& levels = live->earlier_levels;
    levels.erase(levels.begin(), std::find_if(levels.begin(), levels.end(),
                                              [from](const auto& l) { return l.first > from; }));
  }
  // Screening results are stamped with message seqs: started_at is the seq of the message that
  // started the administration, which names it for good (StoreScreenings).
  live->conversation->set_now(user_seq);
  // The escalation policy's safest mode: no guided activity while the person waits for someone.
  const bool safest = oversight_ && conversation && oversight_->SafestMode(*conversation);
  live->conversation->set_guided(!safest);
  // The state before this turn, kept if the turn fails, so that its retry answers the same way.
  auto before = std::make_unique<LiveConversation>();
  before->conversation = std::make_unique<reply::Conversation>(*live->conversation);
  before->account_id = live->account_id;
  before->locale = live->locale;
  before->through_seq = before_seq;
  before->results_seen = live->results_seen;
  before->earlier_levels = live->earlier_levels;
  nlp::Analysis analysis;  // the user's message, for the escalation policy
  const reply::Reply r = live->conversation->Send(window.back().text, &analysis);
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
  m.rationale = JoinReasons(r.why);
  m.activity = live->conversation->SaveActivity();
  m.created_at = Now();
  // What the escalation policy reads (chat/oversight.h).
  TurnFacts facts;
  if (oversight_) {
    facts.analysis = std::move(analysis);
    facts.effective_level = r.risk_level;
    facts.action = r.action;
    facts.urgent = r.urgent;
    for (const auto& [seq, level] : live->earlier_levels) facts.earlier_levels.push_back(level);
    facts.phq9_item9 = LatestItem9(all_results);
  }
  TurnEffects fx;
  storage::Message stored;
  st = store_.Transact([&](Txn& txn) -> Status {
    auto appended = txn.AppendMessage(m);
    if (!appended.ok()) return appended.status();
    stored = appended->message;
    // The turn's questionnaire results go with its reply, or neither does.
    if (Status s = StoreScreenings(txn, owner_id, conversation_id, fresh); !s.ok()) return s;
    if (!oversight_) return Status::Ok();
    // So do its escalation: the queue, the risk level, the review queue.
    auto conv = txn.GetConversation(conversation_id);
    if (!conv.ok()) return conv.status();
    auto applied = oversight_->ApplyTurn(txn, *conv, facts, stored.seq);
    if (!applied.ok()) return applied.status();
    fx = std::move(applied).value();
    return Status::Ok();
  });
  if (!st.ok()) {
    live_.Put(conversation_id, std::move(before));
    return st;
  }
  live->through_seq = stored.seq;
  live->results_seen = all_results.size();
  if (stored.risk_level) live->earlier_levels.emplace_back(stored.seq, *stored.risk_level);
  live_.Put(conversation_id, std::move(live));

  if (oversight_) {
    LiveMessage user;
    user.seq = user_seq;
    user.role = MessageRole::kUser;
    user.text = window.back().text;
    user.time = window.back().created_at;
    user.client_message_id = window.back().client_message_id;
    user.analysis = std::make_shared<const nlp::Analysis>(std::move(facts.analysis));
    LiveMessage bot;
    bot.seq = stored.seq;
    bot.role = MessageRole::kAssistant;
    bot.text = stored.text;
    bot.time = stored.created_at;
    bot.strategy = stored.strategy;
    bot.why = r.why;
    oversight_->Publish(fx, {user, bot});
  }
  ReplyOut out = FromStored(stored);
  if (oversight_ && fx.queued) {
    auto position = oversight_->QueuePosition(conversation_id);
    if (position.ok()) out.queue_position = *position;
  }
  out.risk_level = r.risk_level;
  out.escalate = r.escalate;
  out.urgent = r.urgent;
  out.action = std::string(safety::ActionName(r.action));
  if (r.action != safety::Action::kContinue || r.escalate ||
      r.strategy == reply::Strategy::kCrisis || fx.decision.show_crisis_resources || safest ||
      (oversight_ && fx.decision.safest_mode)) {
    ReplyOut lines = ResourcesFor(locale);
    out.emergency_number = std::move(lines.emergency_number);
    out.crisis_lines = std::move(lines.crisis_lines);
  }
  return out;
}

ReplyOut ChatService::ResourcesFor(std::string_view locale) const {
  ReplyOut out;
  const auto& region =
      engine_.resources().ForLocale(locale.empty() ? options_.default_locale : locale);
  out.emergency_number = region.EmergencyNumber();
  for (const auto& line : region.lines) {
    out.crisis_lines.push_back(
        {line.name, line.call, line.text, line.text_keyword, line.url, line.hours});
  }
  return out;
}

}  // namespace haven::chat
