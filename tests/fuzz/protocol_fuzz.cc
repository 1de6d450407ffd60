// Any bytes as one WebSocket frame through the protocol decoder (src/server/protocol.h): never a
// crash or an exception; either a frame or an error whose code is one of the documented ones and
// whose message is a short fixed sentence (never the input); a decoded message's text is valid
// UTF-8 within the cap, and every server frame encoded from what was read is one valid JSON object.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "server/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ec = haven::server::error_code;
  static const std::set<std::string> kCodes = {
      ec::kBadJson,     ec::kBadVersion,   ec::kUnknownType,    ec::kBadField,
      ec::kInvalidUtf8, ec::kTooLarge,     ec::kEmpty,          ec::kBadClientId,
      ec::kBadConsent,  ec::kBadRetention, ec::kConfirmRequired};
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  haven::server::Decoded d = haven::server::DecodeClientFrame(bytes);
  if (!d.frame) {
    if (kCodes.count(d.error.code) == 0) std::abort();
    // The message is for developers and never quotes the frame: a short fixed sentence.
    if (d.error.message.empty() || d.error.message.size() > 200) std::abort();
    std::string e = haven::server::EncodeError(d.error.code, d.error.message, d.error.id);
    if (!nlohmann::json::accept(e)) std::abort();
    return 0;
  }
  const haven::server::ClientFrame& f = *d.frame;
  if (f.type == haven::server::ClientType::kMessage) {
    if (f.id.empty() || f.id.size() > 64) std::abort();  // empty text: the service refuses it
    // Round trip: the text is valid UTF-8 (a strict dump throws otherwise).
    try {
      (void)nlohmann::json(f.text).dump();
    } catch (const nlohmann::json::exception&) {
      std::abort();
    }
  }
  return 0;
}
