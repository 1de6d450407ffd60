#include "server/protocol.h"

#include <nlohmann/json.hpp>

#include "chat/tokens.h"

namespace haven::server {
namespace {

using nlohmann::json;

Decoded Fail(std::string code, std::string message, std::string id = {}) {
  Decoded d;
  d.error = {std::move(code), std::move(message), std::move(id)};
  return d;
}

json Base(std::string_view type) {
  json j = json::object();
  j["v"] = kProtocolVersion;
  j["type"] = type;
  return j;
}

std::string Dump(const json& j) {
  // Strings here are valid UTF-8 (checked on the way in, or our own); replace anything else.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The crisis lines of a reply: {"emergency", "lines": [{"name", "call"?, ...}]}.
json Resources(const chat::ReplyOut& r) {
  json lines = json::array();
  for (const auto& l : r.crisis_lines) {
    json line = {{"name", l.name}};
    if (!l.call.empty()) line["call"] = l.call;
    if (!l.text.empty()) line["text"] = l.text;
    if (!l.text_keyword.empty()) line["text_keyword"] = l.text_keyword;
    if (!l.url.empty()) line["url"] = l.url;
    if (!l.hours.empty()) line["hours"] = l.hours;
    lines.push_back(std::move(line));
  }
  return {{"emergency", r.emergency_number}, {"lines", std::move(lines)}};
}

}  // namespace

Decoded DecodeClientFrame(std::string_view bytes) {
  if (!chat::IsValidUtf8(bytes)) return Fail(error_code::kInvalidUtf8, "frame is not UTF-8");
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(error_code::kBadJson, "frame is not a JSON object");
  }
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer() || v->get<int64_t>() != kProtocolVersion) {
    return Fail(error_code::kBadVersion, "\"v\" must be 1");
  }
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) return Fail(error_code::kUnknownType, "\"type\" missing");
  const std::string type = t->get<std::string>();
  ClientFrame f;
  std::string id;
  if (auto i = j.find("id"); i != j.end() && i->is_string()) id = i->get<std::string>();
  auto allowed = [&](std::initializer_list<std::string_view> names) -> std::optional<std::string> {
    for (const auto& [key, value] : j.items()) {
      bool ok = key == "v" || key == "type";
      for (auto n : names) ok = ok || key == n;
      if (!ok) return key;
    }
    return std::nullopt;
  };
  if (type == "hello") {
    f.type = ClientType::kHello;
    if (auto bad = allowed({"token", "locale", "last_seq"})) {
      return Fail(error_code::kBadField, "unknown member in hello");
    }
    if (auto tok = j.find("token"); tok != j.end()) {
      if (!tok->is_string()) return Fail(error_code::kBadField, "\"token\" must be a string");
      f.token = tok->get<std::string>();
    }
    if (auto loc = j.find("locale"); loc != j.end()) {
      if (!loc->is_string() || loc->get_ref<const std::string&>().size() > 35) {
        return Fail(error_code::kBadField, "\"locale\" must be a BCP-47 tag");
      }
      f.locale = loc->get<std::string>();
    }
    if (auto seq = j.find("last_seq"); seq != j.end()) {
      if (!seq->is_number_integer() || seq->get<int64_t>() < 0) {
        return Fail(error_code::kBadField, "\"last_seq\" must be a non-negative integer");
      }
      f.last_seq = seq->get<int64_t>();
    }
    return {f, {}};
  }
  if (type == "message") {
    f.type = ClientType::kMessage;
    if (allowed({"id", "text"})) return Fail(error_code::kBadField, "unknown member", id);
    auto i = j.find("id");
    if (i == j.end() || !i->is_string()) {
      return Fail(error_code::kBadClientId, "\"id\" must be a string");
    }
    auto tx = j.find("text");
    if (tx == j.end() || !tx->is_string()) {
      return Fail(error_code::kBadField, "\"text\" must be a string", id);
    }
    f.id = std::move(id);
    f.text = tx->get<std::string>();
    return {f, {}};
  }
  if (type == "privacy.get" || type == "export") {
    f.type = type == "export" ? ClientType::kExport : ClientType::kPrivacyGet;
    if (allowed({})) return Fail(error_code::kBadField, "unknown member");
    return {f, {}};
  }
  if (type == "consent.set") {
    f.type = ClientType::kConsentSet;
    if (allowed({"kind", "granted"})) return Fail(error_code::kBadField, "unknown member");
    auto k = j.find("kind");
    if (k == j.end() || !k->is_string()) {
      return Fail(error_code::kBadField, "\"kind\" must be a string");
    }
    auto g = j.find("granted");
    if (g == j.end() || !g->is_boolean()) {
      return Fail(error_code::kBadField, "\"granted\" must be true or false");
    }
    f.consent_kind = k->get<std::string>();
    f.granted = g->get<bool>();
    return {f, {}};
  }
  if (type == "retention.set") {
    f.type = ClientType::kRetentionSet;
    if (allowed({"days"})) return Fail(error_code::kBadField, "unknown member");
    auto d = j.find("days");
    if (d == j.end() || !d->is_number_integer()) {
      return Fail(error_code::kBadField, "\"days\" must be an integer");
    }
    int64_t days = d->get<int64_t>();
    if (days < 0 || days > 1'000'000) return Fail(error_code::kBadRetention, "days out of range");
    f.retention_days = static_cast<int>(days);
    return {f, {}};
  }
  if (type == "erase") {
    f.type = ClientType::kErase;
    if (allowed({"confirm"})) return Fail(error_code::kBadField, "unknown member");
    auto c = j.find("confirm");
    if (c == j.end() || !c->is_string() || c->get_ref<const std::string&>() != kEraseConfirmation) {
      return Fail(error_code::kConfirmRequired, "erase needs \"confirm\": \"erase everything\"");
    }
    return {f, {}};
  }
  if (type == "mood") {
    f.type = ClientType::kMood;
    if (allowed({"value", "id"})) return Fail(error_code::kBadField, "unknown member", id);
    if (auto i = j.find("id"); i != j.end() && !i->is_string()) {
      return Fail(error_code::kBadClientId, "\"id\" must be a string");
    }
    auto val = j.find("value");
    if (val == j.end() || !val->is_number_integer() || val->get<int64_t>() < chat::kMoodMin ||
        val->get<int64_t>() > chat::kMoodMax) {
      return Fail(error_code::kBadField, "\"value\" must be an integer from 1 to 5", id);
    }
    f.id = std::move(id);  // optional: makes a resend idempotent
    f.mood_value = static_cast<int>(val->get<int64_t>());
    return {f, {}};
  }
  if (type == "feedback") {
    f.type = ClientType::kFeedback;
    if (allowed({"seq", "rating", "comment"})) return Fail(error_code::kBadField, "unknown member");
    auto seq = j.find("seq");
    if (seq == j.end() || !seq->is_number_integer() || seq->get<int64_t>() <= 0) {
      return Fail(error_code::kBadField, "\"seq\" must be a positive integer");
    }
    auto r = j.find("rating");
    if (r == j.end() || !r->is_number_integer() ||
        (r->get<int64_t>() != 1 && r->get<int64_t>() != -1)) {
      return Fail(error_code::kBadField, "\"rating\" must be 1 or -1");
    }
    if (auto c = j.find("comment"); c != j.end()) {
      if (!c->is_string()) return Fail(error_code::kBadField, "\"comment\" must be a string");
      f.text = c->get<std::string>();
    }
    f.feedback_seq = seq->get<int64_t>();
    f.rating = static_cast<int>(r->get<int64_t>());
    return {f, {}};
  }
  if (type == "history.get") {
    f.type = ClientType::kHistoryGet;
    if (allowed({})) return Fail(error_code::kBadField, "unknown member");
    return {f, {}};
  }
  if (type == "human.request") {
    f.type = ClientType::kHumanRequest;
    if (allowed({})) return Fail(error_code::kBadField, "unknown member");
    return {f, {}};
  }
  if (type == "logout" || type == "ping") {
    f.type = type == "logout" ? ClientType::kLogout : ClientType::kPing;
    if (allowed({})) return Fail(error_code::kBadField, "unknown member");
    return {f, {}};
  }
  return Fail(error_code::kUnknownType, "unknown \"type\"");
}

