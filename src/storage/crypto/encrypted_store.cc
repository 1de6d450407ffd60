#include "storage/crypto/encrypted_store.h"

#include <utility>

#include "storage/crypto/sealing.h"

namespace haven::storage {
namespace {

using crypto::FieldContext;
using KeyPtr = std::shared_ptr<const EncryptedStore::DataKey>;

constexpr std::string_view kNickname = "account.nickname";
constexpr std::string_view kTotp = "account.totp_secret";
constexpr std::string_view kMessageText = "message.text";
constexpr std::string_view kMessageActivity = "message.activity";
constexpr std::string_view kNoteText = "note.text";
constexpr std::string_view kScreeningPayload = "screening.payload";
constexpr std::string_view kFeedbackComment = "feedback.comment";

std::string Seal(const KeyPtr& k, std::string_view owner, std::string_view kind,
                 std::string_view id, std::string_view plain) {
  return crypto::Seal(k->key, FieldContext{owner, kind, id, k->version}, plain);
}

Status Open(const KeyPtr& k, std::string_view owner, std::string_view kind, std::string_view id,
            std::string& field) {
  auto plain = crypto::Open(k->key, FieldContext{owner, kind, id, k->version}, field);
  if (!plain.ok())
    return Status(plain.status().code(), std::string(kind) + ": " + plain.status().message());
  field = std::move(plain).value();
  return Status::Ok();
}

class EncryptedTxn final : public Txn {
 public:
  EncryptedTxn(Txn& inner, EncryptedStore& store) : in_(inner), store_(store) {}

  Status CreateAccount(const Account& a) override {
    if (a.id.empty()) return InvalidArgument("account id is empty");
    auto key = store_.NewKeyFor(a.id);
    if (!key.ok()) return key.status();
    Account sealed = a;
    SealAccount(*key, sealed);
    return in_.CreateAccount(sealed);
  }
  StatusOr<Account> GetAccount(std::string_view id) override {
    return OpenAccount(in_.GetAccount(id));
  }
  StatusOr<Account> FindStaffByUsername(std::string_view username) override {
    return OpenAccount(in_.FindStaffByUsername(username));
  }
  Status UpdateAccount(const Account& a) override {
    auto key = store_.KeyFor(a.id);
    if (!key.ok()) return key.status();
    Account sealed = a;
    SealAccount(*key, sealed);
    return in_.UpdateAccount(sealed);
  }
  Status DeleteAccount(std::string_view id) override {
    auto exists = in_.GetAccount(id);
    if (!exists.ok()) return exists.status();
    // The key first: from here on nothing of this person can be read, whatever happens next.
    if (Status s = store_.DestroyDataKey(std::string(id)); !s.ok()) return s;
    return in_.DeleteAccount(id);
  }
  StatusOr<std::vector<std::string>> ListAccountIds() override { return in_.ListAccountIds(); }

  Status CreateSession(const Session& s) override { return in_.CreateSession(s); }
  StatusOr<Session> GetSession(std::string_view h) override { return in_.GetSession(h); }
  Status TouchSession(std::string_view h, UnixMillis t) override { return in_.TouchSession(h, t); }
  Status RevokeSession(std::string_view h) override { return in_.RevokeSession(h); }
  StatusOr<int> RevokeAccountSessions(std::string_view id) override {
    return in_.RevokeAccountSessions(id);
  }

  Status CreateConversation(const Conversation& c) override { return in_.CreateConversation(c); }
  StatusOr<Conversation> GetConversation(std::string_view id) override {
    return in_.GetConversation(id);
  }
  Status UpdateConversation(const Conversation& c) override { return in_.UpdateConversation(c); }
  StatusOr<std::vector<Conversation>> ListConversations(const ConversationQuery& q) override {
    return in_.ListConversations(q);
  }

  StatusOr<AppendResult> AppendMessage(const Message& m) override {
    auto owner = OwnerOf(m.conversation_id);
    if (!owner.ok()) return owner.status();
    auto key = store_.KeyFor(*owner);
    if (!key.ok()) return key.status();
    Message sealed = m;
    sealed.text = Seal(*key, *owner, kMessageText, m.id, m.text);
    if (!m.activity.empty()) {
      sealed.activity = Seal(*key, *owner, kMessageActivity, m.id, m.activity);
    }
    auto r = in_.AppendMessage(sealed);
    if (!r.ok()) return r;
    if (Status s = OpenMessage(*key, *owner, r->message); !s.ok()) return s;
    return r;
  }
  StatusOr<std::vector<Message>> ListMessages(std::string_view conversation_id, int64_t after_seq,
                                              int limit) override {
    auto list = in_.ListMessages(conversation_id, after_seq, limit);
    if (!list.ok() || list->empty()) return list;
    auto owner = OwnerOf(conversation_id);
    if (!owner.ok()) return owner.status();
    auto key = store_.KeyFor(*owner);
    if (!key.ok()) return key.status();
    for (Message& m : *list) {
      if (Status s = OpenMessage(*key, *owner, m); !s.ok()) return s;
    }
    return list;
  }
  StatusOr<int> DeleteMessagesBefore(std::string_view conversation_id, UnixMillis before) override {
    return in_.DeleteMessagesBefore(conversation_id, before);
  }

