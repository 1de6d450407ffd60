// ChatService::RateReply: a person's thumbs up or down on one of Haven's replies (chat_service.h).

#include <optional>
#include <string>
#include <string_view>

#include "chat/chat_service.h"
#include "chat/learning.h"
#include "nlp/text.h"

namespace haven::chat {

using storage::Txn;
using storage::UnixMillis;

StatusOr<FeedbackOut> ChatService::RateReply(const SeekerSession& session, int64_t seq, int rating,
                                             std::string_view comment) {
  if (rating != 1 && rating != -1) return InvalidArgument("bad_feedback");
  if (seq <= 0) return InvalidArgument("bad_feedback");
  if (comment.size() > kMaxFeedbackCommentBytes) return InvalidArgument("too_large");
  if (!nlp::IsValidUtf8(comment)) return InvalidArgument("invalid_utf8");
  const UnixMillis now = Now();
  std::optional<reply::ChoiceRecord> choice;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto live = LiveSession(txn, session.token, now);
    if (!live.ok()) return live.status();
    if (live->account_id != session.account_id) return NotFound("session not found or expired");
    auto conv = txn.GetConversation(session.conversation_id);
    if (!conv.ok()) return conv.status();
    if (conv->owner_id != session.account_id) return NotFound("conversation not found");
    if (!AllowsDeidentifiedUse(txn, session.account_id)) {
      return FailedPrecondition("consent_required");
    }
    auto rated = txn.ListMessages(session.conversation_id, seq - 1, 1);
    if (!rated.ok()) return rated.status();
    if (rated->empty() || rated->front().seq != seq ||
        rated->front().role != storage::MessageRole::kAssistant) {
      return InvalidArgument("bad_feedback");
    }
    choice = ChoiceInRationale(rated->front().rationale);
    storage::Feedback f;
    f.id = storage::NewRecordId();
    f.account_id = session.account_id;
    f.conversation_id = session.conversation_id;
    f.message_seq = seq;
    f.rating = rating;
    f.comment = std::string(comment);
    f.created_at = now;
    f.kind = "rating";
    return txn.AddFeedback(f);
  });
  if (!st.ok()) return st;
  FeedbackOut out;
  out.seq = seq;
  out.rating = rating;
  if (learner_ != nullptr && choice) {
    learner_->Reward(*choice, rating > 0);
    out.learned = true;
  }
  return out;
}

}  // namespace haven::chat
