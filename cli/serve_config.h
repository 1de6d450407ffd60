// `haven serve --config FILE`: the operator's settings for the server and the chat service, in
// YAML. Every key is optional (a missing one keeps the built-in default, which the example file
// config/haven.example.yaml lists); an unknown key, a wrong type or a value out of range is an
// error naming the key and its line, so that a typo never passes silently. Flags given on the
// command line win over the file.
//
//   listen: 127.0.0.1:8443              # HOST:PORT, like --listen
//   store: postgres://haven@db/haven    # like --store (cli/store_options.h)
//   keys_store: postgres://haven@db/haven_keys   # like --keys-store
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
//   oversight: {review_sample_percent, break_glass_minutes}   # the staff console
//   learning: {bandit: off|explore|thompson, explore_percent}  # chat/learning.h
//   insights: {epsilon, period_budget, period_days, min_group_size, weeks, cache_hours}
//             # private insights for the admin pages (chat/insights.h); epsilons are decimals
//   (chat/oversight.h) webhooks:                           # the endpoints the escalation policy's
//   `notify` names
//     on_call: {url: https://..., secret_file: /etc/haven/on_call.key, ca_file: /ca.pem,
//               timeout_ms: 5000, max_attempts: 6}
// A webhook's url must be https:// (http:// only to a loopback host); its secret_file must be a
// regular file that group and others cannot read (chmod 600) holding a key of at least 32 bytes
// (read when the file is applied; a trailing newline is not part of it); ca_file is optional.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chat/chat_service.h"
#include "chat/insights.h"
#include "chat/learning.h"
#include "chat/oversight.h"
#include "core/status.h"
#include "server/server.h"
#include "server/webhook.h"

namespace haven::cli {

// What the file sets apart from the two option structs: the values that have flags too.
struct ServeFileSettings {
  std::string listen;  // "" when the file does not say
  std::string store;   // `store:` ("" when absent): sqlite or a PostgreSQL URL
  std::string keys_store;
  std::string tls_cert;
  std::string tls_key;
  // The `webhooks:` endpoints, in file order, each with its secret read from its secret_file:
  // what server::WebhookOptions::endpoints takes. Empty when the file names none.
  std::vector<server::WebhookEndpoint> webhooks;
  // The staff console's settings (`oversight:`): the share of ordinary bot replies sampled for
  // review and how long a break-glass grant lasts.
  chat::OversightOptions oversight;
  // Learning from feedback (`learning:`, chat/learning.h): the bandit's mode and, in explore
  // mode, the share of ordinary turns that try one of the best candidates at random.
  chat::BanditMode bandit = chat::BanditMode::kOff;
  double explore_rate = 0.1;
  // Private insights (`insights:`, chat/insights.h): the privacy budget of one release and of a
  // period, the minimum group size, the window and how long a release is served again.
  chat::InsightsOptions insights;
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
