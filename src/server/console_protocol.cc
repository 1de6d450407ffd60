#include "server/console_protocol.h"

#include <nlohmann/json.hpp>

#include "chat/tokens.h"
#include "nlp/analysis_json.h"

namespace haven::server {
namespace {

using nlohmann::json;

ConsoleDecoded Fail(std::string code, std::string message, std::string id = {}) {
  ConsoleDecoded d;
  d.error = {std::move(code), std::move(message), std::move(id)};
  return d;
}

json Base(std::string_view type) {
  json j = json::object();
  j["v"] = kProtocolVersion;
  j["type"] = type;
  return j;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool IsConversationId(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view StateName(storage::ConversationState s) {
  switch (s) {
    case storage::ConversationState::kActive:
      return "active";
    case storage::ConversationState::kWaitingForStaff:
      return "waiting";
    case storage::ConversationState::kWithStaff:
      return "with_staff";
    case storage::ConversationState::kClosed:
      return "closed";
  }
  return "active";
}

std::string_view RoleName(storage::MessageRole r) {
  switch (r) {
    case storage::MessageRole::kUser:
      return "user";
    case storage::MessageRole::kAssistant:
      return "assistant";
    case storage::MessageRole::kStaff:
      return "staff";
    case storage::MessageRole::kSystem:
      return "system";
  }
  return "system";
}

json ItemJson(const chat::QueueItem& i, std::string_view me) {
  json j = json::object();
  j["conversation"] = i.conversation_id;
  j["seeker"] = i.owner_id.substr(0, 8);
  j["state"] = StateName(i.state);
  j["priority"] = i.priority;
  j["risk_level"] = RiskLevelName(i.risk_level);
  j["queued_at"] = i.queued_at;
  j["assigned"] = i.assigned_name.empty() ? json(nullptr) : json(i.assigned_name);
  j["assigned_to_me"] = !i.assigned_staff_id.empty() && i.assigned_staff_id == me;
  j["tags"] = i.tags;
  j["bot_paused"] = i.bot_paused;
  j["outcome"] = i.outcome;
  return j;
}

// The console's reading of a message: risk with evidence, the top emotions, intent, sentiment.
json AnalysisJson(const nlp::Analysis& a) {
  nlohmann::ordered_json full = nlp::AnalysisToJson(a);
  json j = json::object();
  j["risk"] = json::parse(full["risk"].dump());
  j["intent"] = json::parse(full["intent"].dump());
  j["sentiment"] = a.sentiment.compound;
  json emotions = json::array();
  for (const auto& label : full["emotions"]["labels"]) {
    if (emotions.size() >= 3) break;
    const std::string name = label.get<std::string>();
    emotions.push_back({{"label", name}, {"score", full["emotions"]["scores"][name]}});
  }
  j["emotions"] = std::move(emotions);
  return j;
}

json MessageJson(const chat::LiveMessage& m, const nlp::Analysis* analysis) {
  json j = json::object();
  j["seq"] = m.seq;
  j["role"] = RoleName(m.role);
  j["text"] = m.text;
  j["time"] = m.time;
  j["author"] = m.author_name.empty() ? json(nullptr) : json(m.author_name);
  if (m.role == storage::MessageRole::kAssistant) {
    j["strategy"] = m.strategy;
    j["why"] = m.why;
  }
  if (analysis) j["analysis"] = AnalysisJson(*analysis);
  return j;
}

// The members a frame may carry besides "v" and "type"; the first other one, if any.
std::optional<std::string> Unknown(const json& j, std::initializer_list<std::string_view> names) {
  for (const auto& [key, value] : j.items()) {
    bool ok = key == "v" || key == "type";
    for (auto n : names) ok = ok || key == n;
    if (!ok) return key;
  }
  return std::nullopt;
}

}  // namespace

ConsoleDecoded DecodeConsoleFrame(std::string_view bytes) {
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
  ConsoleFrame f;
  std::string id;
  if (auto i = j.find("id"); i != j.end() && i->is_string()) id = i->get<std::string>();

  auto str = [&](const char* name, std::string& out, size_t max, bool required) -> bool {
    auto it = j.find(name);
    if (it == j.end()) return !required;
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max) return false;
    out = it->get<std::string>();
    return true;
  };
  auto conversation = [&]() -> bool {
    return str("conversation", f.conversation, 32, true) && IsConversationId(f.conversation);
  };
  auto integer = [&](const char* name, int64_t& out, int64_t lo, int64_t hi,
                     bool required) -> bool {
    auto it = j.find(name);
    if (it == j.end()) return !required;
    if (!it->is_number_integer()) return false;
    int64_t x = it->get<int64_t>();
    if (x < lo || x > hi) return false;
    out = x;
    return true;
  };
  auto simple = [&](ConsoleType kind) -> ConsoleDecoded {
    f.type = kind;
    if (Unknown(j, {})) return Fail(error_code::kBadField, "unknown member");
    return {f, {}};
  };
  auto one_conversation = [&](ConsoleType kind) -> ConsoleDecoded {
    f.type = kind;
    if (Unknown(j, {"conversation"})) return Fail(error_code::kBadField, "unknown member");
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    return {f, {}};
  };

  if (type == "hello") {
    f.type = ConsoleType::kHello;
    if (Unknown(j, {"token", "last_event"})) return Fail(error_code::kBadField, "unknown member");
    if (!str("token", f.token, 256, true)) {
      return Fail(error_code::kBadField, "\"token\" must be a string");
    }
    if (!str("last_event", f.last_event, 64, false)) {
      return Fail(error_code::kBadField, "\"last_event\" must be a string");
    }
    return {f, {}};
  }
  if (type == "ping") return simple(ConsoleType::kPing);
  if (type == "queue.get") return simple(ConsoleType::kQueueGet);
  if (type == "review.get") return simple(ConsoleType::kReviewGet);
  if (type == "takeover") return one_conversation(ConsoleType::kTakeover);
  if (type == "handback") return one_conversation(ConsoleType::kHandback);
  if (type == "open") {
    f.type = ConsoleType::kOpen;
    if (Unknown(j, {"conversation", "after_seq", "reason"})) {
      return Fail(error_code::kBadField, "unknown member");
    }
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    if (!integer("after_seq", f.after_seq, 0, INT64_MAX, false)) {
      return Fail(error_code::kBadField, "\"after_seq\" must be a non-negative integer");
    }
    if (!str("reason", f.reason, 1000, false)) {
      return Fail(error_code::kBadReason, "\"reason\" must be a string of at most 1000 bytes");
    }
    return {f, {}};
  }
  if (type == "send") {
    f.type = ConsoleType::kSend;
    if (Unknown(j, {"conversation", "id", "text", "suggestion_used"})) {
      return Fail(error_code::kBadField, "unknown member", id);
    }
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id", id);
    auto i = j.find("id");
    if (i == j.end() || !i->is_string()) {
      return Fail(error_code::kBadClientId, "\"id\" must be a string");
    }
    f.id = id;
    auto tx = j.find("text");
    if (tx == j.end() || !tx->is_string()) {
      return Fail(error_code::kBadField, "\"text\" must be a string", id);
    }
    f.text = tx->get<std::string>();
    if (auto u = j.find("suggestion_used"); u != j.end()) {
      if (!u->is_boolean()) return Fail(error_code::kBadField, "\"suggestion_used\": bool", id);
      f.suggestion_used = u->get<bool>();
    }
    return {f, {}};
  }
  if (type == "note.add" || type == "draft") {
    f.type = type == "draft" ? ConsoleType::kDraft : ConsoleType::kNoteAdd;
    if (Unknown(j, {"conversation", "text"})) return Fail(error_code::kBadField, "unknown member");
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    auto tx = j.find("text");
    if (tx == j.end() || !tx->is_string()) {
      return Fail(error_code::kBadField, "\"text\" must be a string");
    }
    f.text = tx->get<std::string>();
    return {f, {}};
  }
  if (type == "tags.set") {
    f.type = ConsoleType::kTagsSet;
    if (Unknown(j, {"conversation", "tags"})) return Fail(error_code::kBadField, "unknown member");
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    auto tg = j.find("tags");
    if (tg == j.end() || !tg->is_array() || tg->size() > static_cast<size_t>(storage::kMaxTags)) {
      return Fail(error_code::kBadField, "\"tags\" must be an array of at most 16 tags");
    }
    for (const auto& x : *tg) {
      if (!x.is_string() || !storage::IsValidTag(x.get_ref<const std::string&>())) {
        return Fail(error_code::kBadField, "a tag is 1-32 of [a-z0-9_-]");
      }
      f.tags.push_back(x.get<std::string>());
    }
    return {f, {}};
  }
  if (type == "case.close") {
    f.type = ConsoleType::kCaseClose;
    if (Unknown(j, {"conversation", "outcome"})) {
      return Fail(error_code::kBadField, "unknown member");
    }
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    if (!str("outcome", f.outcome, 32, true)) {
      return Fail(error_code::kBadField, "\"outcome\" must be a string");
    }
    return {f, {}};
  }
  if (type == "review.submit") {
    f.type = ConsoleType::kReviewSubmit;
    if (Unknown(
            j, {"conversation", "seq", "empathy", "safety", "helpfulness", "flagged", "rewrite"})) {
      return Fail(error_code::kBadField, "unknown member");
    }
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    int64_t empathy = 0, safety = 0, helpfulness = 0;
    if (!integer("seq", f.seq, 1, INT64_MAX, true) || !integer("empathy", empathy, 1, 5, true) ||
        !integer("safety", safety, 1, 5, true) ||
        !integer("helpfulness", helpfulness, 1, 5, true)) {
      return Fail(error_code::kBadField, "\"seq\" and the three ratings (1-5) are required");
    }
    f.review.empathy = static_cast<int>(empathy);
    f.review.safety = static_cast<int>(safety);
    f.review.helpfulness = static_cast<int>(helpfulness);
    if (auto fl = j.find("flagged"); fl != j.end()) {
      if (!fl->is_boolean()) return Fail(error_code::kBadField, "\"flagged\" must be a boolean");
      f.review.flagged = fl->get<bool>();
    }
    if (!str("rewrite", f.review.rewrite, 8000, false)) {
      return Fail(error_code::kBadField, "\"rewrite\" must be a string");
    }
    return {f, {}};
  }
  if (type == "label") {
    f.type = ConsoleType::kLabel;
    if (Unknown(j, {"conversation", "seq", "risk", "emotions", "intent"})) {
      return Fail(error_code::kBadField, "unknown member");
    }
    if (!conversation()) return Fail(error_code::kBadField, "\"conversation\" must be an id");
    if (!integer("seq", f.seq, 1, INT64_MAX, true)) {
      return Fail(error_code::kBadField, "\"seq\" must be a positive integer");
    }
    std::string risk;
    if (!str("risk", risk, 16, false)) return Fail(error_code::kBadField, "\"risk\": a level");
    if (!risk.empty()) {
      f.label.risk = ParseRiskLevel(risk);
      if (!f.label.risk) return Fail(error_code::kBadField, "\"risk\": none..imminent");
    }
    if (auto em = j.find("emotions"); em != j.end()) {
      if (!em->is_array() || em->size() > chat::kMaxLabelEmotions) {
        return Fail(error_code::kBadField, "\"emotions\": at most 3 names");
      }
      for (const auto& x : *em) {
        if (!x.is_string() || x.get_ref<const std::string&>().size() > 32) {
          return Fail(error_code::kBadField, "\"emotions\": at most 3 names");
        }
        f.label.emotions.push_back(x.get<std::string>());
      }
    }
    if (!str("intent", f.label.intent, 32, false)) {
      return Fail(error_code::kBadField, "\"intent\" must be a string");
    }
    if (!chat::ValidateLabel(f.label).ok()) {
      return Fail(error_code::kBadField,
                  "a label needs a risk level, GoEmotions names or a contract intent");
    }
    return {f, {}};
  }
  return Fail(error_code::kUnknownType, "unknown \"type\"");
}

std::string EncodeConsoleWelcome(const chat::StaffIdentity& who, std::string_view epoch,
                                 std::string_view last_event, bool resumed) {
  json j = Base("welcome");
  j["staff"] = {{"account", who.account_id},
                {"username", who.username},
                {"role", storage::StaffRoleName(who.role)}};
  j["epoch"] = epoch;
  j["last_event"] = last_event;
  j["resumed"] = resumed;
  return Dump(j);
}

std::string EncodeQueue(const std::vector<chat::QueueItem>& items, std::string_view me) {
  json j = Base("queue");
  json list = json::array();
  for (const auto& i : items) list.push_back(ItemJson(i, me));
  j["items"] = std::move(list);
  return Dump(j);
}

std::string EncodeConsoleEvent(const chat::Event& e, std::string_view me,
                               const nlp::Analysis* analysis) {
  json j = Base("event");
  j["id"] = e.id;
  j["kind"] = chat::EventKindName(e.kind);
  j["conversation"] = e.conversation_id;
  if (e.item) j["item"] = ItemJson(*e.item, me);
  if (e.kind == chat::EventKind::kClosed && e.item) j["outcome"] = e.item->outcome;
  if (e.message) j["message"] = MessageJson(*e.message, analysis);
  if (e.kind == chat::EventKind::kBreakGlass) {
    j["staff"] = e.staff_name;
    j["reason"] = e.reason;
    j["expires_at"] = e.expires_at;
  }
  return Dump(j);
}

namespace {

json LabelJson(const chat::LabelOut& l) {
  return {{"seq", l.seq},
          {"risk", l.label.risk ? json(RiskLevelName(*l.label.risk)) : json(nullptr)},
          {"emotions", l.label.emotions},
          {"intent", l.label.intent.empty() ? json(nullptr) : json(l.label.intent)},
          {"author", l.author_name},
          {"time", l.time}};
}

}  // namespace

std::string EncodeConversation(const chat::ConversationView& v, std::string_view me) {
  json j = Base("conversation");
  j["item"] = ItemJson(v.item, me);
  j["bot_paused"] = v.item.bot_paused;
  j["outcome"] = v.item.outcome;
  j["break_glass"] = v.break_glass;
  json messages = json::array();
  for (const auto& m : v.messages) {
    messages.push_back(MessageJson(m.message, m.analysis ? &*m.analysis : nullptr));
  }
  j["messages"] = std::move(messages);
  json notes = json::array();
  for (const auto& n : v.notes) {
    notes.push_back({{"id", n.id}, {"author", n.author_name}, {"text", n.text}, {"time", n.time}});
  }
  j["notes"] = std::move(notes);
  json checkins = json::array();
  for (const auto& c : v.checkins) {
    checkins.push_back({{"instrument", c.instrument},
                        {"score", c.score ? json(*c.score) : json(nullptr)},
                        {"severity", c.severity.empty() ? json(nullptr) : json(c.severity)},
                        {"completed", c.completed},
                        {"time", c.time}});
  }
  j["checkins"] = std::move(checkins);
  j["mood_trend"] = v.mood_trend;
  j["labels_allowed"] = v.labels_allowed;
  json labels = json::array();
  for (const auto& l : v.labels) labels.push_back(LabelJson(l));
  j["labels"] = std::move(labels);
  return Dump(j);
}

std::string EncodeLabelSaved(std::string_view conversation, const chat::LabelOut& label) {
  json j = Base("label.saved");
  j["conversation"] = conversation;
  j["label"] = LabelJson(label);
  return Dump(j);
}

std::string EncodeSent(std::string_view conversation, const chat::LiveMessage& m) {
  json j = Base("sent");
  j["conversation"] = conversation;
  j["id"] = m.client_message_id;
  j["seq"] = m.seq;
  return Dump(j);
}

std::string EncodeNote(std::string_view conversation, const chat::NoteOut& n) {
  json j = Base("note");
  j["conversation"] = conversation;
  j["note"] = {{"id", n.id}, {"author", n.author_name}, {"text", n.text}, {"time", n.time}};
  return Dump(j);
}

std::string EncodeDraftFeedback(std::string_view conversation, const reply::DraftFeedback& fb) {
  json j = Base("draft.feedback");
  j["conversation"] = conversation;
  json mech = json::object();
  for (int i = 0; i < reply::kNumMechanisms; ++i) {
    auto m = static_cast<reply::Mechanism>(i);
    mech[std::string(reply::MechanismName(m))] = {{"level", fb.score[m].level},
                                                  {"score", fb.score[m].score}};
  }
  j["mechanisms"] = std::move(mech);
  j["suggestions"] = fb.suggestions;
  j["replies"] = fb.replies;
  j["warnings"] = fb.warnings;
  return Dump(j);
}

std::string EncodeReview(const std::vector<chat::ReviewEntry>& items) {
  json j = Base("review");
  json list = json::array();
  for (const auto& r : items) {
    list.push_back({{"conversation", r.conversation_id},
                    {"seq", r.seq},
                    {"reason", r.reason},
                    {"text", r.text},
                    {"context", r.context},
                    {"risk_level", RiskLevelName(r.risk_level)},
                    {"strategy", r.strategy},
                    {"time", r.time}});
  }
  j["items"] = std::move(list);
  return Dump(j);
}

std::string EncodeReviewSaved(std::string_view conversation, int64_t seq) {
  json j = Base("review.saved");
  j["conversation"] = conversation;
  j["seq"] = seq;
  return Dump(j);
}

}  // namespace haven::server
