#include "storage/memory/memory_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace haven::storage {

struct MemoryStore::State {
  std::map<std::string, Account, std::less<>> accounts;
  std::map<std::string, Session, std::less<>> sessions;
  std::map<std::string, Conversation, std::less<>> conversations;
  std::map<std::string, int64_t, std::less<>> last_seq;               // by conversation
  std::map<std::string, std::vector<Message>, std::less<>> messages;  // by conversation, seq order
  std::set<std::string, std::less<>> message_ids;
  std::map<std::string, Note, std::less<>> notes;
  std::map<std::string, ScreeningResult, std::less<>> screenings;
  std::map<std::pair<std::string, std::string>, Consent> consents;
  std::map<std::string, Feedback, std::less<>> feedback;
  std::map<std::pair<std::string, int64_t>, ReviewItem, std::less<>> reviews;
  std::vector<AuditRecord> audit;
};

namespace {

Status Exists(std::string_view what) {
  return FailedPrecondition(std::string(what) + " already exists");
}
Status Missing(std::string_view what) { return NotFound(std::string(what) + " not found"); }
Status EmptyId(std::string_view what) {
  return InvalidArgument(std::string(what) + " id is empty");
}

Status BadLimit() { return InvalidArgument("a list limit must be positive"); }

template <typename T>
void SortByCreated(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
}

class MemoryTxn final : public Txn {
 public:
  explicit MemoryTxn(std::shared_ptr<const MemoryStore::State> base) : base_(std::move(base)) {}

  // The state to install on commit, or null when nothing was written.
  std::unique_ptr<MemoryStore::State> TakeWrites() { return std::move(work_); }

  Status CreateAccount(const Account& a) override {
    if (a.id.empty()) return EmptyId("account");
    if (R().accounts.count(a.id)) return Exists("account");
    if (!a.username.empty() && UsernameTaken(a.username, "")) return Exists("username");
    W().accounts.emplace(a.id, a);
    return Status::Ok();
  }
  StatusOr<Account> GetAccount(std::string_view id) override {
    auto it = R().accounts.find(id);
    if (it == R().accounts.end()) return Missing("account");
    return it->second;
  }
  StatusOr<Account> FindStaffByUsername(std::string_view username) override {
    for (const auto& [id, a] : R().accounts) {
      if (a.kind == AccountKind::kStaff && !a.username.empty() && a.username == username) return a;
    }
    return Missing("account");
  }
  Status UpdateAccount(const Account& a) override {
    auto it = R().accounts.find(a.id);
    if (it == R().accounts.end()) return Missing("account");
    if (!a.username.empty() && UsernameTaken(a.username, a.id)) return Exists("username");
    Account updated = a;
    updated.kind = it->second.kind;
    updated.created_at = it->second.created_at;
    W().accounts[a.id] = std::move(updated);
    return Status::Ok();
  }
  Status DeleteAccount(std::string_view id) override {
    if (!R().accounts.count(id)) return Missing("account");
    State& s = W();
    s.accounts.erase(s.accounts.find(id));
    std::erase_if(s.sessions, [&](const auto& kv) { return kv.second.account_id == id; });
    std::vector<std::string> owned;
    for (auto& [cid, c] : s.conversations) {
      if (c.owner_id == id) owned.push_back(cid);
      if (c.assigned_staff_id && *c.assigned_staff_id == id) c.assigned_staff_id.reset();
    }
    for (const auto& cid : owned) DeleteConversation(s, cid);
    std::erase_if(s.screenings, [&](const auto& kv) { return kv.second.account_id == id; });
    std::erase_if(s.consents, [&](const auto& kv) { return kv.second.account_id == id; });
    std::erase_if(s.feedback, [&](const auto& kv) { return kv.second.account_id == id; });
    return Status::Ok();
  }
  StatusOr<std::vector<std::string>> ListAccountIds() override {
    std::vector<std::string> ids;
    for (const auto& [id, a] : R().accounts) ids.push_back(id);
    return ids;
  }