std::string EncodeWelcome(const chat::SeekerSession& s, bool include_secrets) {
  json j = Base("welcome");
  j["account"] = s.account_id;
  j["conversation"] = s.conversation_id;
  j["resumed"] = s.resumed;
  if (include_secrets) j["token"] = s.token;
  if (!s.recovery_phrase.empty()) j["recovery_phrase"] = s.recovery_phrase;
  json history = json::array();
  for (const auto& h : s.history) {
    json m = {{"seq", h.seq}, {"role", h.role}, {"text", h.text}, {"time", h.created_at}};
    if (h.role == "user" && !h.client_message_id.empty()) m["id"] = h.client_message_id;
    if (!h.strategy.empty()) m["strategy"] = h.strategy;
    if (!h.author_name.empty()) m["name"] = h.author_name;
    history.push_back(std::move(m));
  }
  j["history"] = std::move(history);
  if (!s.staff_name.empty()) j["staff"] = {{"name", s.staff_name}};
  return Dump(j);
}

std::string EncodeAck(const chat::Ack& ack) {
  json j = Base("ack");
  j["id"] = ack.client_message_id;
  j["seq"] = ack.seq;
  j["duplicate"] = ack.duplicate;
  return Dump(j);
}

std::string EncodeReply(std::string_view client_id, const chat::ReplyOut& r) {
  json j = Base("reply");
  j["reply_to"] = client_id;
  j["seq"] = r.seq;
  j["text"] = r.text;
  j["strategy"] = r.strategy;
  j["risk_level"] = RiskLevelName(r.risk_level);
  j["escalate"] = r.escalate;
  j["urgent"] = r.urgent;
  if (!r.crisis_lines.empty() || !r.emergency_number.empty()) j["resources"] = Resources(r);
  return Dump(j);
}

