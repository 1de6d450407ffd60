#include "server/console_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace haven::server {
namespace {

using nlohmann::json;

const std::string kConv = "0123456789abcdef0123456789abcdef";

std::string CodeOf(const std::string& bytes) {
  ConsoleDecoded d = DecodeConsoleFrame(bytes);
  return d.frame ? "ok" : d.error.code;
}

std::string Frame(json j) {
  j["v"] = 1;
  return j.dump();
}

TEST(ConsoleProtocolTest, DecodesEveryType) {
  auto hello =
      DecodeConsoleFrame(Frame({{"type", "hello"}, {"token", "t"}, {"last_event", "e:3"}}));
  ASSERT_TRUE(hello.frame);
  EXPECT_EQ(hello.frame->type, ConsoleType::kHello);
  EXPECT_EQ(hello.frame->last_event, "e:3");
  auto open = DecodeConsoleFrame(
      Frame({{"type", "open"}, {"conversation", kConv}, {"after_seq", 7}, {"reason", "why"}}));
  ASSERT_TRUE(open.frame);
  EXPECT_EQ(open.frame->after_seq, 7);
  EXPECT_EQ(open.frame->reason, "why");
  auto send = DecodeConsoleFrame(Frame({{"type", "send"},
                                        {"conversation", kConv},
                                        {"id", "s1"},
                                        {"text", "hi"},
                                        {"suggestion_used", true}}));
  ASSERT_TRUE(send.frame);
  EXPECT_TRUE(send.frame->suggestion_used);
  auto tags = DecodeConsoleFrame(
      Frame({{"type", "tags.set"}, {"conversation", kConv}, {"tags", {"a", "b-c"}}}));
  ASSERT_TRUE(tags.frame);
  EXPECT_EQ(tags.frame->tags, (std::vector<std::string>{"a", "b-c"}));
  auto review = DecodeConsoleFrame(Frame({{"type", "review.submit"},
                                          {"conversation", kConv},
                                          {"seq", 4},
                                          {"empathy", 3},
                                          {"safety", 5},
                                          {"helpfulness", 4},
                                          {"flagged", true},
                                          {"rewrite", "better"}}));
  ASSERT_TRUE(review.frame);
  EXPECT_EQ(review.frame->review.safety, 5);
  EXPECT_TRUE(review.frame->review.flagged);
  EXPECT_EQ(review.frame->review.rewrite, "better");
  auto label = DecodeConsoleFrame(Frame({{"type", "label"},
                                         {"conversation", kConv},
                                         {"seq", 3},
                                         {"risk", "high"},
                                         {"emotions", {"sadness", "fear"}},
                                         {"intent", "crisis"}}));
  ASSERT_TRUE(label.frame);
  EXPECT_EQ(label.frame->type, ConsoleType::kLabel);
  EXPECT_EQ(label.frame->seq, 3);
  EXPECT_EQ(label.frame->label.risk, RiskLevel::kHigh);
  EXPECT_EQ(label.frame->label.emotions, (std::vector<std::string>{"sadness", "fear"}));
  EXPECT_EQ(label.frame->label.intent, "crisis");
  for (const char* t : {"ping", "queue.get", "review.get"}) {
    EXPECT_EQ(CodeOf(Frame({{"type", t}})), "ok") << t;
  }
  for (const char* t : {"takeover", "handback"}) {
    EXPECT_EQ(CodeOf(Frame({{"type", t}, {"conversation", kConv}})), "ok") << t;
  }
  EXPECT_EQ(CodeOf(Frame({{"type", "note.add"}, {"conversation", kConv}, {"text", "n"}})), "ok");
  EXPECT_EQ(CodeOf(Frame({{"type", "draft"}, {"conversation", kConv}, {"text", ""}})), "ok");
  EXPECT_EQ(
      CodeOf(Frame({{"type", "case.close"}, {"conversation", kConv}, {"outcome", "resolved"}})),
      "ok");
}

TEST(ConsoleProtocolTest, RefusesBadFrames) {
  EXPECT_EQ(CodeOf("{"), "bad_json");
  EXPECT_EQ(CodeOf("\xff"), "invalid_utf8");
  EXPECT_EQ(CodeOf(R"({"type":"ping"})"), "bad_version");
  EXPECT_EQ(CodeOf(Frame({{"type", "nope"}})), "unknown_type");
  EXPECT_EQ(CodeOf(Frame({{"type", "ping"}, {"x", 1}})), "bad_field");
  EXPECT_EQ(CodeOf(Frame({{"type", "hello"}})), "bad_field");  // no token
  EXPECT_EQ(CodeOf(Frame({{"type", "open"}, {"conversation", "../../etc"}})), "bad_field");
  EXPECT_EQ(CodeOf(Frame({{"type", "open"}, {"conversation", std::string(32, 'A')}})),
            "bad_field");  // upper case is not an id
  EXPECT_EQ(CodeOf(Frame({{"type", "open"}, {"conversation", kConv}, {"after_seq", -1}})),
            "bad_field");
  EXPECT_EQ(CodeOf(Frame({{"type", "open"}, {"conversation", kConv}, {"reason", 3}})),
            "bad_reason");
  EXPECT_EQ(CodeOf(Frame({{"type", "send"}, {"conversation", kConv}, {"text", "x"}})),
            "bad_client_id");
  EXPECT_EQ(CodeOf(Frame({{"type", "tags.set"}, {"conversation", kConv}, {"tags", {"Bad"}}})),
            "bad_field");
  json many = json::array();
  for (int i = 0; i < 17; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_EQ(CodeOf(Frame({{"type", "tags.set"}, {"conversation", kConv}, {"tags", many}})),
            "bad_field");
  EXPECT_EQ(CodeOf(Frame({{"type", "review.submit"},
                          {"conversation", kConv},
                          {"seq", 1},
                          {"empathy", 6},
                          {"safety", 1},
                          {"helpfulness", 1}})),
            "bad_field");
  // A label must be a real one: a level, GoEmotions names (at most 3), a contract intent.
  for (const auto& bad :
       {Frame({{"type", "label"}, {"conversation", kConv}, {"seq", 1}}),
        Frame({{"type", "label"}, {"conversation", kConv}, {"risk", "low"}}),
        Frame({{"type", "label"}, {"conversation", kConv}, {"seq", 1}, {"risk", "severe"}}),
        Frame({{"type", "label"}, {"conversation", kConv}, {"seq", 1}, {"emotions", {"gloom"}}}),
        Frame({{"type", "label"},
               {"conversation", kConv},
               {"seq", 1},
               {"emotions", {"joy", "love", "fear", "anger"}}}),
        Frame({{"type", "label"}, {"conversation", kConv}, {"seq", 1}, {"intent", "shouting"}}),
        Frame({{"type", "label"},
               {"conversation", kConv},
               {"seq", 1},
               {"risk", "low"},
               {"text", "x"}})}) {
    EXPECT_EQ(CodeOf(bad), "bad_field") << bad;
  }
}

TEST(ConsoleProtocolTest, QueueEventsCarryNoText) {
  chat::QueueItem item;
  item.conversation_id = kConv;
  item.owner_id = "abcdef0123456789abcdef0123456789";
  item.priority = 2;
  item.risk_level = RiskLevel::kHigh;
  item.assigned_staff_id = "me";
  item.assigned_name = "sam";
  chat::Event e;
  e.id = "ep:4";
  e.kind = chat::EventKind::kQueued;
  e.conversation_id = kConv;
  e.item = item;
  json j = json::parse(EncodeConsoleEvent(e, "me", nullptr));
  EXPECT_EQ(j["kind"], "queued");
  EXPECT_EQ(j["item"]["seeker"], "abcdef01");  // a short pseudonym, not the account id
  EXPECT_EQ(j["item"]["priority"], 2);
  EXPECT_EQ(j["item"]["risk_level"], "high");
  EXPECT_TRUE(j["item"]["assigned_to_me"].get<bool>());
  EXPECT_FALSE(j.contains("message"));
  json q = json::parse(EncodeQueue({item}, "someone else"));
  EXPECT_FALSE(q["items"][0]["assigned_to_me"].get<bool>());
}

TEST(ConsoleProtocolTest, MessageEventsAnnotateTheReading) {
  chat::LiveMessage m;
  m.seq = 3;
  m.role = storage::MessageRole::kUser;
  m.text = "I want to die";
  nlp::Analysis a;
  a.risk.level = RiskLevel::kModerate;
  a.risk.evidence.push_back({{2, 13}, "active_ideation"});
  a.intent.label = "venting";
  chat::Event e;
  e.id = "ep:5";
  e.kind = chat::EventKind::kMessage;
  e.conversation_id = kConv;
  e.message = m;
  json j = json::parse(EncodeConsoleEvent(e, "me", &a));
  EXPECT_EQ(j["message"]["text"], "I want to die");
  EXPECT_EQ(j["message"]["analysis"]["risk"]["level"], "moderate");
  EXPECT_EQ(j["message"]["analysis"]["risk"]["evidence"][0]["start"], 2);
  EXPECT_EQ(j["message"]["analysis"]["intent"]["label"], "venting");
  EXPECT_TRUE(j["message"]["author"].is_null());
}

}  // namespace
}  // namespace haven::server