  Status AddNote(const Note& n) override {
    auto owner = OwnerOf(n.conversation_id);
    if (!owner.ok()) return owner.status();
    auto key = store_.KeyFor(*owner);
    if (!key.ok()) return key.status();
    Note sealed = n;
    sealed.text = Seal(*key, *owner, kNoteText, n.id, n.text);
    return in_.AddNote(sealed);
  }
  StatusOr<std::vector<Note>> ListNotes(std::string_view conversation_id) override {
    auto list = in_.ListNotes(conversation_id);
    if (!list.ok() || list->empty()) return list;
    auto owner = OwnerOf(conversation_id);
    if (!owner.ok()) return owner.status();
    auto key = store_.KeyFor(*owner);
    if (!key.ok()) return key.status();
    for (Note& n : *list) {
      if (Status s = Open(*key, *owner, kNoteText, n.id, n.text); !s.ok()) return s;
    }
    return list;
  }

  Status AddScreening(const ScreeningResult& r) override {
    auto key = store_.KeyFor(r.account_id);
    if (!key.ok()) return key.status();
    ScreeningResult sealed = r;
    sealed.payload = Seal(*key, r.account_id, kScreeningPayload, r.id, r.payload);
    return in_.AddScreening(sealed);
  }
  StatusOr<std::vector<ScreeningResult>> ListScreenings(std::string_view account_id) override {
    auto list = in_.ListScreenings(account_id);
    if (!list.ok() || list->empty()) return list;
    auto key = store_.KeyFor(std::string(account_id));
    if (!key.ok()) return key.status();
    for (ScreeningResult& r : *list) {
      if (Status s = Open(*key, r.account_id, kScreeningPayload, r.id, r.payload); !s.ok()) {
        return s;
      }
    }
    return list;
  }
  StatusOr<ScreeningResult> GetScreening(std::string_view account_id,
                                         std::string_view id) override {
    auto r = in_.GetScreening(account_id, id);
    if (!r.ok()) return r;
    auto key = store_.KeyFor(r->account_id);
    if (!key.ok()) return key.status();
    if (Status s = Open(*key, r->account_id, kScreeningPayload, r->id, r->payload); !s.ok()) {
      return s;
    }
    return r;
  }
  StatusOr<int> DeleteScreeningsBefore(std::string_view account_id, UnixMillis before) override {
    return in_.DeleteScreeningsBefore(account_id, before);
  }

  Status SetConsent(const Consent& c) override { return in_.SetConsent(c); }
  StatusOr<std::vector<Consent>> ListConsents(std::string_view id) override {
    return in_.ListConsents(id);
  }

  Status AddFeedback(const Feedback& f) override {
    Feedback sealed = f;
    if (!f.comment.empty()) {
      auto key = store_.KeyFor(f.account_id);
      if (!key.ok()) return key.status();
      sealed.comment = Seal(*key, f.account_id, kFeedbackComment, f.id, f.comment);
    }
    return in_.AddFeedback(sealed);
  }
  StatusOr<std::vector<Feedback>> ListFeedback(std::string_view conversation_id) override {
    auto list = in_.ListFeedback(conversation_id);
    if (!list.ok()) return list;
    for (Feedback& f : *list) {
      if (f.comment.empty()) continue;
      auto key = store_.KeyFor(f.account_id);
      if (!key.ok()) return key.status();
      if (Status s = Open(*key, f.account_id, kFeedbackComment, f.id, f.comment); !s.ok()) {
        return s;
      }
    }
    return list;
  }

  // Review items hold no personal field: they pass through. (A review itself is a Feedback with
  // kind "review", sealed to its account_id above like a rating.)
  Status AddReviewItem(const ReviewItem& item) override { return in_.AddReviewItem(item); }
  StatusOr<std::vector<ReviewItem>> ListReviewItems(bool done, int limit) override {
    return in_.ListReviewItems(done, limit);
  }
  Status CompleteReviewItem(std::string_view conversation_id, int64_t message_seq,
                            std::string_view reviewed_by, UnixMillis reviewed_at) override {
    return in_.CompleteReviewItem(conversation_id, message_seq, reviewed_by, reviewed_at);
  }

