#include "storage/postgres/pg_store.h"

#include <ctime>
#include <utility>
#include <vector>

namespace haven::storage {
namespace {

using pg::Conn;
using pg::Migration;
using pg::Params;
using pg::Result;
using pg::Statement;

// Advisory lock keys (any constant bigint; these spell "havenmig" and "havenwri" in ASCII).
constexpr int64_t kMigrationLockKey = 0x686176656e6d6967;
constexpr int64_t kWriterLockKey = 0x686176656e777269;

// Numbered, append-only: never edit a released step, add the next one. Version 1 is SqliteStore's
// final schema (its versions 1 to 3) in PostgreSQL's types.
constexpr Migration kMigrations[] = {
    {1, "initial schema", R"sql(
CREATE TABLE accounts(
  id text COLLATE "C" PRIMARY KEY,
  kind smallint NOT NULL,
  created_at bigint NOT NULL,
  nickname bytea,
  recovery_hash text NOT NULL DEFAULT '',
  username text COLLATE "C" UNIQUE,
  role smallint NOT NULL DEFAULT 0,
  password_hash text NOT NULL DEFAULT '',
  totp_secret bytea,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until bigint NOT NULL DEFAULT 0,
  totp_last_step bigint NOT NULL DEFAULT 0);
CREATE TABLE sessions(
  token_hash bytea PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  last_seen bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked boolean NOT NULL DEFAULT false);
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE TABLE conversations(
  id text COLLATE "C" PRIMARY KEY,
  owner_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  state smallint NOT NULL,
  assigned_staff_id text COLLATE "C" REFERENCES accounts(id) ON DELETE SET NULL,
  bot_paused boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  last_seq bigint NOT NULL DEFAULT 0,
  queue_priority smallint NOT NULL DEFAULT 0,
  queued_at bigint NOT NULL DEFAULT 0,
  risk_level smallint NOT NULL DEFAULT 0,
  tags text NOT NULL DEFAULT '',
  outcome text NOT NULL DEFAULT '',
  closed_at bigint NOT NULL DEFAULT 0);
CREATE INDEX conversations_by_owner ON conversations(owner_id, created_at);
CREATE INDEX conversations_by_state ON conversations(state, created_at);
CREATE INDEX conversations_by_staff ON conversations(assigned_staff_id);
CREATE INDEX conversations_queued ON conversations(queue_priority) WHERE queue_priority > 0;
CREATE TABLE messages(
  id text COLLATE "C" PRIMARY KEY,
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  role smallint NOT NULL,
  client_message_id text COLLATE "C",
  text bytea NOT NULL,
  risk_level smallint,
  strategy text NOT NULL DEFAULT '',
  author_id text COLLATE "C" NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  rationale text NOT NULL DEFAULT '',
  UNIQUE(conversation_id, seq),
  UNIQUE(conversation_id, client_message_id));
CREATE TABLE notes(
  id text COLLATE "C" PRIMARY KEY,
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  author_id text COLLATE "C" NOT NULL,
  text bytea NOT NULL,
  created_at bigint NOT NULL);
CREATE INDEX notes_by_conversation ON notes(conversation_id, created_at);
CREATE TABLE screenings(
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  instrument text NOT NULL,
  payload bytea NOT NULL,
  created_at bigint NOT NULL);
CREATE INDEX screenings_by_account ON screenings(account_id, created_at);
CREATE TABLE consents(
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text COLLATE "C" NOT NULL,
  granted boolean NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY(account_id, kind));
CREATE TABLE feedback(
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_seq bigint NOT NULL,
  rating integer NOT NULL,
  comment bytea,
  created_at bigint NOT NULL,
  kind text NOT NULL DEFAULT 'rating',
  author_id text COLLATE "C" NOT NULL DEFAULT '',
  empathy smallint NOT NULL DEFAULT 0,
  safety smallint NOT NULL DEFAULT 0,
  helpfulness smallint NOT NULL DEFAULT 0,
  flagged boolean NOT NULL DEFAULT false);
CREATE INDEX feedback_by_conversation ON feedback(conversation_id, created_at);
CREATE INDEX feedback_by_account ON feedback(account_id);
CREATE TABLE review_items(
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_seq bigint NOT NULL,
  owner_id text COLLATE "C" NOT NULL,
  reason text NOT NULL,
  created_at bigint NOT NULL,
  done boolean NOT NULL DEFAULT false,
  reviewed_by text COLLATE "C" NOT NULL DEFAULT '',
  reviewed_at bigint NOT NULL DEFAULT 0,
  PRIMARY KEY(conversation_id, message_seq));
CREATE INDEX review_items_by_done ON review_items(done, created_at);
CREATE TABLE audit_log(
  seq bigint PRIMARY KEY,
  time bigint NOT NULL,
  actor text NOT NULL,
  subject text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  detail text NOT NULL,
  leaf_hash bytea NOT NULL,
  chain_hash bytea NOT NULL);
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
)sql"},
    {2, "messages: the guided activity kept with a reply", R"sql(
ALTER TABLE messages ADD COLUMN activity bytea;
)sql"},
};

#define TRY(expr)            \
  do {                       \
    Status _s = (expr);      \
    if (!_s.ok()) return _s; \
  } while (0)

Status BadLimit() { return InvalidArgument("a list limit must be positive"); }

// The columns ReadAccount reads, in its order.
#define ACCOUNT_COLUMNS                                                            \
  "id, kind, created_at, nickname, recovery_hash, username, role, password_hash, " \
  "totp_secret, failed_attempts, locked_until, totp_last_step"

Account ReadAccount(const Result& r, int i) {
  Account a;
  a.id = r.Bytes(i, 0);
  a.kind = static_cast<AccountKind>(r.Int(i, 1));
  a.created_at = r.Int(i, 2);
  a.nickname = r.OptBytes(i, 3);
  a.recovery_hash = r.Bytes(i, 4);
  a.username = r.Bytes(i, 5);
  a.role = static_cast<StaffRole>(r.Int(i, 6));
  a.password_hash = r.Bytes(i, 7);
  a.totp_secret = r.Bytes(i, 8);
  a.failed_attempts = static_cast<int>(r.Int(i, 9));
  a.locked_until = r.Int(i, 10);
  a.totp_last_step = r.Int(i, 11);
  return a;
}

#define SESSION_COLUMNS "token_hash, account_id, created_at, last_seen, expires_at, revoked"

Session ReadSession(const Result& r, int i) {
  Session s;
  s.token_hash = r.Bytes(i, 0);
  s.account_id = r.Bytes(i, 1);
  s.created_at = r.Int(i, 2);
  s.last_seen = r.Int(i, 3);
  s.expires_at = r.Int(i, 4);
  s.revoked = r.Bool(i, 5);
  return s;
}

// Conversation::tags in one column: joined by ',' (a valid tag has no comma); "" for none.
std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) {
    if (!out.empty()) out += ',';
    out += tag;
  }
  return out;
}