  Status CreateSession(const Session& s) override {
    if (s.token_hash.empty()) return EmptyId("session");
    if (R().sessions.count(s.token_hash)) return Exists("session");
    if (!R().accounts.count(s.account_id)) return Missing("account");
    W().sessions.emplace(s.token_hash, s);
    return Status::Ok();
  }
  StatusOr<Session> GetSession(std::string_view token_hash) override {
    auto it = R().sessions.find(token_hash);
    if (it == R().sessions.end()) return Missing("session");
    return it->second;
  }
  Status TouchSession(std::string_view token_hash, UnixMillis last_seen) override {
    if (!R().sessions.count(token_hash)) return Missing("session");
    W().sessions.find(token_hash)->second.last_seen = last_seen;
    return Status::Ok();
  }
  Status RevokeSession(std::string_view token_hash) override {
    if (!R().sessions.count(token_hash)) return Missing("session");
    W().sessions.find(token_hash)->second.revoked = true;
    return Status::Ok();
  }
  StatusOr<int> RevokeAccountSessions(std::string_view account_id) override {
    int n = 0;
    for (const auto& [k, s] : R().sessions) n += (s.account_id == account_id && !s.revoked);
    if (n == 0) return 0;
    for (auto& [k, s] : W().sessions) {
      if (s.account_id == account_id) s.revoked = true;
    }
    return n;
  }

  Status CreateConversation(const Conversation& c) override {
    if (c.id.empty()) return EmptyId("conversation");
    if (Status s = ValidateOversightFields(c); !s.ok()) return s;
    if (R().conversations.count(c.id)) return Exists("conversation");
    if (!R().accounts.count(c.owner_id)) return Missing("account");
    if (c.assigned_staff_id && !R().accounts.count(*c.assigned_staff_id)) return Missing("account");
    W().conversations.emplace(c.id, c);
    return Status::Ok();
  }
  StatusOr<Conversation> GetConversation(std::string_view id) override {
    auto it = R().conversations.find(id);
    if (it == R().conversations.end()) return Missing("conversation");
    return it->second;
  }
  Status UpdateConversation(const Conversation& c) override {
    if (Status s = ValidateOversightFields(c); !s.ok()) return s;
    auto it = R().conversations.find(c.id);
    if (it == R().conversations.end()) return Missing("conversation");
    if (c.assigned_staff_id && !R().accounts.count(*c.assigned_staff_id)) return Missing("account");
    Conversation updated = c;
    updated.owner_id = it->second.owner_id;
    updated.created_at = it->second.created_at;
    W().conversations[c.id] = std::move(updated);
    return Status::Ok();
  }
  StatusOr<std::vector<Conversation>> ListConversations(const ConversationQuery& q) override {
    if (q.limit <= 0) return BadLimit();
    std::vector<Conversation> out;
    for (const auto& [id, c] : R().conversations) {
      if (q.owner_id && c.owner_id != *q.owner_id) continue;
      if (q.state && c.state != *q.state) continue;
      if (q.assigned_staff_id && c.assigned_staff_id != q.assigned_staff_id) continue;
      if (q.queued_only && c.queue_priority <= 0) continue;
      out.push_back(c);
    }
    SortByCreated(out);
    if (static_cast<int>(out.size()) > q.limit) out.resize(q.limit);
    return out;
  }

