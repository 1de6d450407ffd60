// The WebSocket chat protocol v1 (docs/protocol.md, "WebSocket chat protocol v1"): decoding the
// client's frames and encoding the server's. Pure functions, no I/O; every byte of a frame is
// untrusted and every failure is a value, never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/chat_service.h"
#include "chat/events.h"

namespace haven::server {

inline constexpr int kProtocolVersion = 1;

// Error codes of `error` frames (the "code" member).
namespace error_code {
inline constexpr char kBadJson[] = "bad_json";            // not a JSON object
inline constexpr char kBadVersion[] = "bad_version";      // "v" missing or not 1
inline constexpr char kUnknownType[] = "unknown_type";    // "type" missing or not known
inline constexpr char kBadField[] = "bad_field";          // a member missing, mistyped or unknown
inline constexpr char kInvalidUtf8[] = "invalid_utf8";    // the frame or the text is not UTF-8
inline constexpr char kTooLarge[] = "too_large";          // the text is over the cap
inline constexpr char kEmpty[] = "empty";                 // the text is blank
inline constexpr char kBadClientId[] = "bad_client_id";   // "id" is not 1..64 of [A-Za-z0-9_.:-]
inline constexpr char kRateLimited[] = "rate_limited";    // too many messages; retry later
inline constexpr char kNoSession[] = "no_session";        // a message before a successful hello
inline constexpr char kAlreadyHello[] = "already_hello";  // a second hello on one connection
inline constexpr char kAuthFailed[] = "auth_failed";      // unknown, expired or revoked token
inline constexpr char kShuttingDown[] = "shutting_down";  // the server is stopping
inline constexpr char kInternal[] = "internal";           // the server failed; nothing was lost
inline constexpr char kBadConsent[] = "bad_consent";      // consent.set with an unknown kind
inline constexpr char kBadRetention[] = "bad_retention";  // retention.set days out of range
inline constexpr char kConfirmRequired[] = "confirm_required";  // erase without "confirm"
inline constexpr char kExportTooLarge[] = "export_too_large";   // the export is over the cap
inline constexpr char kConsentRequired[] = "consent_required";  // feedback without the consent
inline constexpr char kBadFeedback[] = "bad_feedback";          // feedback on no reply of Haven's
}  // namespace error_code

enum class ClientType {
  kHello,
  kMessage,
  kLogout,
  kPing,
  kPrivacyGet,    // "privacy.get"
  kConsentSet,    // "consent.set": kind, granted
  kRetentionSet,  // "retention.set": days
  kExport,        // "export"
  kErase,         // "erase": confirm must be kEraseConfirmation
  kMood,          // "mood": value 1..5 (chat::kMoodMin..kMoodMax)
  kHistoryGet,    // "history.get"
  kHumanRequest,  // "human.request": talk to a person
  kFeedback,      // "feedback": seq, rating 1 or -1, optional comment (in `text`)
};

// The exact "confirm" value an erase frame must carry.
inline constexpr char kEraseConfirmation[] = "erase everything";

struct ClientFrame {
  ClientType type = ClientType::kPing;
  // hello
  std::optional<std::string> token;  // resume this session
  std::string locale;                // BCP-47, "" for the server's default
  int64_t last_seq = 0;              // history after this seq is sent back on resume
  // message
  std::string id;    // the client message id
  std::string text;  // also a feedback's comment
  // consent.set
  std::string consent_kind;
  bool granted = false;
  // retention.set
  int retention_days = 0;
  // mood
  int mood_value = 0;
  // feedback
  int64_t feedback_seq = 0;
  int rating = 0;
};

struct DecodeError {
  std::string code;     // one of error_code
  std::string message;  // for developers; never echoes the frame
  std::string id;       // the client message id when it could be read
};

// Decodes one frame. Unknown members are refused (bad_field), so a typo is never ignored.
struct Decoded {
  std::optional<ClientFrame> frame;
  DecodeError error;  // when !frame
};
Decoded DecodeClientFrame(std::string_view bytes);

// Server frames, each one JSON object on one line.
std::string EncodeWelcome(const chat::SeekerSession& session, bool include_secrets);
std::string EncodeAck(const chat::Ack& ack);
std::string EncodeReply(std::string_view client_id, const chat::ReplyOut& reply);
std::string EncodeError(std::string_view code, std::string_view message, std::string_view id = {});
std::string EncodePong();
std::string EncodeBye(std::string_view reason);
// The privacy center.
std::string EncodePrivacy(const chat::PrivacySummary& summary);
// `document` is ChatService::Export's JSON (trusted, already serialised):
// {"type":"export","data":…}
std::string EncodeExport(std::string_view document);
std::string EncodeErased();
// {"type":"feedback.saved","seq","rating"}
std::string EncodeFeedbackSaved(const chat::FeedbackOut& saved);
// Check-ins: {"type":"mood.saved","value","time"} (with the mood frame's "id" when it had one) and
// {"type":"history","screenings":[{"instrument","score","severity","completed","time"}]}
// (score and severity null when absent).
std::string EncodeMoodSaved(const chat::CheckIn& saved, std::string_view client_id = {});
// A person from the team (chat/oversight.h): {"type":"queue.position","position"} (1 = next;
// 0: a person already has the conversation), {"type":"staff.joined","name","seq"},
// {"type":"staff.message","seq","text","name","time"}, {"type":"staff.left","name","seq"} (seq:
// the system message the change left in the transcript), and
// {"type":"notice","seq","text","time","resources":{"emergency","lines"}} for a message Haven
// sends on its own (nobody has joined yet), with the crisis lines as in a reply.
std::string EncodeQueuePosition(int position);
std::string EncodeStaffJoined(std::string_view name, int64_t seq);
std::string EncodeStaffMessage(const chat::LiveMessage& m);
std::string EncodeStaffLeft(std::string_view name, int64_t seq);
std::string EncodeNotice(const chat::LiveMessage& m, const chat::ReplyOut& safety);
std::string EncodeHistory(const std::vector<chat::CheckIn>& checkins);

}  // namespace haven::server