std::vector<std::string> SplitTags(std::string_view joined) {
  std::vector<std::string> tags;
  while (!joined.empty()) {
    size_t comma = joined.find(',');
    tags.emplace_back(joined.substr(0, comma));
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return tags;
}

#define CONVERSATION_COLUMNS                                                     \
  "id, owner_id, state, assigned_staff_id, bot_paused, created_at, updated_at, " \
  "queue_priority, queued_at, risk_level, tags, outcome, closed_at"

Conversation ReadConversation(const Result& r, int i) {
  Conversation c;
  c.id = r.Bytes(i, 0);
  c.owner_id = r.Bytes(i, 1);
  c.state = static_cast<ConversationState>(r.Int(i, 2));
  c.assigned_staff_id = r.OptBytes(i, 3);
  c.bot_paused = r.Bool(i, 4);
  c.created_at = r.Int(i, 5);
  c.updated_at = r.Int(i, 6);
  c.queue_priority = static_cast<int>(r.Int(i, 7));
  c.queued_at = r.Int(i, 8);
  c.risk_level = static_cast<RiskLevel>(r.Int(i, 9));
  c.tags = SplitTags(r.Bytes(i, 10));
  c.outcome = r.Bytes(i, 11);
  c.closed_at = r.Int(i, 12);
  return c;
}

#define MESSAGE_COLUMNS                                                                        \
  "id, conversation_id, seq, role, client_message_id, text, risk_level, strategy, author_id, " \
  "created_at, rationale, activity"

Message ReadMessage(const Result& r, int i) {
  Message m;
  m.id = r.Bytes(i, 0);
  m.conversation_id = r.Bytes(i, 1);
  m.seq = r.Int(i, 2);
  m.role = static_cast<MessageRole>(r.Int(i, 3));
  m.client_message_id = r.Bytes(i, 4);
  m.text = r.Bytes(i, 5);
  if (!r.IsNull(i, 6)) m.risk_level = static_cast<RiskLevel>(r.Int(i, 6));
  m.strategy = r.Bytes(i, 7);
  m.author_id = r.Bytes(i, 8);
  m.created_at = r.Int(i, 9);
  m.rationale = r.Bytes(i, 10);
  if (!r.IsNull(i, 11)) m.activity = r.Bytes(i, 11);
  return m;
}

#define FEEDBACK_COLUMNS                                                              \
  "id, account_id, conversation_id, message_seq, rating, comment, created_at, kind, " \
  "author_id, empathy, safety, helpfulness, flagged"

Feedback ReadFeedback(const Result& r, int i) {
  Feedback f;
  f.id = r.Bytes(i, 0);
  f.account_id = r.Bytes(i, 1);
  f.conversation_id = r.Bytes(i, 2);
  f.message_seq = r.Int(i, 3);
  f.rating = static_cast<int>(r.Int(i, 4));
  f.comment = r.Bytes(i, 5);
  f.created_at = r.Int(i, 6);
  f.kind = r.Bytes(i, 7);
  f.author_id = r.Bytes(i, 8);
  f.empathy = static_cast<int>(r.Int(i, 9));
  f.safety = static_cast<int>(r.Int(i, 10));
  f.helpfulness = static_cast<int>(r.Int(i, 11));
  f.flagged = r.Bool(i, 12);
  return f;
}

#define REVIEW_ITEM_COLUMNS \
  "conversation_id, message_seq, owner_id, reason, created_at, done, reviewed_by, reviewed_at"

ReviewItem ReadReviewItem(const Result& r, int i) {
  ReviewItem item;
  item.conversation_id = r.Bytes(i, 0);
  item.message_seq = r.Int(i, 1);
  item.owner_id = r.Bytes(i, 2);
  item.reason = r.Bytes(i, 3);
  item.created_at = r.Int(i, 4);
  item.done = r.Bool(i, 5);
  item.reviewed_by = r.Bytes(i, 6);
  item.reviewed_at = r.Int(i, 7);
  return item;
}

#define AUDIT_COLUMNS "seq, time, actor, subject, action, outcome, detail, leaf_hash, chain_hash"

AuditRecord ReadAudit(const Result& r, int i) {
  AuditRecord a;
  a.seq = r.Int(i, 0);
  a.time = r.Int(i, 1);
  a.actor = r.Bytes(i, 2);
  a.subject = r.Bytes(i, 3);
  a.action = r.Bytes(i, 4);
  a.outcome = r.Bytes(i, 5);
  a.detail = r.Bytes(i, 6);
  a.leaf_hash = r.Bytes(i, 7);
  a.chain_hash = r.Bytes(i, 8);
  return a;
}

// The updatable account fields, in the order of the statements below.
Params& AccountFields(Params& p, const Account& a) {
  p.OptBytes(a.nickname).Text(a.recovery_hash).TextOrNull(a.username);
  p.Int(static_cast<int>(a.role)).Text(a.password_hash).BytesOrNull(a.totp_secret);
  return p.Int(a.failed_attempts).Int(a.locked_until).Int(a.totp_last_step);
}

// The conversation's oversight fields, in the order of the statements below.
Params& OversightFields(Params& p, const Conversation& c) {
  p.Int(c.queue_priority).Int(c.queued_at).Int(static_cast<int>(c.risk_level));
  return p.Text(JoinTags(c.tags)).Text(c.outcome).Int(c.closed_at);
}

class PgTxn final : public Txn {
 public:
  explicit PgTxn(Conn& conn) : conn_(conn) {}

  Status CreateAccount(const Account& a) override {
    static constexpr Statement kInsert{"account.insert",
                                       "INSERT INTO accounts(" ACCOUNT_COLUMNS
                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"};
    if (a.id.empty()) return InvalidArgument("account id is empty");
    Params p;
    p.Text(a.id).Int(static_cast<int>(a.kind)).Int(a.created_at);
    return Write(kInsert, AccountFields(p, a));
  }
  StatusOr<Account> GetAccount(std::string_view id) override {
    static constexpr Statement kGet{"account.get",
                                    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = $1"};
    return One<Account>(kGet, Params().Text(id), ReadAccount, "account");
  }
  StatusOr<Account> FindStaffByUsername(std::string_view username) override {
    static constexpr Statement kFind{"account.find_staff",
                                     "SELECT " ACCOUNT_COLUMNS
                                     " FROM accounts WHERE username = $1 AND kind = 1"};
    return One<Account>(kFind, Params().Text(username), ReadAccount, "account");
  }
  Status UpdateAccount(const Account& a) override {
    static constexpr Statement kUpdate{
        "account.update",
        "UPDATE accounts SET nickname = $1, recovery_hash = $2, username = $3, role = $4, "
        "password_hash = $5, totp_secret = $6, failed_attempts = $7, locked_until = $8, "
        "totp_last_step = $9 WHERE id = $10"};
    Params p;
    AccountFields(p, a).Text(a.id);
    return WriteOne(kUpdate, p, "account");
  }
  Status DeleteAccount(std::string_view id) override {
    static constexpr Statement kDelete{"account.delete", "DELETE FROM accounts WHERE id = $1"};
    return WriteOne(kDelete, Params().Text(id), "account");
  }
  StatusOr<std::vector<std::string>> ListAccountIds() override {
    static constexpr Statement kList{"account.list_ids", "SELECT id FROM accounts ORDER BY id"};
    return All<std::string>(kList, Params(), [](const Result& r, int i) { return r.Bytes(i, 0); });
  }

  Status CreateSession(const Session& s) override {
    static constexpr Statement kInsert{
        "session.insert", "INSERT INTO sessions(" SESSION_COLUMNS ") VALUES($1,$2,$3,$4,$5,$6)"};
    if (s.token_hash.empty()) return InvalidArgument("session id is empty");
    Params p;
    p.Bytes(s.token_hash).Text(s.account_id).Int(s.created_at).Int(s.last_seen);
    p.Int(s.expires_at).Bool(s.revoked);
    return Write(kInsert, p);
  }
  StatusOr<Session> GetSession(std::string_view token_hash) override {
    static constexpr Statement kGet{
        "session.get", "SELECT " SESSION_COLUMNS " FROM sessions WHERE token_hash = $1"};
    return One<Session>(kGet, Params().Bytes(token_hash), ReadSession, "session");
  }
  Status TouchSession(std::string_view token_hash, UnixMillis last_seen) override {
    static constexpr Statement kTouch{"session.touch",
                                      "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2"};
    return WriteOne(kTouch, Params().Int(last_seen).Bytes(token_hash), "session");
  }
  Status RevokeSession(std::string_view token_hash) override {
    static constexpr Statement kRevoke{"session.revoke",
                                       "UPDATE sessions SET revoked = true WHERE token_hash = $1"};
    return WriteOne(kRevoke, Params().Bytes(token_hash), "session");
  }
  StatusOr<int> RevokeAccountSessions(std::string_view account_id) override {
    static constexpr Statement kRevokeAll{
        "session.revoke_account",
        "UPDATE sessions SET revoked = true WHERE account_id = $1 AND NOT revoked"};
    return Changed(kRevokeAll, Params().Text(account_id));
  }

  Status CreateConversation(const Conversation& c) override {
    static constexpr Statement kInsert{"conversation.insert",
                                       "INSERT INTO conversations(" CONVERSATION_COLUMNS
                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"};
    if (c.id.empty()) return InvalidArgument("conversation id is empty");
    TRY(ValidateOversightFields(c));
    Params p;
    p.Text(c.id).Text(c.owner_id).Int(static_cast<int>(c.state)).OptText(c.assigned_staff_id);
    p.Bool(c.bot_paused).Int(c.created_at).Int(c.updated_at);
    return Write(kInsert, OversightFields(p, c));
  }
  StatusOr<Conversation> GetConversation(std::string_view id) override {
    static constexpr Statement kGet{
        "conversation.get", "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = $1"};
    return One<Conversation>(kGet, Params().Text(id), ReadConversation, "conversation");
  }
  Status UpdateConversation(const Conversation& c) override {
    static constexpr Statement kUpdate{
        "conversation.update",
        "UPDATE conversations SET state = $1, assigned_staff_id = $2, bot_paused = $3, "
        "updated_at = $4, queue_priority = $5, queued_at = $6, risk_level = $7, tags = $8, "
        "outcome = $9, closed_at = $10 WHERE id = $11"};
    TRY(ValidateOversightFields(c));
    Params p;
    p.Int(static_cast<int>(c.state)).OptText(c.assigned_staff_id).Bool(c.bot_paused);
    p.Int(c.updated_at);
    OversightFields(p, c).Text(c.id);
    return WriteOne(kUpdate, p, "conversation");
  }
  StatusOr<std::vector<Conversation>> ListConversations(const ConversationQuery& cq) override {
    // Two texts, so that the queued list can use the partial index conversations_queued.
    static constexpr Statement kList{
        "conversation.list",
        "SELECT " CONVERSATION_COLUMNS
        " FROM conversations WHERE ($1::text IS NULL OR owner_id = $1::text) AND "
        "($2::smallint IS NULL OR state = $2::smallint) AND "
        "($3::text IS NULL OR assigned_staff_id = $3::text) ORDER BY created_at, id LIMIT $4"};
    static constexpr Statement kListQueued{
        "conversation.list_queued",
        "SELECT " CONVERSATION_COLUMNS
        " FROM conversations WHERE queue_priority > 0 AND "
        "($1::text IS NULL OR owner_id = $1::text) AND "
        "($2::smallint IS NULL OR state = $2::smallint) AND "
        "($3::text IS NULL OR assigned_staff_id = $3::text) ORDER BY created_at, id LIMIT $4"};
    if (cq.limit <= 0) return BadLimit();
    Params p;
    p.OptText(cq.owner_id);
    if (cq.state) {
      p.Int(static_cast<int>(*cq.state));
    } else {
      p.Null();
    }
    p.OptText(cq.assigned_staff_id).Int(cq.limit);
    return All<Conversation>(cq.queued_only ? kListQueued : kList, p, ReadConversation);
  }

  StatusOr<AppendResult> AppendMessage(const Message& m) override {
    static constexpr Statement kFindDuplicate{
        "message.find_client_id",
        "SELECT " MESSAGE_COLUMNS
        " FROM messages WHERE conversation_id = $1 AND client_message_id = $2"};
    static constexpr Statement kNextSeq{
        "message.next_seq",
        "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq"};
    static constexpr Statement kInsert{"message.insert",
                                       "INSERT INTO messages(" MESSAGE_COLUMNS
                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"};
    if (m.id.empty()) return InvalidArgument("message id is empty");
    // One savepoint for the sequence and the row: a refused insert gives the number back.
    return Atomically([&]() -> StatusOr<AppendResult> {
      if (!m.client_message_id.empty()) {
        auto found =
            One<Message>(kFindDuplicate, Params().Text(m.conversation_id).Text(m.client_message_id),
                         ReadMessage, "message");
        if (found.ok()) return AppendResult{std::move(found).value(), true};
        if (found.status().code() != StatusCode::kNotFound) return found.status();
      }
      auto seq = One<int64_t>(
          kNextSeq, Params().Text(m.conversation_id),
          [](const Result& r, int i) { return r.Int(i, 0); }, "conversation");
      if (!seq.ok()) return seq.status();
      Params p;
      p.Text(m.id).Text(m.conversation_id).Int(*seq).Int(static_cast<int>(m.role));
      p.TextOrNull(m.client_message_id).Bytes(m.text);
      if (m.risk_level) {
        p.Int(static_cast<int>(*m.risk_level));
      } else {
        p.Null();
      }
      p.Text(m.strategy).Text(m.author_id).Int(m.created_at).Text(m.rationale);
      p.BytesOrNull(m.activity);
      if (auto r = conn_.Run(kInsert, p); !r.ok()) return r.status();
      Message stored = m;
      stored.seq = *seq;
      return AppendResult{std::move(stored), false};
    });
  }
  StatusOr<std::vector<Message>> ListMessages(std::string_view conversation_id, int64_t after_seq,
                                              int limit) override {
    static constexpr Statement kList{"message.list",
                                     "SELECT " MESSAGE_COLUMNS
                                     " FROM messages WHERE conversation_id = $1 AND seq > $2 "
                                     "ORDER BY seq LIMIT $3"};
    if (limit <= 0) return BadLimit();
    return All<Message>(kList, Params().Text(conversation_id).Int(after_seq).Int(limit),
                        ReadMessage);
  }
  StatusOr<int> DeleteMessagesBefore(std::string_view conversation_id, UnixMillis before) override {
    static constexpr Statement kDelete{
        "message.delete_before",
        "DELETE FROM messages WHERE conversation_id = $1 AND created_at < $2"};
    return Changed(kDelete, Params().Text(conversation_id).Int(before));
  }

  Status AddNote(const Note& n) override {
    static constexpr Statement kInsert{
        "note.insert",
        "INSERT INTO notes(id, conversation_id, author_id, text, created_at) "
        "VALUES($1,$2,$3,$4,$5)"};
    if (n.id.empty()) return InvalidArgument("note id is empty");
    return Write(kInsert, Params()
                              .Text(n.id)
                              .Text(n.conversation_id)
                              .Text(n.author_id)
                              .Bytes(n.text)
                              .Int(n.created_at));
  }
  StatusOr<std::vector<Note>> ListNotes(std::string_view conversation_id) override {
    static constexpr Statement kList{
        "note.list",
        "SELECT id, conversation_id, author_id, text, created_at FROM notes "
        "WHERE conversation_id = $1 ORDER BY created_at, id"};
    return All<Note>(kList, Params().Text(conversation_id), [](const Result& r, int i) {
      return Note{r.Bytes(i, 0), r.Bytes(i, 1), r.Bytes(i, 2), r.Bytes(i, 3), r.Int(i, 4)};
    });
  }
  Status AddScreening(const ScreeningResult& s) override {
    static constexpr Statement kInsert{
        "screening.insert",
        "INSERT INTO screenings(id, account_id, instrument, payload, created_at) "
        "VALUES($1,$2,$3,$4,$5)"};
    if (s.id.empty()) return InvalidArgument("screening id is empty");
    return Write(kInsert, Params()
                              .Text(s.id)
                              .Text(s.account_id)
                              .Text(s.instrument)
                              .Bytes(s.payload)
                              .Int(s.created_at));
  }
  StatusOr<std::vector<ScreeningResult>> ListScreenings(std::string_view account_id) override {
    static constexpr Statement kList{
        "screening.list",
        "SELECT id, account_id, instrument, payload, created_at FROM screenings "
        "WHERE account_id = $1 ORDER BY created_at, id"};
    return All<ScreeningResult>(kList, Params().Text(account_id), [](const Result& r, int i) {
      return ScreeningResult{r.Bytes(i, 0), r.Bytes(i, 1), r.Bytes(i, 2), r.Bytes(i, 3),
                             r.Int(i, 4)};
    });
  }
  StatusOr<ScreeningResult> GetScreening(std::string_view account_id,
                                         std::string_view id) override {
    static constexpr Statement kGet{
        "screening.get",
        "SELECT id, account_id, instrument, payload, created_at FROM screenings "
        "WHERE id = $1 AND account_id = $2"};
    return One<ScreeningResult>(
        kGet, Params().Text(id).Text(account_id),
        [](const Result& r, int i) {
          return ScreeningResult{r.Bytes(i, 0), r.Bytes(i, 1), r.Bytes(i, 2), r.Bytes(i, 3),
                                 r.Int(i, 4)};
        },
        "screening");
  }
  StatusOr<int> DeleteScreeningsBefore(std::string_view account_id, UnixMillis before) override {
    static constexpr Statement kDelete{
        "screening.delete_before",
        "DELETE FROM screenings WHERE account_id = $1 AND created_at < $2"};
    return Changed(kDelete, Params().Text(account_id).Int(before));
  }

  Status SetConsent(const Consent& c) override {
    static constexpr Statement kUpsert{
        "consent.upsert",
        "INSERT INTO consents(account_id, kind, granted, updated_at) VALUES($1,$2,$3,$4) "
        "ON CONFLICT(account_id, kind) DO UPDATE SET granted = excluded.granted, "
        "updated_at = excluded.updated_at"};
    if (c.kind.empty()) return InvalidArgument("consent kind is empty");
    return Write(kUpsert,
                 Params().Text(c.account_id).Text(c.kind).Bool(c.granted).Int(c.updated_at));
  }
  StatusOr<std::vector<Consent>> ListConsents(std::string_view account_id) override {
    static constexpr Statement kList{
        "consent.list",
        "SELECT account_id, kind, granted, updated_at FROM consents WHERE account_id = $1 "
        "ORDER BY kind"};
    return All<Consent>(kList, Params().Text(account_id), [](const Result& r, int i) {
      return Consent{r.Bytes(i, 0), r.Bytes(i, 1), r.Bool(i, 2), r.Int(i, 3)};
    });
  }
  Status AddFeedback(const Feedback& f) override {
    static constexpr Statement kInsert{"feedback.insert",
                                       "INSERT INTO feedback(" FEEDBACK_COLUMNS
                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"};
    if (f.id.empty()) return InvalidArgument("feedback id is empty");
    Params p;
    p.Text(f.id).Text(f.account_id).Text(f.conversation_id).Int(f.message_seq).Int(f.rating);
    p.Bytes(f.comment).Int(f.created_at).Text(f.kind).Text(f.author_id).Int(f.empathy);
    p.Int(f.safety).Int(f.helpfulness).Bool(f.flagged);
    return Write(kInsert, p);
  }
  StatusOr<std::vector<Feedback>> ListFeedback(std::string_view conversation_id) override {
    static constexpr Statement kList{"feedback.list", "SELECT " FEEDBACK_COLUMNS
                                                      " FROM feedback WHERE conversation_id = $1 "
                                                      "ORDER BY created_at, id"};
    return All<Feedback>(kList, Params().Text(conversation_id), ReadFeedback);
  }

  Status AddReviewItem(const ReviewItem& r) override {
    static constexpr Statement kInsert{"review_item.insert",
                                       "INSERT INTO review_items(" REVIEW_ITEM_COLUMNS
                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8)"};
    if (r.conversation_id.empty()) return InvalidArgument("conversation id is empty");
    Params p;
    p.Text(r.conversation_id).Int(r.message_seq).Text(r.owner_id).Text(r.reason);
    p.Int(r.created_at).Bool(r.done).Text(r.reviewed_by).Int(r.reviewed_at);
    return Write(kInsert, p);
  }
  StatusOr<std::vector<ReviewItem>> ListReviewItems(bool done, int limit) override {
    static constexpr Statement kList{"review_item.list",
                                     "SELECT " REVIEW_ITEM_COLUMNS
                                     " FROM review_items WHERE done = $1 "
                                     "ORDER BY created_at, conversation_id, message_seq LIMIT $2"};
    if (limit <= 0) return BadLimit();
    return All<ReviewItem>(kList, Params().Bool(done).Int(limit), ReadReviewItem);
  }
  Status CompleteReviewItem(std::string_view conversation_id, int64_t message_seq,
                            std::string_view reviewed_by, UnixMillis reviewed_at) override {
    static constexpr Statement kComplete{
        "review_item.complete",
        "UPDATE review_items SET done = true, reviewed_by = $1, reviewed_at = $2 "
        "WHERE conversation_id = $3 AND message_seq = $4"};
    return WriteOne(
        kComplete,
        Params().Text(reviewed_by).Int(reviewed_at).Text(conversation_id).Int(message_seq),
        "review item");
  }

  StatusOr<std::optional<AuditRecord>> LastAuditRecord() override {
    static constexpr Statement kLast{
        "audit.last", "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq DESC LIMIT 1"};
    auto r = One<AuditRecord>(kLast, Params(), ReadAudit, "audit entry");
    if (r.ok()) return std::optional<AuditRecord>(std::move(r).value());
    if (r.status().code() == StatusCode::kNotFound) return std::optional<AuditRecord>();
    return r.status();
  }
  Status InsertAuditRecord(const AuditRecord& a) override {
    static constexpr Statement kMax{"audit.max_seq", "SELECT COALESCE(MAX(seq), 0) FROM audit_log"};
    static constexpr Statement kInsert{"audit.insert", "INSERT INTO audit_log(" AUDIT_COLUMNS
                                                       ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)"};
    // The writer lock (Transact) makes "last + 1" hold until commit.
    auto max = One<int64_t>(
        kMax, Params(), [](const Result& r, int i) { return r.Int(i, 0); }, "audit");
    if (!max.ok()) return max.status();
    if (a.seq != *max + 1) return FailedPrecondition("audit entry out of sequence");
    Params p;
    p.Int(a.seq).Int(a.time).Text(a.actor).Text(a.subject).Text(a.action).Text(a.outcome);
    p.Text(a.detail).Bytes(a.leaf_hash).Bytes(a.chain_hash);
    return Write(kInsert, p);
  }
  StatusOr<std::vector<AuditRecord>> ListAuditRecords(int64_t after_seq, int limit) override {
    static constexpr Statement kList{"audit.list",
                                     "SELECT " AUDIT_COLUMNS
                                     " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"};
    if (limit <= 0) return BadLimit();
    return All<AuditRecord>(kList, Params().Int(after_seq).Int(limit), ReadAudit);
  }

 private:
  // Runs `f` (a Status or StatusOr returning function) under a savepoint and rolls back to it
  // when `f` fails, so that a refused statement leaves the transaction usable (as a failed
  // statement does in SQLite) and takes back everything `f` wrote. The previous savepoint is
  // released in the same round trip as the new one is set.
  template <typename F>
  auto Atomically(F&& f) -> decltype(f()) {
    if (Status s = conn_.Exec(savepoint_ ? "RELEASE SAVEPOINT haven_stmt; SAVEPOINT haven_stmt"
                                         : "SAVEPOINT haven_stmt",
                              "savepoint");
        !s.ok()) {
      return s;
    }
    savepoint_ = true;
    auto result = f();
    if (!result.ok()) (void)conn_.Exec("ROLLBACK TO SAVEPOINT haven_stmt", "rollback statement");
    return result;
  }
  // One statement under a savepoint.
  Status Write(const Statement& stmt, const Params& p) {
    return Atomically([&]() -> Status { return conn_.Run(stmt, p).status(); });
  }
  // One statement under a savepoint that must touch a row: NotFound(what) when none.
  Status WriteOne(const Statement& stmt, const Params& p, std::string_view what) {
    return Atomically([&]() -> Status {
      auto r = conn_.Run(stmt, p);
      if (!r.ok()) return r.status();
      if (r->affected() == 0) return NotFound(std::string(what) + " not found");
      return Status::Ok();
    });
  }
  // One statement under a savepoint; how many rows it touched.
  StatusOr<int> Changed(const Statement& stmt, const Params& p) {
    return Atomically([&]() -> StatusOr<int> {
      auto r = conn_.Run(stmt, p);
      if (!r.ok()) return r.status();
      return static_cast<int>(r->affected());
    });
  }
  // Every row of a query, read with `read(result, row)`.
  template <typename T, typename F>
  StatusOr<std::vector<T>> All(const Statement& stmt, const Params& p, F read) {
    auto r = conn_.Run(stmt, p);
    if (!r.ok()) return r.status();
    std::vector<T> out;
    out.reserve(r->rows());
    for (int i = 0; i < r->rows(); ++i) out.push_back(read(*r, i));
    return out;
  }
  // The first row of a query, or NotFound(what).
  template <typename T, typename F>
  StatusOr<T> One(const Statement& stmt, const Params& p, F read, std::string_view what) {
    auto r = conn_.Run(stmt, p);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(std::string(what) + " not found");
    return read(*r, 0);
  }

  Conn& conn_;
  bool savepoint_ = false;  // haven_stmt is set (and not released)
};

// BEGIN, then the writer lock, in one round trip.
//
// The first increment's choice: every unit of work, in every process, takes the same
// transaction-level advisory lock, so units of work on one database run one at a time, as they
// do in SQLite (BEGIN IMMEDIATE). It is simple and correct for the two things the contract needs
// a serial order for: the audit chain ("seq must be last + 1", each entry hashing the previous
// head) and each conversation's message sequence. Finer locks (per conversation, with the audit
// append alone serialised) can come when one database serves enough processes to need them.
Status Begin(Conn& conn) {
  static const std::string kBegin =
      "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLockKey) + ")";
  return conn.Exec(kBegin.c_str(), "begin");
}

}  // namespace

StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo,
                                                             int pool_size) {
  auto pool = pg::Pool::Open(conninfo, pool_size);
  if (!pool.ok()) return pool.status();
  {
    auto conn = (*pool)->Acquire();
    if (!conn.ok()) return conn.status();
    TRY(pg::Migrate(**conn, kMigrations, kMigrationLockKey, std::time(nullptr)));
  }
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(pool).value()));
}

PostgresStore::~PostgresStore() = default;

int PostgresStore::LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

Status PostgresStore::Transact(const std::function<Status(Txn&)>& fn) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  Conn& conn = **lease;
  Status s = Begin(conn);
  if (!s.ok() && conn.Broken()) {
    // The server closed the connection while it sat in the pool (a restart, a failover, an
    // idle timeout): nothing of this unit of work has run, so reconnect and begin again.
    TRY(conn.Reset());
    s = Begin(conn);
  }
  if (!s.ok()) return s;
  PgTxn txn(conn);
  s = fn(txn);
  if (s.ok() && conn.InFailedTransaction()) {
    // A statement failed outside a savepoint and the function carried on: COMMIT would roll
    // back silently, so say so.
    s = Internal("postgres: a statement failed; the unit of work was rolled back");
  }
  if (s.ok()) {
    s = conn.Exec("COMMIT", "commit");
  } else if (!conn.Broken()) {
    (void)conn.Exec("ROLLBACK", "rollback");
  }
  return s;  // the lease hands the connection back (reset first if it is not idle)
}

}  // namespace haven::storage
