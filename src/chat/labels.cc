#include "chat/labels.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "chat/learning.h"
#include "nlp/analysis.h"
#include "nlp/intent.h"

namespace haven::chat {

Status ValidateLabel(const MessageLabel& label) {
  if (!label.risk && label.emotions.empty() && label.intent.empty()) {
    return InvalidArgument("bad_field");
  }
  if (label.emotions.size() > kMaxLabelEmotions) return InvalidArgument("bad_field");
  for (size_t i = 0; i < label.emotions.size(); ++i) {
    const auto& e = label.emotions[i];
    if (std::find(nlp::kEmotionNames.begin(), nlp::kEmotionNames.end(), e) ==
        nlp::kEmotionNames.end()) {
      return InvalidArgument("bad_field");
    }
    if (std::find(label.emotions.begin(), label.emotions.begin() + static_cast<long>(i), e) !=
        label.emotions.begin() + static_cast<long>(i)) {
      return InvalidArgument("bad_field");
    }
  }
  if (!label.intent.empty()) {
    const auto names = nlp::IntentLabels();
    if (std::find(names.begin(), names.end(), label.intent) == names.end()) {
      return InvalidArgument("bad_field");
    }
  }
  return Status::Ok();
}

std::string LabelToJson(const MessageLabel& label) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (label.risk) j["risk"] = RiskLevelName(*label.risk);
  j["emotions"] = label.emotions;
  if (!label.intent.empty()) j["intent"] = label.intent;
  return j.dump();
}

std::optional<MessageLabel> LabelFromJson(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  MessageLabel l;
  if (auto it = j.find("risk"); it != j.end()) {
    if (!it->is_string()) return std::nullopt;
    l.risk = ParseRiskLevel(it->get<std::string>());
    if (!l.risk) return std::nullopt;
  }
  if (auto it = j.find("emotions"); it != j.end()) {
    if (!it->is_array()) return std::nullopt;
    for (const auto& e : *it) {
      if (!e.is_string()) return std::nullopt;
      l.emotions.push_back(e.get<std::string>());
    }
  }
  if (auto it = j.find("intent"); it != j.end()) {
    if (!it->is_string()) return std::nullopt;
    l.intent = it->get<std::string>();
  }
  if (!ValidateLabel(l).ok()) return std::nullopt;
  return l;
}

StatusOr<std::vector<LabelledMessage>> CollectLabels(storage::Store& store) {
  std::vector<LabelledMessage> out;
  Status st = store.Transact([&](storage::Txn& txn) -> Status {
    return ForEachConsentingConversation(
        txn, [&](const storage::Conversation& conv) -> StatusOr<bool> {
          auto feedback = txn.ListFeedback(conv.id);
          if (!feedback.ok()) return feedback.status();
          // Rows come in (created_at, id) order: the last label of a message wins.
          std::map<int64_t, LabelledMessage> latest;
          for (const auto& f : *feedback) {
            if (f.kind != kLabelKind) continue;
            auto label = LabelFromJson(f.comment);
            if (!label) continue;
            LabelledMessage m;
            m.label_id = f.id;
            m.owner_id = conv.owner_id;
            m.conversation_id = conv.id;
            m.message_seq = f.message_seq;
            m.label = std::move(*label);
            m.author_id = f.author_id;
            m.labelled_at = f.created_at;
            latest[f.message_seq] = std::move(m);
          }
          if (latest.empty()) return true;
          Status read = ForEachMessage(txn, conv.id, [&](const storage::Message& msg) {
            auto it = latest.find(msg.seq);
            if (it == latest.end() || msg.role != storage::MessageRole::kUser) return;
            it->second.text = msg.text;
            out.push_back(std::move(it->second));
            latest.erase(it);
          });
          if (!read.ok()) return read;
          return true;
        });
  });
  if (!st.ok()) return st;
  std::sort(out.begin(), out.end(), [](const LabelledMessage& a, const LabelledMessage& b) {
    return a.labelled_at != b.labelled_at ? a.labelled_at < b.labelled_at : a.label_id < b.label_id;
  });
  return out;
}

}  // namespace haven::chat
