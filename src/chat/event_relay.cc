#include "chat/event_relay.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace haven::chat {
namespace {

constexpr int kVersion = 1;

std::optional<EventKind> KindNamed(std::string_view name) {
  for (EventKind k : {EventKind::kQueued, EventKind::kUpdated, EventKind::kClosed,
                      EventKind::kMessage, EventKind::kStaffJoined, EventKind::kStaffLeft,
                      EventKind::kBreakGlass, EventKind::kQueuePosition}) {
    if (EventKindName(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace

EventRelay::EventRelay(Oversight& oversight, storage::Broadcast& broadcast)
    : oversight_(oversight), broadcast_(broadcast) {}

EventRelay::~EventRelay() { Stop(); }

Status EventRelay::Start() {
  if (started_) return FailedPrecondition("relay already started");
  if (Status s = broadcast_.Start([this](std::string_view p) { OnRemote(p); }); !s.ok()) return s;
  subscription_ = oversight_.events().Subscribe([this](const Event& e) { OnLocal(e); });
  oversight_.set_sweep_gate([this] { return broadcast_.Leads(); });
  started_ = true;
  return Status::Ok();
}

void EventRelay::Stop() {
  if (!started_) return;
  started_ = false;
  oversight_.events().Unsubscribe(subscription_);
  oversight_.set_sweep_gate(nullptr);
  broadcast_.Stop();
}

std::string EventRelay::Encode(const Event& e, std::string_view origin) {
  nlohmann::json j = {{"v", kVersion},
                      {"o", origin},
                      {"k", EventKindName(e.kind)},
                      {"c", e.conversation_id},
                      {"u", e.owner_id}};
  if (e.message) {
    j["seq"] = e.message->seq;
    if (e.message->pushed) j["pushed"] = true;
  }
  if (!e.staff_name.empty()) j["s"] = e.staff_name;
  if (!e.staff_id.empty()) j["a"] = e.staff_id;
  if (e.expires_at != 0) j["x"] = e.expires_at;
  if (e.kind == EventKind::kQueuePosition) j["p"] = e.position;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<Event> EventRelay::Decode(std::string_view payload, std::string* origin) {
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("v", 0) != kVersion) return InvalidArgument("bad_reference");
  try {
    auto kind = KindNamed(j.at("k").get<std::string>());
    if (!kind) return InvalidArgument("bad_reference");
    Event e;
    e.kind = *kind;
    e.conversation_id = j.at("c").get<std::string>();
    e.owner_id = j.at("u").get<std::string>();
    *origin = j.at("o").get<std::string>();
    if (e.kind == EventKind::kMessage || j.contains("seq")) {
      LiveMessage m;  // a skeleton: OnRemote reads a kMessage's message from the store
      m.seq = j.at("seq").get<int64_t>();
      m.pushed = j.value("pushed", false);
      e.message = std::move(m);
    }
    e.staff_name = j.value("s", std::string());
    e.staff_id = j.value("a", std::string());
    e.expires_at = j.value("x", int64_t{0});
    e.position = j.value("p", 0);
    if (e.conversation_id.empty()) return InvalidArgument("bad_reference");
    return e;
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument("bad_reference");
  }
}

void EventRelay::OnLocal(const Event& e) {
  if (e.remote) return;
  std::string payload = Encode(e, oversight_.events().epoch());
  if (broadcast_.Send(std::move(payload)).ok()) {
    ++sent_;
  } else {
    ++dropped_;
  }
}

void EventRelay::OnRemote(std::string_view payload) {
  std::string origin;
  auto decoded = Decode(payload, &origin);
  if (!decoded.ok()) {
    ++dropped_;
    return;
  }
  if (origin == oversight_.events().epoch()) return;  // our own, back from the channel
  Event e = std::move(decoded).value();
  e.remote = true;
  switch (e.kind) {
    case EventKind::kQueued:
    case EventKind::kUpdated:
    case EventKind::kClosed: {
      auto item = oversight_.CurrentItem(e.conversation_id);
      if (!item.ok()) {
        ++dropped_;
        return;
      }
      e.item = std::move(item).value();
      break;
    }
    case EventKind::kMessage: {
      const bool pushed = e.message->pushed;
      auto m = oversight_.StoredMessage(e.conversation_id, e.message->seq);
      if (!m.ok()) {
        ++dropped_;
        return;
      }
      e.message = std::move(m).value();
      e.message->pushed = pushed;
      break;
    }
    case EventKind::kBreakGlass:
      // The grant holds on every instance, as the reason (in the notes) and the audit do.
      oversight_.AddGrant(e.staff_id, e.conversation_id, e.expires_at);
      break;
    case EventKind::kStaffJoined:
    case EventKind::kStaffLeft:
    case EventKind::kQueuePosition:
      break;  // everything they carry came with the reference
  }
  oversight_.events().Publish(std::move(e));
  ++relayed_in_;
}

}  // namespace haven::chat
