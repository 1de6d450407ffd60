// `haven serve --config FILE`: the operator's settings for the server and the chat service, in
// YAML. Every key is optional (a missing one keeps the built-in default, which the example file
// config/haven.example.yaml lists); an unknown key, a wrong type or a value out of range is an
// error naming the key and its line, so that a typo never passes silently. Flags given on the
// command line win over the file.
//
//   listen: 127.0.0.1:8443              # HOST:PORT, like --listen
//   web_root: /usr/share/haven/web      # like --web-root
//   allowed_origins: [https://haven.example]
//   tls: {cert: /etc/haven/cert.pem, key: /etc/haven/key.pem}
//   workers: 2                          # threads that run chat turns
//   locale: en-US                       # crisis lines when the browser gives none
//   limits: {max_message_bytes, max_frame_bytes, handshake_timeout_seconds,
//            idle_timeout_seconds, messages_per_minute, message_burst,
//            account_messages_per_minute, account_message_burst, address_messages_per_minute,
//            address_message_burst, max_connections, max_connections_per_address,
//            limit_loopback}
//   sessions: {seeker_idle_days, seeker_lifetime_days}
//   privacy: {default_retention_days, max_retention_days, unkept_history_hours,
//             max_export_mib}
#pragma once

#include <string>
#include <string_view>

#include "chat/chat_service.h"
#include "core/status.h"
#include "server/server.h"

namespace haven::cli {

// What the file sets apart from the two option structs: the values that have flags too.
struct ServeFileSettings {
  std::string listen;  // "" when the file does not say
  std::string tls_cert;
  std::string tls_key;
};

// Applies the YAML document `text` on top of `server` and `chat` (which hold the defaults, or
// anything set before). InvalidArgument "config: <key> (line N): <rule>" for an unknown key, a
// value of the wrong type or out of range, or malformed YAML; nothing is applied then.
Status ApplyServeConfig(std::string_view text, server::ServerOptions* server,
                        chat::ChatOptions* chat, ServeFileSettings* file);

// The same for a file; InvalidArgument naming the path when it cannot be read.
Status LoadServeConfig(const std::string& path, server::ServerOptions* server,
                       chat::ChatOptions* chat, ServeFileSettings* file);

}  // namespace haven::cli
