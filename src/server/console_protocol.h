// The console protocol v1 (docs/protocol.md, "Console protocol v1", at /console/ws): decoding a
// staff console's frames and encoding the server's. Pure functions, no I/O; every byte of a
// frame is untrusted and every failure is a value, never an exception. Error codes are those of
// the chat protocol (server/protocol.h) plus the console's below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/events.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "reply/draft_coach.h"
#include "server/protocol.h"

namespace haven::server {

namespace error_code {
inline constexpr char kForbidden[] = "forbidden";   // not for this role or conversation
inline constexpr char kNotFound[] = "not_found";    // no such conversation
inline constexpr char kTaken[] = "taken";           // another person has it
inline constexpr char kNotTaken[] = "not_taken";    // take it over first
inline constexpr char kClosed[] = "closed";         // the case is closed
inline constexpr char kBadReason[] = "bad_reason";  // a break-glass reason too short or long
}  // namespace error_code

enum class ConsoleType {
  kHello,  // token, last_event
  kPing,
  kQueueGet,      // "queue.get"
  kOpen,          // conversation, after_seq, reason
  kTakeover,      // conversation
  kHandback,      // conversation
  kSend,          // conversation, id, text, suggestion_used
  kNoteAdd,       // "note.add": conversation, text
  kTagsSet,       // "tags.set": conversation, tags
  kCaseClose,     // "case.close": conversation, outcome
  kDraft,         // conversation, text
  kReviewGet,     // "review.get"
  kReviewSubmit,  // "review.submit": conversation, seq, empathy, safety, helpfulness, flagged,
                  // rewrite
  kLabel,         // "label": conversation, seq, risk, emotions, intent (clinicians and admins)
};

struct ConsoleFrame {
  ConsoleType type = ConsoleType::kPing;
  std::string token;
  std::string last_event;
  std::string conversation;  // 32 lowercase hex characters
  int64_t after_seq = 0;
  int64_t seq = 0;
  std::string reason;
  std::string id;
  std::string text;
  bool suggestion_used = false;
  std::vector<std::string> tags;
  std::string outcome;
  chat::ReviewScores review;
  chat::MessageLabel label;
};

struct ConsoleDecoded {
  std::optional<ConsoleFrame> frame;
  DecodeError error;  // when !frame
};
// Decodes one frame. Unknown members are refused (bad_field).
ConsoleDecoded DecodeConsoleFrame(std::string_view bytes);

// {"type":"welcome","staff":{"account","username","role"},"epoch","last_event","resumed"}
std::string EncodeConsoleWelcome(const chat::StaffIdentity& who, std::string_view epoch,
                                 std::string_view last_event, bool resumed);
std::string EncodeQueue(const std::vector<chat::QueueItem>& items, std::string_view me);
// {"type":"event","id","kind","conversation", ...}: the event as `me` sees it (docs).
// `analysis` annotates a user message event (may be null).
std::string EncodeConsoleEvent(const chat::Event& e, std::string_view me,
                               const nlp::Analysis* analysis);
std::string EncodeConversation(const chat::ConversationView& view, std::string_view me);
std::string EncodeSent(std::string_view conversation, const chat::LiveMessage& m);
std::string EncodeNote(std::string_view conversation, const chat::NoteOut& note);
std::string EncodeDraftFeedback(std::string_view conversation, const reply::DraftFeedback& fb);
std::string EncodeReview(const std::vector<chat::ReviewEntry>& items);
std::string EncodeReviewSaved(std::string_view conversation, int64_t seq);
// {"type":"label.saved","conversation","label":{"seq","risk","emotions","intent","author","time"}}
std::string EncodeLabelSaved(std::string_view conversation, const chat::LabelOut& label);

}  // namespace haven::server
