#include "server/protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace haven::server {
namespace {

std::string CodeOf(std::string_view bytes) {
  Decoded d = DecodeClientFrame(bytes);
  return d.frame ? "ok" : d.error.code;
}

TEST(ProtocolTest, DecodesHelloMessageLogoutPing) {
  Decoded h =
      DecodeClientFrame(R"({"v":1,"type":"hello","token":"abc","locale":"en-GB","last_seq":4})");
  ASSERT_TRUE(h.frame);
  EXPECT_EQ(h.frame->type, ClientType::kHello);
  EXPECT_EQ(h.frame->token, "abc");
  EXPECT_EQ(h.frame->locale, "en-GB");
  EXPECT_EQ(h.frame->last_seq, 4);
  Decoded fresh = DecodeClientFrame(R"({"v":1,"type":"hello"})");
  ASSERT_TRUE(fresh.frame);
  EXPECT_FALSE(fresh.frame->token);
  Decoded m = DecodeClientFrame(R"({"v":1,"type":"message","id":"c1","text":"hi \u00e9"})");
  ASSERT_TRUE(m.frame);
  EXPECT_EQ(m.frame->type, ClientType::kMessage);
  EXPECT_EQ(m.frame->id, "c1");
  EXPECT_EQ(m.frame->text, "hi \xc3\xa9");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"logout"})"), "ok");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"ping"})"), "ok");
}

TEST(ProtocolTest, RefusesBadFramesWithCodes) {
  EXPECT_EQ(CodeOf("{not json"), "bad_json");
  EXPECT_EQ(CodeOf("[1,2]"), "bad_json");
  EXPECT_EQ(CodeOf(""), "bad_json");
  EXPECT_EQ(CodeOf("\"str\""), "bad_json");
  EXPECT_EQ(CodeOf("{\"v\":1,\"type\":\"message\",\"id\":\"a\",\"text\":\"\xff\"}"),
            "invalid_utf8");
  EXPECT_EQ(CodeOf(R"({"type":"hello"})"), "bad_version");
  EXPECT_EQ(CodeOf(R"({"v":2,"type":"hello"})"), "bad_version");
  EXPECT_EQ(CodeOf(R"({"v":"1","type":"hello"})"), "bad_version");
  EXPECT_EQ(CodeOf(R"({"v":1})"), "unknown_type");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"shout"})"), "unknown_type");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"hello","tokn":"x"})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"hello","token":5})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"hello","last_seq":-1})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"message","text":"x"})"), "bad_client_id");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"message","id":"a"})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"message","id":"a","text":"x","extra":1})"), "bad_field");
  Decoded d = DecodeClientFrame(R"({"v":1,"type":"message","id":"c9","text":7})");
  ASSERT_FALSE(d.frame);
  EXPECT_EQ(d.error.id, "c9");
}

TEST(ProtocolTest, ErrorMessagesNeverEchoTheFrame) {
  std::string secret = "my secret words";
  Decoded d =
      DecodeClientFrame(R"({"v":1,"type":"message","id":"a","text":")" + secret + R"(","x":1})");
  ASSERT_FALSE(d.frame);
  EXPECT_EQ(d.error.message.find("secret"), std::string::npos);
}

TEST(ProtocolTest, EncodesServerFrames) {
  chat::ReplyOut r;
  r.seq = 2;
  r.text = "I'm here.";
  r.strategy = "crisis";
  r.risk_level = RiskLevel::kHigh;
  r.escalate = true;
  r.emergency_number = "911";
  r.crisis_lines.push_back({"988 Lifeline", "988", "988", "", "https://988lifeline.org", "24/7"});
  auto j = nlohmann::json::parse(EncodeReply("c1", r));
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["type"], "reply");
  EXPECT_EQ(j["reply_to"], "c1");
  EXPECT_EQ(j["risk_level"], "high");
  EXPECT_EQ(j["escalate"], true);
  EXPECT_EQ(j["resources"]["emergency"], "911");
  EXPECT_EQ(j["resources"]["lines"][0]["call"], "988");

  chat::ReplyOut plain;
  plain.text = "ok";
  EXPECT_FALSE(nlohmann::json::parse(EncodeReply("c2", plain)).contains("resources"));

  auto ack = nlohmann::json::parse(EncodeAck({"c1", "m", 3, true}));
  EXPECT_EQ(ack["type"], "ack");
  EXPECT_EQ(ack["seq"], 3);
  EXPECT_EQ(ack["duplicate"], true);

  chat::SeekerSession s;
  s.account_id = "acc";
  s.conversation_id = "conv";
  s.token = "tok";
  s.recovery_phrase = "phrase";
  auto w = nlohmann::json::parse(EncodeWelcome(s, true));
  EXPECT_EQ(w["token"], "tok");
  EXPECT_EQ(w["recovery_phrase"], "phrase");
  s.recovery_phrase.clear();
  auto w2 = nlohmann::json::parse(EncodeWelcome(s, false));
  EXPECT_FALSE(w2.contains("token"));
  EXPECT_FALSE(w2.contains("recovery_phrase"));

  auto e = nlohmann::json::parse(EncodeError("bad_json", "frame is not a JSON object"));
  EXPECT_EQ(e["code"], "bad_json");
  EXPECT_FALSE(e.contains("id"));
}

}  // namespace
}  // namespace haven::server
