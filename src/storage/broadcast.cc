#include "storage/broadcast.h"

#include <algorithm>
#include <utility>

namespace haven::storage {

class LocalBroadcastHub::Channel final : public Broadcast {
 public:
  explicit Channel(LocalBroadcastHub* hub) : hub_(hub) {}
  ~Channel() override { Stop(); }

  Status Start(Receiver receiver) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return FailedPrecondition("broadcast already started");
    started_ = true;
    receiver_ = std::move(receiver);
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  Status Send(std::string payload) override {
    if (payload.size() > kMaxPayload) return InvalidArgument("broadcast payload too large");
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return FailedPrecondition("broadcast stopped");
    }
    hub_->Deliver(payload);
    return Status::Ok();
  }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    hub_->Remove(this);
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  bool Leads() const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!started_ || stopped_) return false;
    }
    return hub_->IsFirst(this);
  }

  void Enqueue(const std::string& payload) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_ || !started_) return;
      queue_.push_back(payload);
    }
    cv_.notify_all();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      if (stopped_) return;
      std::string payload = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      receiver_(payload);
      lock.lock();
    }
  }

  LocalBroadcastHub* hub_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopped_ = false;
  Receiver receiver_;
  std::deque<std::string> queue_;
  std::thread thread_;
};

std::unique_ptr<Broadcast> LocalBroadcastHub::NewChannel() {
  auto channel = std::make_unique<Channel>(this);
  std::lock_guard<std::mutex> lock(mu_);
  channels_.push_back(channel.get());
  return channel;
}

void LocalBroadcastHub::Deliver(const std::string& payload) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Channel* c : channels_) c->Enqueue(payload);
}

bool LocalBroadcastHub::IsFirst(const Channel* channel) {
  std::lock_guard<std::mutex> lock(mu_);
  return !channels_.empty() && channels_.front() == channel;
}

void LocalBroadcastHub::Remove(Channel* channel) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(channels_, channel);
}

}  // namespace haven::storage
