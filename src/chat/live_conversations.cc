#include "chat/live_conversations.h"

namespace haven::chat {

void LiveConversations::EraseLocked(std::map<std::string, Slot, std::less<>>::iterator it) {
  order_.erase(it->second.position);
  slots_.erase(it);
}

std::unique_ptr<LiveConversation> LiveConversations::Take(std::string_view conversation_id,
                                                          int64_t through_seq,
                                                          std::string_view locale) {
  std::lock_guard<std::mutex> guard(mu_);
  auto it = slots_.find(conversation_id);
  if (it == slots_.end()) return nullptr;
  std::unique_ptr<LiveConversation> entry = std::move(it->second.entry);
  EraseLocked(it);
  if (!entry || !entry->conversation || entry->through_seq != through_seq ||
      entry->locale != locale) {
    return nullptr;
  }
  return entry;
}

void LiveConversations::Put(const std::string& conversation_id,
                            std::unique_ptr<LiveConversation> entry) {
  if (!entry || capacity_ == 0) return;
  std::lock_guard<std::mutex> guard(mu_);
  if (auto it = slots_.find(conversation_id); it != slots_.end()) EraseLocked(it);
  order_.push_front(conversation_id);
  slots_.emplace(conversation_id, Slot{std::move(entry), order_.begin()});
  while (slots_.size() > capacity_) EraseLocked(slots_.find(order_.back()));
}

void LiveConversations::DropAccount(std::string_view account_id) {
  std::lock_guard<std::mutex> guard(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    auto next = std::next(it);
    if (it->second.entry->account_id == account_id) EraseLocked(it);
    it = next;
  }
}

size_t LiveConversations::size() const {
  std::lock_guard<std::mutex> guard(mu_);
  return slots_.size();
}

}  // namespace haven::chat