  StatusOr<AppendResult> AppendMessage(const Message& m) override {
    if (m.id.empty()) return EmptyId("message");
    if (!R().conversations.count(m.conversation_id)) return Missing("conversation");
    auto mit = R().messages.find(m.conversation_id);
    if (!m.client_message_id.empty() && mit != R().messages.end()) {
      for (const auto& old : mit->second) {
        if (old.client_message_id == m.client_message_id) return AppendResult{old, true};
      }
    }
    if (R().message_ids.count(m.id)) return Exists("message");
    State& s = W();
    Message stored = m;
    stored.seq = ++s.last_seq[m.conversation_id];
    s.messages[m.conversation_id].push_back(stored);
    s.message_ids.insert(m.id);
    return AppendResult{std::move(stored), false};
  }
  StatusOr<std::vector<Message>> ListMessages(std::string_view conversation_id, int64_t after_seq,
                                              int limit) override {
    if (limit <= 0) return BadLimit();
    std::vector<Message> out;
    auto it = R().messages.find(conversation_id);
    if (it == R().messages.end()) return out;
    for (const auto& m : it->second) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (m.seq > after_seq) out.push_back(m);
    }
    return out;
  }
  StatusOr<int> DeleteMessagesBefore(std::string_view conversation_id, UnixMillis before) override {
    auto it = R().messages.find(conversation_id);
    if (it == R().messages.end()) return 0;
    int n = 0;
    for (const auto& m : it->second) n += m.created_at < before;
    if (n == 0) return 0;
    State& s = W();
    auto& v = s.messages.find(conversation_id)->second;
    for (const auto& m : v) {
      if (m.created_at < before) s.message_ids.erase(m.id);
    }
    std::erase_if(v, [&](const Message& m) { return m.created_at < before; });
    return n;
  }

  Status AddNote(const Note& n) override {
    if (n.id.empty()) return EmptyId("note");
    if (R().notes.count(n.id)) return Exists("note");
    if (!R().conversations.count(n.conversation_id)) return Missing("conversation");
    W().notes.emplace(n.id, n);
    return Status::Ok();
  }
  StatusOr<std::vector<Note>> ListNotes(std::string_view conversation_id) override {
    std::vector<Note> out;
    for (const auto& [id, n] : R().notes) {
      if (n.conversation_id == conversation_id) out.push_back(n);
    }
    SortByCreated(out);
    return out;
  }
  Status AddScreening(const ScreeningResult& r) override {
    if (r.id.empty()) return EmptyId("screening");
    if (R().screenings.count(r.id)) return Exists("screening");
    if (!R().accounts.count(r.account_id)) return Missing("account");
    W().screenings.emplace(r.id, r);
    return Status::Ok();
  }
  StatusOr<std::vector<ScreeningResult>> ListScreenings(std::string_view account_id) override {
    std::vector<ScreeningResult> out;
    for (const auto& [id, r] : R().screenings) {
      if (r.account_id == account_id) out.push_back(r);
    }
    SortByCreated(out);
    return out;
  }
  StatusOr<ScreeningResult> GetScreening(std::string_view account_id,
                                         std::string_view id) override {
    auto it = R().screenings.find(id);
    if (it == R().screenings.end() || it->second.account_id != account_id) {
      return Missing("screening");
    }
    return it->second;
  }
  StatusOr<int> DeleteScreeningsBefore(std::string_view account_id, UnixMillis before) override {
    int n = 0;
    for (const auto& [id, r] : R().screenings)
      n += r.account_id == account_id && r.created_at < before;
    if (n == 0) return 0;
    std::erase_if(W().screenings, [&](const auto& kv) {
      return kv.second.account_id == account_id && kv.second.created_at < before;
    });
    return n;
  }
  Status SetConsent(const Consent& c) override {
    if (c.kind.empty()) return InvalidArgument("consent kind is empty");
    if (!R().accounts.count(c.account_id)) return Missing("account");
    W().consents[{c.account_id, c.kind}] = c;
    return Status::Ok();
  }
  StatusOr<std::vector<Consent>> ListConsents(std::string_view account_id) override {
    std::vector<Consent> out;
    for (const auto& [k, c] : R().consents) {
      if (c.account_id == account_id) out.push_back(c);
    }
    return out;
  }
  Status AddFeedback(const Feedback& f) override {
    if (f.id.empty()) return EmptyId("feedback");
    if (R().feedback.count(f.id)) return Exists("feedback");
    if (!R().accounts.count(f.account_id)) return Missing("account");
    if (!R().conversations.count(f.conversation_id)) return Missing("conversation");
    W().feedback.emplace(f.id, f);
    return Status::Ok();
  }
  StatusOr<std::vector<Feedback>> ListFeedback(std::string_view conversation_id) override {
    std::vector<Feedback> out;
    for (const auto& [id, f] : R().feedback) {
      if (f.conversation_id == conversation_id) out.push_back(f);
    }
    SortByCreated(out);
    return out;
  }

