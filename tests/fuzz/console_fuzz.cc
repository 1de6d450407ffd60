// Any bytes as one console WebSocket frame through its decoder (src/server/console_protocol.h):
// never a crash or an exception; either a frame or an error whose code is one of the documented
// ones and whose message is a short fixed sentence (never the input); what was decoded holds
// the decoder's promises (a conversation id is 32 hex digits, tags are valid, ratings 1..5).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "server/console_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ec = haven::server::error_code;
  using haven::server::ConsoleType;
  static const std::set<std::string> kCodes = {ec::kBadJson,  ec::kBadVersion,  ec::kUnknownType,
                                               ec::kBadField, ec::kInvalidUtf8, ec::kBadClientId,
                                               ec::kBadReason};
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  haven::server::ConsoleDecoded d = haven::server::DecodeConsoleFrame(bytes);
  if (!d.frame) {
    if (kCodes.count(d.error.code) == 0) std::abort();
    if (d.error.message.empty() || d.error.message.size() > 200) std::abort();
    std::string e = haven::server::EncodeError(d.error.code, d.error.message, d.error.id);
    if (!nlohmann::json::accept(e)) std::abort();
    return 0;
  }
  const haven::server::ConsoleFrame& f = *d.frame;
  const bool names_conversation = f.type != ConsoleType::kHello && f.type != ConsoleType::kPing &&
                                  f.type != ConsoleType::kQueueGet &&
                                  f.type != ConsoleType::kReviewGet;
  if (names_conversation) {
    if (f.conversation.size() != 32) std::abort();
    for (char c : f.conversation) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
    }
  }
  for (const auto& t : f.tags) {
    if (!haven::storage::IsValidTag(t)) std::abort();
  }
  if (f.type == ConsoleType::kReviewSubmit) {
    for (int v : {f.review.empathy, f.review.safety, f.review.helpfulness}) {
      if (v < 1 || v > 5) std::abort();
    }
  }
  if (f.type == ConsoleType::kSend) {
    try {
      (void)nlohmann::json(f.text).dump();  // valid UTF-8
    } catch (const nlohmann::json::exception&) {
      std::abort();
    }
  }
  return 0;
}