  StatusOr<std::optional<AuditRecord>> LastAuditRecord() override { return in_.LastAuditRecord(); }
  Status InsertAuditRecord(const AuditRecord& r) override { return in_.InsertAuditRecord(r); }
  StatusOr<std::vector<AuditRecord>> ListAuditRecords(int64_t after, int limit) override {
    return in_.ListAuditRecords(after, limit);
  }

 private:
  StatusOr<std::string> OwnerOf(std::string_view conversation_id) {
    auto c = in_.GetConversation(conversation_id);
    if (!c.ok()) return c.status();
    return std::move(c->owner_id);
  }

  static void SealAccount(const KeyPtr& key, Account& a) {
    if (a.nickname) a.nickname = Seal(key, a.id, kNickname, a.id, *a.nickname);
    if (!a.totp_secret.empty()) a.totp_secret = Seal(key, a.id, kTotp, a.id, a.totp_secret);
  }

  static Status OpenMessage(const KeyPtr& key, std::string_view owner, Message& m) {
    if (Status s = Open(key, owner, kMessageText, m.id, m.text); !s.ok()) return s;
    if (m.activity.empty()) return Status::Ok();
    return Open(key, owner, kMessageActivity, m.id, m.activity);
  }

  StatusOr<Account> OpenAccount(StatusOr<Account> a) {
    if (!a.ok()) return a;
    if (!a->nickname && a->totp_secret.empty()) return a;
    auto key = store_.KeyFor(a->id);
    if (!key.ok()) return key.status();
    if (a->nickname) {
      if (Status s = Open(*key, a->id, kNickname, a->id, *a->nickname); !s.ok()) return s;
    }
    if (!a->totp_secret.empty()) {
      if (Status s = Open(*key, a->id, kTotp, a->id, a->totp_secret); !s.ok()) return s;
    }
    return a;
  }

  Txn& in_;
  EncryptedStore& store_;
};

}  // namespace

EncryptedStore::EncryptedStore(std::unique_ptr<Store> inner, std::unique_ptr<KeyStore> keys,
                               crypto::Keyring keyring)
    : inner_(std::move(inner)), keys_(std::move(keys)), keyring_(std::move(keyring)) {}

EncryptedStore::~EncryptedStore() = default;

Status EncryptedStore::Transact(const std::function<Status(Txn&)>& fn) {
  return inner_->Transact([&](Txn& inner) {
    EncryptedTxn txn(inner, *this);
    return fn(txn);
  });
}

StatusOr<KeyPtr> EncryptedStore::KeyFor(const std::string& account_id) {
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(account_id); it != cache_.end()) return it->second;
  }
  auto wrapped = keys_->Get(account_id);
  if (!wrapped.ok()) {
    if (wrapped.status().code() == StatusCode::kNotFound) {
      return NotFound("no data key for this account (erased, or never created)");
    }
    return wrapped.status();
  }
  const crypto::Kek* kek = keyring_.Find(wrapped->kek_version);
  if (kek == nullptr) {
    return FailedPrecondition("a data key is wrapped under key version " +
                              std::to_string(wrapped->kek_version) +
                              ", which the key file given does not hold");
  }
  auto key =
      crypto::UnwrapKey(kek->key, kek->version, account_id, wrapped->dek_version, wrapped->wrapped);
  if (!key.ok()) return key.status();
  auto entry =
      std::make_shared<const DataKey>(DataKey{std::move(key).value(), wrapped->dek_version});
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCacheSize) cache_.clear();
  cache_[account_id] = entry;
  return entry;
}

StatusOr<KeyPtr> EncryptedStore::NewKeyFor(const std::string& account_id) {
  crypto::SecretKey dek = crypto::SecretKey::Random();
  const crypto::Kek& kek = keyring_.current();
  WrappedKey wrapped{account_id, 1, kek.version,
                     crypto::WrapKey(kek.key, kek.version, account_id, 1, dek)};
  Status put = keys_->Put(wrapped);
  if (put.code() == StatusCode::kFailedPrecondition) return KeyFor(account_id);
  if (!put.ok()) return put;
  auto entry = std::make_shared<const DataKey>(DataKey{std::move(dek), 1});
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCacheSize) cache_.clear();
  cache_[account_id] = entry;
  return entry;
}

Status EncryptedStore::DestroyDataKey(const std::string& account_id) {
  {
    std::lock_guard lock(cache_mu_);
    cache_.erase(account_id);
  }
  return keys_->Destroy(account_id);
}

}  // namespace haven::storage
