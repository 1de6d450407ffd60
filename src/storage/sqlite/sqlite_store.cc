#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <ctime>
#include <exception>
#include <utility>
#include <vector>

namespace haven::storage {
namespace {

using sqlite::Db;
using sqlite::Migration;
using sqlite::Stmt;

// Numbered, append-only: never edit a released step, add the next one.
constexpr Migration kMigrations[] = {
    {1, "initial schema", R"sql(
CREATE TABLE accounts(
  id TEXT PRIMARY KEY,
  kind INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  nickname BLOB,
  recovery_hash TEXT NOT NULL DEFAULT '',
  username TEXT UNIQUE,
  role INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL DEFAULT '',
  totp_secret BLOB,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sessions(
  token_hash BLOB PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE TABLE conversations(
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  state INTEGER NOT NULL,
  assigned_staff_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
  bot_paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX conversations_by_owner ON conversations(owner_id, created_at);
CREATE INDEX conversations_by_state ON conversations(state, created_at);
CREATE INDEX conversations_by_staff ON conversations(assigned_staff_id);
CREATE TABLE messages(
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role INTEGER NOT NULL,
  client_message_id TEXT,
  text BLOB NOT NULL,
  risk_level INTEGER,
  strategy TEXT NOT NULL DEFAULT '',
  author_id TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  UNIQUE(conversation_id, seq),
  UNIQUE(conversation_id, client_message_id));
CREATE TABLE notes(
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  author_id TEXT NOT NULL,
  text BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX notes_by_conversation ON notes(conversation_id, created_at);
CREATE TABLE screenings(
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  instrument TEXT NOT NULL,
  payload BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX screenings_by_account ON screenings(account_id, created_at);
CREATE TABLE consents(
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  granted INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(account_id, kind));
CREATE TABLE feedback(
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_seq INTEGER NOT NULL,
  rating INTEGER NOT NULL,
  comment BLOB,
  created_at INTEGER NOT NULL);
CREATE INDEX feedback_by_conversation ON feedback(conversation_id, created_at);
CREATE INDEX feedback_by_account ON feedback(account_id);
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  subject TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  leaf_hash BLOB NOT NULL,
  chain_hash BLOB NOT NULL);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    {2, "staff totp last step", R"sql(
ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
)sql"},
    {3, "oversight: queue, tags, outcome, rationale, reviews", R"sql(
ALTER TABLE conversations ADD COLUMN queue_priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN risk_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_queued ON conversations(queue_priority) WHERE queue_priority > 0;
ALTER TABLE messages ADD COLUMN rationale TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN kind TEXT NOT NULL DEFAULT 'rating';
ALTER TABLE feedback ADD COLUMN author_id TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN empathy INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback ADD COLUMN safety INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback ADD COLUMN helpfulness INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
CREATE TABLE review_items(
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_seq INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  reviewed_by TEXT NOT NULL DEFAULT '',
  reviewed_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(conversation_id, message_seq));
CREATE INDEX review_items_by_done ON review_items(done, created_at);
)sql"},
    {4, "messages: the guided activity kept with a reply", R"sql(
ALTER TABLE messages ADD COLUMN activity BLOB;
)sql"},
};

#define TRY(expr)            \
  do {                       \
    Status _s = (expr);      \
    if (!_s.ok()) return _s; \
  } while (0)

#define TRY_PREPARE(var, sql)                   \
  auto var##_or = db_.Prepare(sql);             \
  if (!var##_or.ok()) return var##_or.status(); \
  Stmt& var = **var##_or

Status BadLimit() { return InvalidArgument("a list limit must be positive"); }

Account ReadAccount(const Stmt& q) {
  Account a;
  a.id = q.ColText(0);
  a.kind = static_cast<AccountKind>(q.ColInt(1));
  a.created_at = q.ColInt(2);
  if (!q.ColIsNull(3)) a.nickname = q.ColBlob(3);
  a.recovery_hash = q.ColText(4);
  a.username = q.ColText(5);
  a.role = static_cast<StaffRole>(q.ColInt(6));
  a.password_hash = q.ColText(7);
  a.totp_secret = q.ColBlob(8);
  a.failed_attempts = static_cast<int>(q.ColInt(9));
  a.locked_until = q.ColInt(10);
  a.totp_last_step = q.ColInt(11);
  return a;
}

Session ReadSession(const Stmt& q) {
  Session s;
  s.token_hash = q.ColBlob(0);
  s.account_id = q.ColText(1);
  s.created_at = q.ColInt(2);
  s.last_seen = q.ColInt(3);
  s.expires_at = q.ColInt(4);
  s.revoked = q.ColInt(5) != 0;
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

// The columns ReadConversation reads, in its order.
#define CONVERSATION_COLUMNS                                                     \
  "id, owner_id, state, assigned_staff_id, bot_paused, created_at, updated_at, " \
  "queue_priority, queued_at, risk_level, tags, outcome, closed_at"

Conversation ReadConversation(const Stmt& q) {
  Conversation c;
  c.id = q.ColText(0);
  c.owner_id = q.ColText(1);
  c.state = static_cast<ConversationState>(q.ColInt(2));
  c.assigned_staff_id = q.ColOptText(3);
  c.bot_paused = q.ColInt(4) != 0;
  c.created_at = q.ColInt(5);
  c.updated_at = q.ColInt(6);
  c.queue_priority = static_cast<int>(q.ColInt(7));
  c.queued_at = q.ColInt(8);
  c.risk_level = static_cast<RiskLevel>(q.ColInt(9));
  c.tags = SplitTags(q.ColText(10));
  c.outcome = q.ColText(11);
  c.closed_at = q.ColInt(12);
  return c;
}

// The columns ReadMessage reads, in its order.
#define MESSAGE_COLUMNS                                                                        \
  "id, conversation_id, seq, role, client_message_id, text, risk_level, strategy, author_id, " \
  "created_at, rationale, activity"

Message ReadMessage(const Stmt& q) {
  Message m;
  m.id = q.ColText(0);
  m.conversation_id = q.ColText(1);
  m.seq = q.ColInt(2);
  m.role = static_cast<MessageRole>(q.ColInt(3));
  m.client_message_id = q.ColText(4);
  m.text = q.ColBlob(5);
  if (!q.ColIsNull(6)) m.risk_level = static_cast<RiskLevel>(q.ColInt(6));
  m.strategy = q.ColText(7);
  m.author_id = q.ColText(8);
  m.created_at = q.ColInt(9);
  m.rationale = q.ColText(10);
  if (!q.ColIsNull(11)) m.activity = q.ColBlob(11);
  return m;
}

// The columns ReadFeedback reads, in its order.
#define FEEDBACK_COLUMNS                                                              \
  "id, account_id, conversation_id, message_seq, rating, comment, created_at, kind, " \
  "author_id, empathy, safety, helpfulness, flagged"

Feedback ReadFeedback(const Stmt& q) {
  Feedback f;
  f.id = q.ColText(0);
  f.account_id = q.ColText(1);
  f.conversation_id = q.ColText(2);
  f.message_seq = q.ColInt(3);
  f.rating = static_cast<int>(q.ColInt(4));
  f.comment = q.ColBlob(5);
  f.created_at = q.ColInt(6);
  f.kind = q.ColText(7);
  f.author_id = q.ColText(8);
  f.empathy = static_cast<int>(q.ColInt(9));
  f.safety = static_cast<int>(q.ColInt(10));
  f.helpfulness = static_cast<int>(q.ColInt(11));
  f.flagged = q.ColInt(12) != 0;
  return f;
}

#define REVIEW_ITEM_COLUMNS \
  "conversation_id, message_seq, owner_id, reason, created_at, done, reviewed_by, reviewed_at"

ReviewItem ReadReviewItem(const Stmt& q) {
  ReviewItem r;
  r.conversation_id = q.ColText(0);
  r.message_seq = q.ColInt(1);
  r.owner_id = q.ColText(2);
  r.reason = q.ColText(3);
  r.created_at = q.ColInt(4);
  r.done = q.ColInt(5) != 0;
  r.reviewed_by = q.ColText(6);
  r.reviewed_at = q.ColInt(7);
  return r;
}

AuditRecord ReadAudit(const Stmt& q) {
  AuditRecord r;
  r.seq = q.ColInt(0);
  r.time = q.ColInt(1);
  r.actor = q.ColText(2);
  r.subject = q.ColText(3);
  r.action = q.ColText(4);
  r.outcome = q.ColText(5);
  r.detail = q.ColText(6);
  r.leaf_hash = q.ColBlob(7);
  r.chain_hash = q.ColBlob(8);
  return r;
}

// Collects every row of a query with `read`.
template <typename T, typename F>
StatusOr<std::vector<T>> All(Stmt& q, F read) {
  std::vector<T> out;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(read(q));
  }
}

// Steps once: the row read with `read`, or NotFound(what).
template <typename T, typename F>
StatusOr<T> One(Stmt& q, F read, std::string_view what) {
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound(std::string(what) + " not found");
  T value = read(q);
  sqlite3_reset(q.raw());
  return value;
}

Status ChangedOne(Db& db, Status s, std::string_view what) {
  if (!s.ok()) return s;
  if (sqlite3_changes(db.raw()) == 0) return NotFound(std::string(what) + " not found");
  return Status::Ok();
}

class SqliteTxn final : public Txn {
 public:
  explicit SqliteTxn(Db& db) : db_(db) {}

  Status CreateAccount(const Account& a) override {
    if (a.id.empty()) return InvalidArgument("account id is empty");
    TRY_PREPARE(q,
                "INSERT INTO accounts(id, kind, created_at, nickname, recovery_hash, username, "
                "role, password_hash, totp_secret, failed_attempts, locked_until, "
                "totp_last_step) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    q.Text(1, a.id).Int(2, static_cast<int>(a.kind)).Int(3, a.created_at);
    BindAccountFields(q, a, 4);
    return q.Run();
  }
  StatusOr<Account> GetAccount(std::string_view id) override {
    TRY_PREPARE(q,
                "SELECT id, kind, created_at, nickname, recovery_hash, username, role, "
                "password_hash, totp_secret, failed_attempts, locked_until, totp_last_step "
                "FROM accounts WHERE id = ?");
    q.Text(1, id);
    return One<Account>(q, ReadAccount, "account");
  }
  StatusOr<Account> FindStaffByUsername(std::string_view username) override {
    TRY_PREPARE(q,
                "SELECT id, kind, created_at, nickname, recovery_hash, username, role, "
                "password_hash, totp_secret, failed_attempts, locked_until, totp_last_step "
                "FROM accounts WHERE username = ? AND kind = 1");
    q.Text(1, username);
    return One<Account>(q, ReadAccount, "account");
  }
  Status UpdateAccount(const Account& a) override {
    TRY_PREPARE(q,
                "UPDATE accounts SET nickname = ?1, recovery_hash = ?2, username = ?3, role = ?4, "
                "password_hash = ?5, totp_secret = ?6, failed_attempts = ?7, locked_until = ?8, "
                "totp_last_step = ?9 WHERE id = ?10");
    BindAccountFields(q, a, 1);
    q.Text(10, a.id);
    return ChangedOne(db_, q.Run(), "account");
  }
  Status DeleteAccount(std::string_view id) override {
    TRY_PREPARE(q, "DELETE FROM accounts WHERE id = ?");
    q.Text(1, id);
    return ChangedOne(db_, q.Run(), "account");
  }
  StatusOr<std::vector<std::string>> ListAccountIds() override {
    TRY_PREPARE(q, "SELECT id FROM accounts ORDER BY id");
    return All<std::string>(q, [](const Stmt& s) { return s.ColText(0); });
  }

  Status CreateSession(const Session& s) override {
    if (s.token_hash.empty()) return InvalidArgument("session id is empty");
    TRY_PREPARE(q,
                "INSERT INTO sessions(token_hash, account_id, created_at, last_seen, expires_at, "
                "revoked) VALUES(?,?,?,?,?,?)");
    q.Blob(1, s.token_hash).Text(2, s.account_id).Int(3, s.created_at).Int(4, s.last_seen);
    q.Int(5, s.expires_at).Int(6, s.revoked ? 1 : 0);
    return q.Run();
  }
  StatusOr<Session> GetSession(std::string_view token_hash) override {
    TRY_PREPARE(q,
                "SELECT token_hash, account_id, created_at, last_seen, expires_at, revoked "
                "FROM sessions WHERE token_hash = ?");
    q.Blob(1, token_hash);
    return One<Session>(q, ReadSession, "session");
  }
  Status TouchSession(std::string_view token_hash, UnixMillis last_seen) override {
    TRY_PREPARE(q, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
    q.Int(1, last_seen).Blob(2, token_hash);
    return ChangedOne(db_, q.Run(), "session");
  }
  Status RevokeSession(std::string_view token_hash) override {
    TRY_PREPARE(q, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?");
    q.Blob(1, token_hash);
    return ChangedOne(db_, q.Run(), "session");
  }
  StatusOr<int> RevokeAccountSessions(std::string_view account_id) override {
    TRY_PREPARE(q, "UPDATE sessions SET revoked = 1 WHERE account_id = ? AND revoked = 0");
    q.Text(1, account_id);
    TRY(q.Run());
    return sqlite3_changes(db_.raw());
  }

  Status CreateConversation(const Conversation& c) override {
    if (c.id.empty()) return InvalidArgument("conversation id is empty");
    TRY(ValidateOversightFields(c));
    TRY_PREPARE(
        q, "INSERT INTO conversations(" CONVERSATION_COLUMNS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.Text(1, c.id).Text(2, c.owner_id).Int(3, static_cast<int>(c.state));
    q.OptText(4, c.assigned_staff_id).Int(5, c.bot_paused ? 1 : 0).Int(6, c.created_at);
    q.Int(7, c.updated_at);
    BindOversightFields(q, c, 8);
    return q.Run();
  }
  StatusOr<Conversation> GetConversation(std::string_view id) override {
    TRY_PREPARE(q, "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?");
    q.Text(1, id);
    return One<Conversation>(q, ReadConversation, "conversation");
  }
  Status UpdateConversation(const Conversation& c) override {
    TRY(ValidateOversightFields(c));
    TRY_PREPARE(q,
                "UPDATE conversations SET state = ?1, assigned_staff_id = ?2, bot_paused = ?3, "
                "updated_at = ?4, queue_priority = ?5, queued_at = ?6, risk_level = ?7, "
                "tags = ?8, outcome = ?9, closed_at = ?10 WHERE id = ?11");
    q.Int(1, static_cast<int>(c.state)).OptText(2, c.assigned_staff_id);
    q.Int(3, c.bot_paused ? 1 : 0).Int(4, c.updated_at);
    BindOversightFields(q, c, 5);
    q.Text(11, c.id);
    return ChangedOne(db_, q.Run(), "conversation");
  }
  StatusOr<std::vector<Conversation>> ListConversations(const ConversationQuery& cq) override {
    if (cq.limit <= 0) return BadLimit();
    // Two texts, so that the queued list can use the partial index conversations_queued.
    const char* sql =
        cq.queued_only ? "SELECT " CONVERSATION_COLUMNS
                         " FROM conversations WHERE queue_priority > 0 AND "
                         "(?1 IS NULL OR owner_id = ?1) AND (?2 IS NULL OR state = ?2) AND "
                         "(?3 IS NULL OR assigned_staff_id = ?3) ORDER BY created_at, id LIMIT ?4"
                       : "SELECT " CONVERSATION_COLUMNS
                         " FROM conversations WHERE (?1 IS NULL OR owner_id = ?1) AND "
                         "(?2 IS NULL OR state = ?2) AND (?3 IS NULL OR assigned_staff_id = ?3) "
                         "ORDER BY created_at, id LIMIT ?4";
    TRY_PREPARE(q, sql);
    q.OptText(1, cq.owner_id);
    if (cq.state) q.Int(2, static_cast<int>(*cq.state));
    q.OptText(3, cq.assigned_staff_id).Int(4, cq.limit);
    return All<Conversation>(q, ReadConversation);
  }

  StatusOr<AppendResult> AppendMessage(const Message& m) override {
    if (m.id.empty()) return InvalidArgument("message id is empty");
    if (!m.client_message_id.empty()) {
      TRY_PREPARE(dup, "SELECT " MESSAGE_COLUMNS
                       " FROM messages WHERE conversation_id = ? AND client_message_id = ?");
      dup.Text(1, m.conversation_id).Text(2, m.client_message_id);
      auto found = One<Message>(dup, ReadMessage, "message");
      if (found.ok()) return AppendResult{std::move(found).value(), true};
      if (found.status().code() != StatusCode::kNotFound) return found.status();
    }
    TRY_PREPARE(next,
                "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq");
    next.Text(1, m.conversation_id);
    auto seq = One<int64_t>(
        next, [](const Stmt& s) { return s.ColInt(0); }, "conversation");
    if (!seq.ok()) return seq.status();
    TRY_PREPARE(q, "INSERT INTO messages(" MESSAGE_COLUMNS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    q.Text(1, m.id).Text(2, m.conversation_id).Int(3, *seq).Int(4, static_cast<int>(m.role));
    q.TextOrNull(5, m.client_message_id).Blob(6, m.text);
    if (m.risk_level) {
      q.Int(7, static_cast<int>(*m.risk_level));
    } else {
      q.Null(7);
    }
    q.Text(8, m.strategy).Text(9, m.author_id).Int(10, m.created_at).Text(11, m.rationale);
    if (m.activity.empty()) {
      q.Null(12);
    } else {
      q.Blob(12, m.activity);
    }
    TRY(q.Run());
    Message stored = m;
    stored.seq = *seq;
    return AppendResult{std::move(stored), false};
  }
  StatusOr<std::vector<Message>> ListMessages(std::string_view conversation_id, int64_t after_seq,
                                              int limit) override {
    if (limit <= 0) return BadLimit();
    TRY_PREPARE(q, "SELECT " MESSAGE_COLUMNS
                   " FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    q.Text(1, conversation_id).Int(2, after_seq).Int(3, limit);
    return All<Message>(q, ReadMessage);
  }
  StatusOr<int> DeleteMessagesBefore(std::string_view conversation_id, UnixMillis before) override {
    TRY_PREPARE(q, "DELETE FROM messages WHERE conversation_id = ? AND created_at < ?");
    q.Text(1, conversation_id).Int(2, before);
    TRY(q.Run());
    return sqlite3_changes(db_.raw());
  }

  Status AddNote(const Note& n) override {
    if (n.id.empty()) return InvalidArgument("note id is empty");
    TRY_PREPARE(q,
                "INSERT INTO notes(id, conversation_id, author_id, text, created_at) "
                "VALUES(?,?,?,?,?)");
    q.Text(1, n.id).Text(2, n.conversation_id).Text(3, n.author_id).Blob(4, n.text);
    q.Int(5, n.created_at);
    return q.Run();
  }
  StatusOr<std::vector<Note>> ListNotes(std::string_view conversation_id) override {
    TRY_PREPARE(q,
                "SELECT id, conversation_id, author_id, text, created_at FROM notes "
                "WHERE conversation_id = ? ORDER BY created_at, id");
    q.Text(1, conversation_id);
    return All<Note>(q, [](const Stmt& s) {
      return Note{s.ColText(0), s.ColText(1), s.ColText(2), s.ColBlob(3), s.ColInt(4)};
    });
  }
  Status AddScreening(const ScreeningResult& r) override {
    if (r.id.empty()) return InvalidArgument("screening id is empty");
    TRY_PREPARE(q,
                "INSERT INTO screenings(id, account_id, instrument, payload, created_at) "
                "VALUES(?,?,?,?,?)");
    q.Text(1, r.id).Text(2, r.account_id).Text(3, r.instrument).Blob(4, r.payload);
    q.Int(5, r.created_at);
    return q.Run();
  }
  StatusOr<std::vector<ScreeningResult>> ListScreenings(std::string_view account_id) override {
    TRY_PREPARE(q,
                "SELECT id, account_id, instrument, payload, created_at FROM screenings "
                "WHERE account_id = ? ORDER BY created_at, id");
    q.Text(1, account_id);
    return All<ScreeningResult>(q, [](const Stmt& s) {
      return ScreeningResult{s.ColText(0), s.ColText(1), s.ColText(2), s.ColBlob(3), s.ColInt(4)};
    });
  }
  StatusOr<ScreeningResult> GetScreening(std::string_view account_id,
                                         std::string_view id) override {
    TRY_PREPARE(q,
                "SELECT id, account_id, instrument, payload, created_at FROM screenings "
                "WHERE id = ? AND account_id = ?");
    q.Text(1, id).Text(2, account_id);
    return One<ScreeningResult>(
        q,
        [](const Stmt& s) {
          return ScreeningResult{s.ColText(0), s.ColText(1), s.ColText(2), s.ColBlob(3),
                                 s.ColInt(4)};
        },
        "screening");
  }
  StatusOr<int> DeleteScreeningsBefore(std::string_view account_id, UnixMillis before) override {
    TRY_PREPARE(q, "DELETE FROM screenings WHERE account_id = ? AND created_at < ?");
    q.Text(1, account_id).Int(2, before);
    TRY(q.Run());
    return sqlite3_changes(db_.raw());
  }
  Status SetConsent(const Consent& c) override {
    if (c.kind.empty()) return InvalidArgument("consent kind is empty");
    TRY_PREPARE(q,
                "INSERT INTO consents(account_id, kind, granted, updated_at) VALUES(?,?,?,?) "
                "ON CONFLICT(account_id, kind) DO UPDATE SET granted = excluded.granted, "
                "updated_at = excluded.updated_at");
    q.Text(1, c.account_id).Text(2, c.kind).Int(3, c.granted ? 1 : 0).Int(4, c.updated_at);
    return q.Run();
  }
  StatusOr<std::vector<Consent>> ListConsents(std::string_view account_id) override {
    TRY_PREPARE(q,
                "SELECT account_id, kind, granted, updated_at FROM consents "
                "WHERE account_id = ? ORDER BY kind");
    q.Text(1, account_id);
    return All<Consent>(q, [](const Stmt& s) {
      return Consent{s.ColText(0), s.ColText(1), s.ColInt(2) != 0, s.ColInt(3)};
    });
  }
  Status AddFeedback(const Feedback& f) override {
    if (f.id.empty()) return InvalidArgument("feedback id is empty");
    TRY_PREPARE(q, "INSERT INTO feedback(" FEEDBACK_COLUMNS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q.Text(1, f.id).Text(2, f.account_id).Text(3, f.conversation_id).Int(4, f.message_seq);
    q.Int(5, f.rating).Blob(6, f.comment).Int(7, f.created_at).Text(8, f.kind);
    q.Text(9, f.author_id).Int(10, f.empathy).Int(11, f.safety).Int(12, f.helpfulness);
    q.Int(13, f.flagged ? 1 : 0);
    return q.Run();
  }
  StatusOr<std::vector<Feedback>> ListFeedback(std::string_view conversation_id) override {
    TRY_PREPARE(q, "SELECT " FEEDBACK_COLUMNS
                   " FROM feedback WHERE conversation_id = ? ORDER BY created_at, id");
    q.Text(1, conversation_id);
    return All<Feedback>(q, ReadFeedback);
  }

  Status AddReviewItem(const ReviewItem& r) override {
    if (r.conversation_id.empty()) return InvalidArgument("conversation id is empty");
    TRY_PREPARE(q, "INSERT INTO review_items(" REVIEW_ITEM_COLUMNS ") VALUES(?,?,?,?,?,?,?,?)");
    q.Text(1, r.conversation_id).Int(2, r.message_seq).Text(3, r.owner_id).Text(4, r.reason);
    q.Int(5, r.created_at).Int(6, r.done ? 1 : 0).Text(7, r.reviewed_by).Int(8, r.reviewed_at);
    return q.Run();
  }
  StatusOr<std::vector<ReviewItem>> ListReviewItems(bool done, int limit) override {
    if (limit <= 0) return BadLimit();
    TRY_PREPARE(q, "SELECT " REVIEW_ITEM_COLUMNS
                   " FROM review_items WHERE done = ? "
                   "ORDER BY created_at, conversation_id, message_seq LIMIT ?");
    q.Int(1, done ? 1 : 0).Int(2, limit);
    return All<ReviewItem>(q, ReadReviewItem);
  }
  Status CompleteReviewItem(std::string_view conversation_id, int64_t message_seq,
                            std::string_view reviewed_by, UnixMillis reviewed_at) override {
    TRY_PREPARE(q,
                "UPDATE review_items SET done = 1, reviewed_by = ?, reviewed_at = ? "
                "WHERE conversation_id = ? AND message_seq = ?");
    q.Text(1, reviewed_by).Int(2, reviewed_at).Text(3, conversation_id).Int(4, message_seq);
    return ChangedOne(db_, q.Run(), "review item");
  }

  StatusOr<std::optional<AuditRecord>> LastAuditRecord() override {
    TRY_PREPARE(q,
                "SELECT seq, time, actor, subject, action, outcome, detail, leaf_hash, "
                "chain_hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    auto r = One<AuditRecord>(q, ReadAudit, "audit entry");
    if (r.ok()) return std::optional<AuditRecord>(std::move(r).value());
    if (r.status().code() == StatusCode::kNotFound) return std::optional<AuditRecord>();
    return r.status();
  }
  Status InsertAuditRecord(const AuditRecord& r) override {
    TRY_PREPARE(last, "SELECT COALESCE(MAX(seq), 0) FROM audit_log");
    auto max = One<int64_t>(
        last, [](const Stmt& s) { return s.ColInt(0); }, "audit");
    if (!max.ok()) return max.status();
    if (r.seq != *max + 1) return FailedPrecondition("audit entry out of sequence");
    TRY_PREPARE(q,
                "INSERT INTO audit_log(seq, time, actor, subject, action, outcome, detail, "
                "leaf_hash, chain_hash) VALUES(?,?,?,?,?,?,?,?,?)");
    q.Int(1, r.seq).Int(2, r.time).Text(3, r.actor).Text(4, r.subject).Text(5, r.action);
    q.Text(6, r.outcome).Text(7, r.detail).Blob(8, r.leaf_hash).Blob(9, r.chain_hash);
    return q.Run();
  }
  StatusOr<std::vector<AuditRecord>> ListAuditRecords(int64_t after_seq, int limit) override {
    if (limit <= 0) return BadLimit();
    TRY_PREPARE(q,
                "SELECT seq, time, actor, subject, action, outcome, detail, leaf_hash, "
                "chain_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?");
    q.Int(1, after_seq).Int(2, limit);
    return All<AuditRecord>(q, ReadAudit);
  }

 private:
  // Binds the updatable account fields at first, first+1, ... first+8.
  static void BindAccountFields(Stmt& q, const Account& a, int first) {
    if (a.nickname) {
      q.Blob(first, *a.nickname);
    } else {
      q.Null(first);
    }
    q.Text(first + 1, a.recovery_hash).TextOrNull(first + 2, a.username);
    q.Int(first + 3, static_cast<int>(a.role)).Text(first + 4, a.password_hash);
    q.BlobOrNull(first + 5, a.totp_secret).Int(first + 6, a.failed_attempts);
    q.Int(first + 7, a.locked_until).Int(first + 8, a.totp_last_step);
  }
  // Binds the conversation's oversight fields at first, first+1, ... first+5.
  static void BindOversightFields(Stmt& q, const Conversation& c, int first) {
    q.Int(first, c.queue_priority).Int(first + 1, c.queued_at);
    q.Int(first + 2, static_cast<int>(c.risk_level)).Text(first + 3, JoinTags(c.tags));
    q.Text(first + 4, c.outcome).Int(first + 5, c.closed_at);
  }

  Db& db_;
};

}  // namespace

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         bool sync_every_commit) {
  auto db = Db::Open(path, sync_every_commit);
  if (!db.ok()) return db.status();
  if (Status s = (*db)->Migrate(kMigrations, std::time(nullptr)); !s.ok()) return s;
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value()));
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

struct SqliteStore::Unit {
  const std::function<Status(Txn&)>* fn;
  Status result;
  std::exception_ptr thrown;
  bool done = false;
};

Status SqliteStore::Transact(const std::function<Status(Txn&)>& fn) {
  Unit unit{&fn, Status(), nullptr, false};
  std::unique_lock lock(mu_);
  queue_.push_back(&unit);
  while (!unit.done) {
    if (leader_) {
      cv_.wait(lock);
      continue;
    }
    // Lead: take what is queued (this unit among it, unless an earlier leader already ran it).
    leader_ = true;
    size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<Unit*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    counters_.batches++;
    counters_.units += static_cast<int64_t>(batch.size());
    for (Unit* u : batch) u->done = true;
    leader_ = false;
    cv_.notify_all();
  }
  lock.unlock();
  if (unit.thrown) std::rethrow_exception(unit.thrown);
  return unit.result;
}

void SqliteStore::RunBatch(const std::vector<Unit*>& batch) {
  sqlite3* raw = db_->raw();
  size_t next = 0;
  while (next < batch.size()) {
    // One transaction for the units from `first` on; a transaction SQLite rolled back by itself
    // (an I/O error, a full disk) fails the units already run in it, and the rest start anew.
    size_t first = next;
    if (Status s = db_->ExecCached("BEGIN IMMEDIATE", "begin"); !s.ok()) {
      for (size_t i = first; i < batch.size(); ++i) batch[i]->result = s;
      return;
    }
    bool lost = false;
    for (; next < batch.size() && !lost; ++next) {
      Unit& u = *batch[next];
      Status s = db_->ExecCached("SAVEPOINT unit", "savepoint");
      if (s.ok()) {
        SqliteTxn txn(*db_);
        try {
          s = (*u.fn)(txn);
        } catch (...) {
          u.thrown = std::current_exception();
          s = Internal("a unit of work threw");
        }
      }
      if (sqlite3_get_autocommit(raw)) {  // SQLite ended the transaction: its work is gone
        lost = true;
        u.result = s.ok() ? Internal("transaction rolled back by the database") : s;
        for (size_t i = first; i < next; ++i) {
          if (batch[i]->result.ok() && !batch[i]->thrown) {
            batch[i]->result = Internal("transaction rolled back by the database");
          }
        }
        continue;
      }
      if (s.ok()) {
        s = db_->ExecCached("RELEASE unit", "release savepoint");
      } else {
        (void)db_->Exec("ROLLBACK TO unit; RELEASE unit", "rollback to savepoint");
      }
      u.result = s;
    }
    if (lost) continue;
    Status commit = db_->ExecCached("COMMIT", "commit");
    if (!commit.ok()) {
      if (!sqlite3_get_autocommit(raw)) (void)db_->Exec("ROLLBACK", "rollback");
      for (size_t i = first; i < next; ++i) {
        if (batch[i]->result.ok()) batch[i]->result = commit;
      }
    }
  }
}

SqliteStore::Counters SqliteStore::counters() {
  std::lock_guard lock(mu_);
  return counters_;
}

size_t SqliteStore::queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status SqliteStore::Checkpoint() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !leader_; });
  leader_ = true;
  lock.unlock();
  Status s = db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint");
  lock.lock();
  leader_ = false;
  cv_.notify_all();
  return s;
}

}  // namespace haven::storage