std::string EncodeError(std::string_view code, std::string_view message, std::string_view id) {
  json j = Base("error");
  j["code"] = code;
  j["message"] = message;
  if (!id.empty() && id.size() <= 64 && chat::IsValidUtf8(id)) j["id"] = id;
  return Dump(j);
}

std::string EncodePong() { return Dump(Base("pong")); }

std::string EncodeBye(std::string_view reason) {
  json j = Base("bye");
  j["reason"] = reason;
  return Dump(j);
}

}  // namespace haven::server

namespace haven::server {

std::string EncodePrivacy(const chat::PrivacySummary& p) {
  json j = Base("privacy");
  j["account"] = p.account_id;
  j["created_at"] = p.created_at;
  j["stored"] = {
      {"conversations", p.conversations}, {"messages", p.messages}, {"notes", p.notes},
      {"screenings", p.screenings},       {"feedback", p.feedback}, {"nickname", p.has_nickname}};
  json consents = json::object();
  for (const auto& c : p.consents) {
    consents[c.kind] = {{"granted", c.granted}, {"default", c.is_default}};
    if (!c.is_default) consents[c.kind]["updated_at"] = c.updated_at;
  }
  j["consents"] = std::move(consents);
  j["retention"] = {{"days", p.retention_days},
                    {"default", p.retention_is_default},
                    {"default_days", p.default_retention_days},
                    {"max_days", p.max_retention_days}};
  return Dump(j);
}

std::string EncodeExport(std::string_view document) {
  // The document is already JSON; splice it in rather than parse and dump it again.
  std::string out = R"({"v":1,"type":"export","data":)";
  out.append(document);
  out.push_back('}');
  return out;
}

std::string EncodeErased() { return Dump(Base("erased")); }

std::string EncodeFeedbackSaved(const chat::FeedbackOut& saved) {
  json j = Base("feedback.saved");
  j["seq"] = saved.seq;
  j["rating"] = saved.rating;
  return Dump(j);
}

std::string EncodeMoodSaved(const chat::CheckIn& saved, std::string_view client_id) {
  json j = Base("mood.saved");
  if (!client_id.empty()) j["id"] = client_id;
  j["value"] = saved.score.value_or(0);
  j["time"] = saved.time;
  return Dump(j);
}

std::string EncodeHistory(const std::vector<chat::CheckIn>& checkins) {
  json j = Base("history");
  json list = json::array();
  for (const auto& c : checkins) {
    list.push_back({{"instrument", c.instrument},
                    {"score", c.score ? json(*c.score) : json(nullptr)},
                    {"severity", c.severity.empty() ? json(nullptr) : json(c.severity)},
                    {"completed", c.completed},
                    {"time", c.time}});
  }
  j["screenings"] = std::move(list);
  return Dump(j);
}

std::string EncodeQueuePosition(int position) {
  json j = Base("queue.position");
  j["position"] = position;
  return Dump(j);
}

std::string EncodeStaffJoined(std::string_view name, int64_t seq) {
  json j = Base("staff.joined");
  j["name"] = name;
  j["seq"] = seq;
  return Dump(j);
}

std::string EncodeStaffMessage(const chat::LiveMessage& m) {
  json j = Base("staff.message");
  j["seq"] = m.seq;
  j["text"] = m.text;
  j["name"] = m.author_name;
  j["time"] = m.time;
  return Dump(j);
}

std::string EncodeStaffLeft(std::string_view name, int64_t seq) {
  json j = Base("staff.left");
  j["name"] = name;
  j["seq"] = seq;
  return Dump(j);
}

std::string EncodeNotice(const chat::LiveMessage& m, const chat::ReplyOut& safety) {
  json j = Base("notice");
  j["seq"] = m.seq;
  j["text"] = m.text;
  j["time"] = m.time;
  j["resources"] = Resources(safety);
  return Dump(j);
}

}  // namespace haven::server
