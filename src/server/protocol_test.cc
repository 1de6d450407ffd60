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

TEST(ProtocolTest, DecodesThePrivacyFrames) {
  EXPECT_EQ(DecodeClientFrame(R"({"v":1,"type":"privacy.get"})").frame->type,
            ClientType::kPrivacyGet);
  EXPECT_EQ(DecodeClientFrame(R"({"v":1,"type":"export"})").frame->type, ClientType::kExport);
  Decoded c =
      DecodeClientFrame(R"({"v":1,"type":"consent.set","kind":"analytics","granted":true})");
  ASSERT_TRUE(c.frame);
  EXPECT_EQ(c.frame->type, ClientType::kConsentSet);
  EXPECT_EQ(c.frame->consent_kind, "analytics");
  EXPECT_TRUE(c.frame->granted);
  Decoded r = DecodeClientFrame(R"({"v":1,"type":"retention.set","days":30})");
  ASSERT_TRUE(r.frame);
  EXPECT_EQ(r.frame->retention_days, 30);
  Decoded e = DecodeClientFrame(R"({"v":1,"type":"erase","confirm":"erase everything"})");
  ASSERT_TRUE(e.frame);
  EXPECT_EQ(e.frame->type, ClientType::kErase);

  EXPECT_EQ(CodeOf(R"({"v":1,"type":"export","all":true})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"consent.set","kind":"analytics"})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"consent.set","kind":"analytics","granted":1})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"consent.set","kind":7,"granted":true})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"retention.set"})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"retention.set","days":"30"})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"retention.set","days":1.5})"), "bad_field");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"retention.set","days":-1})"), "bad_retention");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"retention.set","days":99999999999})"), "bad_retention");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"erase"})"), "confirm_required");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"erase","confirm":true})"), "confirm_required");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"erase","confirm":"yes"})"), "confirm_required");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"erase","confirm":"erase everything","now":1})"), "bad_field");
}

TEST(ProtocolTest, EncodesThePrivacyFrames) {
  chat::PrivacySummary p;
  p.account_id = "acc";
  p.created_at = 5;
  p.messages = 4;
  p.consents = {{"keep_history", true, true, 0}, {"analytics", true, false, 9}};
  p.retention_days = 30;
  p.retention_is_default = false;
  p.default_retention_days = 365;
  p.max_retention_days = 3650;
  auto j = nlohmann::json::parse(EncodePrivacy(p));
  EXPECT_EQ(j["type"], "privacy");
  EXPECT_EQ(j["account"], "acc");
  EXPECT_EQ(j["stored"]["messages"], 4);
  EXPECT_EQ(j["consents"]["keep_history"]["default"], true);
  EXPECT_FALSE(j["consents"]["keep_history"].contains("updated_at"));
  EXPECT_EQ(j["consents"]["analytics"]["updated_at"], 9);
  EXPECT_EQ(j["retention"]["days"], 30);
  EXPECT_EQ(j["retention"]["default_days"], 365);

  auto x = nlohmann::json::parse(EncodeExport(R"({"schema":"haven.export.v1","n":[1,2]})"));
  EXPECT_EQ(x["v"], 1);
  EXPECT_EQ(x["type"], "export");
  EXPECT_EQ(x["data"]["schema"], "haven.export.v1");
  EXPECT_EQ(nlohmann::json::parse(EncodeErased())["type"], "erased");
}

}  // namespace
}  // namespace haven::server

namespace haven::server {
namespace {

TEST(ProtocolTest, DecodesTheCheckInFrames) {
  Decoded m = DecodeClientFrame(R"({"v":1,"type":"mood","value":4})");
  ASSERT_TRUE(m.frame);
  EXPECT_EQ(m.frame->type, ClientType::kMood);
  EXPECT_EQ(m.frame->mood_value, 4);
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"mood","value":1})"), "ok");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"mood","value":5})"), "ok");
  Decoded h = DecodeClientFrame(R"({"v":1,"type":"history.get"})");
  ASSERT_TRUE(h.frame);
  EXPECT_EQ(h.frame->type, ClientType::kHistoryGet);

  // The value is exactly an integer from 1 to 5, and nothing else rides along.
  for (const char* bad :
       {R"({"v":1,"type":"mood"})", R"({"v":1,"type":"mood","value":0})",
        R"({"v":1,"type":"mood","value":6})", R"({"v":1,"type":"mood","value":-1})",
        R"({"v":1,"type":"mood","value":3.5})", R"({"v":1,"type":"mood","value":3.0})",
        R"({"v":1,"type":"mood","value":"3"})", R"({"v":1,"type":"mood","value":true})",
        R"({"v":1,"type":"mood","value":null})",
        R"({"v":1,"type":"mood","value":18446744073709551615})",
        R"({"v":1,"type":"mood","value":1e300})", R"({"v":1,"type":"mood","value":3,"note":"sad"})",
        R"({"v":1,"type":"history.get","since":0})"}) {
    EXPECT_EQ(CodeOf(bad), "bad_field") << bad;
  }
  // An optional id (a string; ChatService checks its characters) makes a resend idempotent.
  Decoded named = DecodeClientFrame(R"({"v":1,"type":"mood","id":"mood-1","value":2})");
  ASSERT_TRUE(named.frame);
  EXPECT_EQ(named.frame->id, "mood-1");
  EXPECT_EQ(m.frame->id, "");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"mood","id":7,"value":2})"), "bad_client_id");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"mood","id":null,"value":2})"), "bad_client_id");
  Decoded bad_value = DecodeClientFrame(R"({"v":1,"type":"mood","id":"mood-2","value":9})");
  ASSERT_FALSE(bad_value.frame);
  EXPECT_EQ(bad_value.error.code, "bad_field");
  EXPECT_EQ(bad_value.error.id, "mood-2");
  EXPECT_EQ(CodeOf(R"({"v":1,"type":"History.get"})"), "unknown_type");
  EXPECT_EQ(CodeOf(R"({"v":2,"type":"mood","value":3})"), "bad_version");
}

