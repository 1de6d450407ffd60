// Clinicians' labels of a person's messages (issue 7): the risk level, up to three emotions and
// the intent a clinician reads in one message, given in the console (Oversight::LabelMessage)
// and used by `haven train` to rebuild the risk model and to measure every reader against people
// who know.
//
// A label is a Feedback row of kind "label" (storage/records.h): author_id is the clinician,
// message_seq the person's message, and the label itself, as JSON, sits in the sealed comment
// field (the reading of a person's message is as personal as the message). Labels are kept only
// for people who allow de-identified use (consent::kDeidentifiedUse), they go with the account
// on erasure, and a later label of the same message replaces an earlier one for training.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

inline constexpr char kLabelKind[] = "label";
inline constexpr size_t kMaxLabelEmotions = 3;

struct MessageLabel {
  std::optional<RiskLevel> risk;
  std::vector<std::string> emotions;  // GoEmotions names (nlp/analysis.h kEmotionNames)
  std::string intent;                 // a contract intent (nlp::IntentLabels), or ""
};

// InvalidArgument("bad_field") for an empty label, an unknown emotion or intent, a repeated
// emotion or more than kMaxLabelEmotions.
Status ValidateLabel(const MessageLabel& label);
std::string LabelToJson(const MessageLabel& label);
std::optional<MessageLabel> LabelFromJson(std::string_view json);

struct LabelledMessage {
  std::string label_id;
  std::string owner_id;
  std::string conversation_id;
  int64_t message_seq = 0;
  std::string text;  // the person's message, as stored (callers redact it before any use)
  MessageLabel label;
  std::string author_id;
  storage::UnixMillis labelled_at = 0;
};

// The latest label of every labelled message of people who allow de-identified use now, ordered
// by (labelled_at, label_id). `store` must be the decrypting store (storage/crypto).
StatusOr<std::vector<LabelledMessage>> CollectLabels(storage::Store& store);

}  // namespace haven::chat
