// LiveConversations: the reply engine's conversation state (reply::Conversation) that ChatService
// keeps in memory between turns, so that guided flows and PHQ-9/GAD-7 screening, which need the
// state of the turn before, run in the web chat too.
//
// An entry stands for one stored conversation as seen up to `through_seq` (the last stored
// message it has taken in). It is valid for the next turn only when the message before that turn
// is exactly `through_seq`; anything else (a restart, a failed turn, another process, messages
// deleted by the privacy center) means the caller rebuilds the state from the stored history,
// which replays the messages and restores the guided activity stored with Haven's latest reply
// (storage::Message::activity): a flow or screening in progress goes on where it stood.
//
// Take removes the entry (the turn owns it); Put gives it back after the turn is committed. A
// turn that fails puts back a copy taken before it, so that its retry answers from the same
// state (and a questionnaire's last answer still completes it). At most `capacity`
// entries are kept; the least recently put one is dropped first. DropAccount forgets every entry
// of an account (logout, erasure, history deleted), so that no text stays in memory for it.
//
// Thread-safe. Holds the person's recent messages in memory (never on disk, never logged).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reply/engine.h"

namespace haven::chat {

struct LiveConversation {
  std::unique_ptr<reply::Conversation> conversation;
  std::string account_id;
  std::string locale;       // the engine's conversation is for this locale only
  int64_t through_seq = 0;  // the last stored message taken in
  size_t results_seen = 0;  // conversation->screening_results() already handled
  // (seq, risk level) of Haven's replies in the turn's window of history_turns messages since a
  // person of the team last handed back: what the escalation policy reads as the trajectory.
  std::vector<std::pair<int64_t, RiskLevel>> earlier_levels;
};

class LiveConversations {
 public:
  explicit LiveConversations(size_t capacity) : capacity_(capacity) {}

  // The entry of `conversation_id` when it has seen exactly the messages up to `through_seq` and
  // is for `locale`; nullptr otherwise. Either way the conversation has no entry afterwards.
  std::unique_ptr<LiveConversation> Take(std::string_view conversation_id, int64_t through_seq,
                                         std::string_view locale);
  // Keeps `entry` for the conversation's next turn (replacing any other), dropping the least
  // recently put entries beyond the capacity. A capacity of 0 keeps nothing.
  void Put(const std::string& conversation_id, std::unique_ptr<LiveConversation> entry);
  // Forgets every entry of the account.
  void DropAccount(std::string_view account_id);
  size_t size() const;

 private:
  using Order = std::list<std::string>;  // conversation ids, most recently put first
  struct Slot {
    std::unique_ptr<LiveConversation> entry;
    Order::iterator position;
  };
  void EraseLocked(std::map<std::string, Slot, std::less<>>::iterator it);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, Slot, std::less<>> slots_;
  Order order_;
};

}  // namespace haven::chat