TEST(ProtocolTest, EncodesTheCheckInFrames) {
  chat::CheckIn mood;
  mood.instrument = "mood";
  mood.score = 2;
  mood.time = 1700000000000;
  auto saved = nlohmann::json::parse(EncodeMoodSaved(mood));
  EXPECT_EQ(saved,
            nlohmann::json::parse(R"({"v":1,"type":"mood.saved","value":2,"time":1700000000000})"));

  chat::CheckIn phq;
  phq.instrument = "phq9";
  phq.score = 12;
  phq.severity = "moderate";
  phq.time = 5;
  chat::CheckIn stopped;
  stopped.instrument = "gad7";
  stopped.completed = false;
  stopped.time = 6;
  auto h = nlohmann::json::parse(EncodeHistory({mood, phq, stopped}));
  EXPECT_EQ(h["type"], "history");
  ASSERT_EQ(h["screenings"].size(), 3u);
  EXPECT_EQ(h["screenings"][0], nlohmann::json::parse(
                                    R"({"instrument":"mood","score":2,"severity":null,
                                        "completed":true,"time":1700000000000})"));
  EXPECT_EQ(h["screenings"][1]["severity"], "moderate");
  EXPECT_EQ(h["screenings"][1]["score"], 12);
  EXPECT_TRUE(h["screenings"][2]["score"].is_null());
  EXPECT_EQ(h["screenings"][2]["completed"], false);
  EXPECT_EQ(nlohmann::json::parse(EncodeHistory({}))["screenings"], nlohmann::json::array());
}

}  // namespace
}  // namespace haven::server

namespace haven::server {
namespace {

TEST(ProtocolTest, DecodesFeedback) {
  Decoded up = DecodeClientFrame(R"({"v":1,"type":"feedback","seq":12,"rating":1})");
  ASSERT_TRUE(up.frame);
  EXPECT_EQ(up.frame->type, ClientType::kFeedback);
  EXPECT_EQ(up.frame->feedback_seq, 12);
  EXPECT_EQ(up.frame->rating, 1);
  EXPECT_TRUE(up.frame->text.empty());
  Decoded down = DecodeClientFrame(
      R"({"v":1,"type":"feedback","seq":3,"rating":-1,"comment":"a question first"})");
  ASSERT_TRUE(down.frame);
  EXPECT_EQ(down.frame->rating, -1);
  EXPECT_EQ(down.frame->text, "a question first");
  for (const char* bad :
       {R"({"v":1,"type":"feedback","rating":1})",
        R"({"v":1,"type":"feedback","seq":0,"rating":1})",
        R"({"v":1,"type":"feedback","seq":-4,"rating":1})",
        R"({"v":1,"type":"feedback","seq":"4","rating":1})", R"({"v":1,"type":"feedback","seq":4})",
        R"({"v":1,"type":"feedback","seq":4,"rating":0})",
        R"({"v":1,"type":"feedback","seq":4,"rating":2})",
        R"({"v":1,"type":"feedback","seq":4,"rating":1.0})",
        R"({"v":1,"type":"feedback","seq":4,"rating":"up"})",
        R"({"v":1,"type":"feedback","seq":4,"rating":1,"comment":7})",
        R"({"v":1,"type":"feedback","seq":4,"rating":1,"who":"me"})"}) {
    EXPECT_EQ(CodeOf(bad), "bad_field") << bad;
  }
  const std::string saved = EncodeFeedbackSaved({12, -1, true});
  EXPECT_EQ(saved, R"({"rating":-1,"seq":12,"type":"feedback.saved","v":1})");
}

}  // namespace
}  // namespace haven::server
