// Notifier: how the oversight layer tells people outside Haven that someone needs them (the
// escalation policy's `notify` action). The server's implementation posts signed webhooks
// (server/webhook.h); tests record what they were given.
//
// A notification carries no message text and no personal field: a conversation's pseudonymous
// id, its priority, its risk level and the names of the policy rules that fired. The on-call
// person opens the console to read more (and that read is audited there).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace haven::chat {

struct Notification {
  std::string id;               // unique per notification (the receiver's idempotency key)
  std::string webhook;          // the endpoint's name in the policy ("on_call")
  std::string kind;             // "escalation" (a turn queued it) or "unanswered" (nobody took it)
  std::string conversation_id;  // pseudonymous
  int priority = 0;             // 1 (most urgent) .. 5
  std::string risk_level;       // "none" .. "imminent"
  std::vector<std::string> rules;  // the policy rules that matched, file order
  int64_t time = 0;                // UTC milliseconds
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Hands the notification over for delivery and returns at once; never blocks on the network
  // and never fails visibly (delivery problems go to the implementation's delivery log).
  // Thread-safe.
  virtual void Notify(Notification notification) = 0;
};

}  // namespace haven::chat