  Status AddReviewItem(const ReviewItem& item) override {
    if (item.conversation_id.empty()) return EmptyId("conversation");
    std::pair<std::string, int64_t> key{item.conversation_id, item.message_seq};
    if (R().reviews.count(key)) return Exists("review item");
    if (!R().conversations.count(item.conversation_id)) return Missing("conversation");
    W().reviews.emplace(std::move(key), item);
    return Status::Ok();
  }
  StatusOr<std::vector<ReviewItem>> ListReviewItems(bool done, int limit) override {
    if (limit <= 0) return BadLimit();
    std::vector<ReviewItem> out;
    for (const auto& [key, item] : R().reviews) {
      if (item.done == done) out.push_back(item);
    }
    std::sort(out.begin(), out.end(), [](const ReviewItem& a, const ReviewItem& b) {
      return std::tie(a.created_at, a.conversation_id, a.message_seq) <
             std::tie(b.created_at, b.conversation_id, b.message_seq);
    });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }
  Status CompleteReviewItem(std::string_view conversation_id, int64_t message_seq,
                            std::string_view reviewed_by, UnixMillis reviewed_at) override {
    std::pair<std::string, int64_t> key{std::string(conversation_id), message_seq};
    if (!R().reviews.count(key)) return Missing("review item");
    ReviewItem& item = W().reviews.find(key)->second;
    item.done = true;
    item.reviewed_by = std::string(reviewed_by);
    item.reviewed_at = reviewed_at;
    return Status::Ok();
  }

  StatusOr<std::optional<AuditRecord>> LastAuditRecord() override {
    if (R().audit.empty()) return std::optional<AuditRecord>();
    return std::optional<AuditRecord>(R().audit.back());
  }
  Status InsertAuditRecord(const AuditRecord& r) override {
    int64_t last = R().audit.empty() ? 0 : R().audit.back().seq;
    if (r.seq != last + 1) return FailedPrecondition("audit entry out of sequence");
    W().audit.push_back(r);
    return Status::Ok();
  }
  StatusOr<std::vector<AuditRecord>> ListAuditRecords(int64_t after_seq, int limit) override {
    if (limit <= 0) return BadLimit();
    std::vector<AuditRecord> out;
    for (const auto& r : R().audit) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (r.seq > after_seq) out.push_back(r);
    }
    return out;
  }

 private:
  using State = MemoryStore::State;
  const State& R() const { return work_ ? *work_ : *base_; }
  State& W() {
    if (!work_) work_ = std::make_unique<State>(*base_);
    return *work_;
  }
  bool UsernameTaken(std::string_view username, std::string_view except_id) const {
    for (const auto& [id, a] : R().accounts) {
      if (id != except_id && a.username == username) return true;
    }
    return false;
  }
  static void DeleteConversation(State& s, const std::string& cid) {
    if (auto it = s.messages.find(cid); it != s.messages.end()) {
      for (const auto& m : it->second) s.message_ids.erase(m.id);
      s.messages.erase(it);
    }
    s.last_seq.erase(cid);
    std::erase_if(s.notes, [&](const auto& kv) { return kv.second.conversation_id == cid; });
    std::erase_if(s.feedback, [&](const auto& kv) { return kv.second.conversation_id == cid; });
    std::erase_if(s.reviews, [&](const auto& kv) { return kv.first.first == cid; });
    s.conversations.erase(cid);
  }

  std::shared_ptr<const State> base_;
  std::unique_ptr<State> work_;
};

}  // namespace

MemoryStore::MemoryStore() : state_(std::make_shared<const State>()) {}
MemoryStore::~MemoryStore() = default;

Status MemoryStore::Transact(const std::function<Status(Txn&)>& fn) {
  std::lock_guard lock(mu_);
  MemoryTxn txn(state_);
  Status s = fn(txn);
  if (!s.ok()) return s;
  if (auto writes = txn.TakeWrites()) state_ = std::move(writes);
  return Status::Ok();
}

}  // namespace haven::storage
