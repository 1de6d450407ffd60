#include "safety/crisis_resources.h"

#include <gtest/gtest.h>

#include <string>

namespace haven::safety {
namespace {

const std::string kPath = CrisisResources::DefaultPath(HAVEN_SOURCE_DATA_DIR);

const CrisisResources& Shipped() {
  static const CrisisResources r = [] {
    auto loaded = CrisisResources::Load(kPath);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? std::move(loaded).value() : CrisisResources::BuiltinFallback();
  }();
  return r;
}

TEST(CrisisResourcesTest, ShippedFileLoads) {
  auto r = CrisisResources::Load(kPath);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(r->regions().size(), 7u);
}

// The numbers the brief and docs/clinical-safety.md promise, checked against the file so an edit
// that drops or changes one fails here.
TEST(CrisisResourcesTest, ShippedNumbers) {
  const auto& r = Shipped();
  const RegionResources& us = r.ForLocale("en-US");
  EXPECT_EQ(us.region, "US");
  EXPECT_EQ(us.EmergencyNumber(), "911");
  ASSERT_GE(us.lines.size(), 2u);
  EXPECT_EQ(us.lines[0].call, "988");
  EXPECT_EQ(us.lines[0].text, "988");
  EXPECT_EQ(us.lines[1].text, "741741");
  EXPECT_EQ(us.lines[1].text_keyword, "HOME");

  const RegionResources& ca = r.ForLocale("fr-CA");
  EXPECT_EQ(ca.region, "CA");
  EXPECT_EQ(ca.EmergencyNumber(), "911");
  EXPECT_EQ(ca.lines[0].call, "988");
  EXPECT_EQ(ca.lines[0].text, "988");
  EXPECT_EQ(ca.lines[1].text, "686868");

  const RegionResources& gb = r.ForLocale("en-GB");
  EXPECT_EQ(gb.region, "GB");
  EXPECT_EQ(gb.emergency, (std::vector<std::string>{"999", "112"}));
  EXPECT_EQ(gb.lines[0].call, "116 123");

  const RegionResources& ie = r.ForLocale("en-IE");
  EXPECT_EQ(ie.region, "IE");
  EXPECT_EQ(ie.EmergencyNumber(), "112");
  EXPECT_EQ(ie.lines[0].call, "116 123");

  const RegionResources& au = r.ForLocale("en-AU");
  EXPECT_EQ(au.EmergencyNumber(), "000");
  EXPECT_EQ(au.lines[0].call, "13 11 14");

  const RegionResources& in = r.ForLocale("hi-IN");
  EXPECT_EQ(in.EmergencyNumber(), "112");
  EXPECT_EQ(in.lines[0].call, "14416");

  const RegionResources& nz = r.ForLocale("en-NZ");
  EXPECT_EQ(nz.EmergencyNumber(), "111");
  EXPECT_EQ(nz.lines[0].call, "1737");
  EXPECT_EQ(nz.lines[0].text, "1737");
}

TEST(CrisisResourcesTest, LocaleLookup) {
  const auto& r = Shipped();
  EXPECT_EQ(r.ForLocale("en-GB").region, "GB");
  EXPECT_EQ(r.ForLocale("en_gb").region, "GB");
  EXPECT_EQ(r.ForLocale("EN-GB").region, "GB");
  EXPECT_EQ(r.ForLocale("en-UK").region, "GB");  // alias
  EXPECT_EQ(r.ForLocale("ga-IE").region, "IE");
  EXPECT_EQ(r.ForLocale("en-Latn-US").region, "US");
  EXPECT_EQ(r.ForLocale("en-US-x-twain").region, "US");
  EXPECT_TRUE(r.ForLocale("en").is_fallback());
  EXPECT_TRUE(r.ForLocale("").is_fallback());
  EXPECT_TRUE(r.ForLocale("de-DE").is_fallback());
  EXPECT_TRUE(r.ForLocale("es-419").is_fallback());
  EXPECT_TRUE(r.ForLocale("zh-Hant-TW").is_fallback());
  EXPECT_TRUE(r.ForLocale("-GB").is_fallback());
  EXPECT_TRUE(r.ForLocale("en--GB").is_fallback());
  EXPECT_TRUE(r.ForLocale("GB").is_fallback());
  EXPECT_TRUE(r.ForLocale(std::string(1000, 'a') + "-GB").is_fallback());
}

TEST(CrisisResourcesTest, RegionOfLocale) {
  EXPECT_EQ(RegionOfLocale("en-GB"), "GB");
  EXPECT_EQ(RegionOfLocale("zh-Hant-TW"), "TW");
  EXPECT_EQ(RegionOfLocale("zh-yue-HK"), "HK");
  EXPECT_EQ(RegionOfLocale("es-419"), "419");
  EXPECT_EQ(RegionOfLocale("en"), "");
  EXPECT_EQ(RegionOfLocale("en-x-GB"), "");
  EXPECT_EQ(RegionOfLocale("1n-GB"), "");
}

TEST(CrisisResourcesTest, FallbackSaysLocalEmergencyAndFindAHelpline) {
  const RegionResources& f = Shipped().ForLocale("en");
  EXPECT_EQ(f.EmergencyNumber(), "your local emergency number");
  ASSERT_FALSE(f.lines.empty());
  EXPECT_EQ(f.lines[0].url, "https://findahelpline.com");
  EXPECT_EQ(f.lines[0].Describe(), "Find A Helpline: findahelpline.com");
  const auto builtin = CrisisResources::BuiltinFallback();
  EXPECT_EQ(builtin.ForLocale("en-GB").lines[0].url, "https://findahelpline.com");
}

TEST(CrisisResourcesTest, Describe) {
  const auto& r = Shipped();
  EXPECT_EQ(r.ForLocale("en-US").lines[0].Describe(),
            "988 Suicide & Crisis Lifeline: call or text 988 (24/7)");
  EXPECT_EQ(r.ForLocale("en-US").lines[1].Describe(),
            "Crisis Text Line: text HOME to 741741 (24/7)");
  EXPECT_EQ(r.ForLocale("en-GB").lines[0].Describe(), "Samaritans: call 116 123 (24/7, free)");
}

TEST(CrisisResourcesTest, EveryRegionIsComplete) {
  for (const auto& region : Shipped().regions()) {
    SCOPED_TRACE(region.region);
    EXPECT_FALSE(region.emergency.empty());
    EXPECT_FALSE(region.lines.empty());
    EXPECT_FALSE(region.country.empty());
  }
}

std::string Minimal(const std::string& line, const std::string& emergency = R"(["999"])") {
  return R"({"version": 1, "regions": {"GB": {"country": "UK", "emergency": )" + emergency +
         R"(, "lines": [)" + line +
         R"(]}}, "fallback": {"emergency": [], "lines": [{"id": "f", "name": "F", "url": "https://f.example"}]}})";
}

void ExpectError(const std::string& json, const std::string& fragment) {
  auto r = CrisisResources::Parse(json, "test.json");
  ASSERT_FALSE(r.ok()) << "accepted: " << json;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("test.json: "), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
}

TEST(CrisisResourcesTest, MinimalParses) {
  auto r = CrisisResources::Parse(Minimal(R"({"id": "a", "name": "A", "call": "116 123"})"), "t");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->ForLocale("en-GB").lines[0].call, "116 123");
}

TEST(CrisisResourcesTest, MalformedNamesPathAndField) {
  ExpectError("", "(document): not valid JSON");
  ExpectError("[]", "(document): must be an object");
  ExpectError(R"({"version": 2})", "version: must be 1");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "call": "call me"})"),
              "regions.GB.lines[0].call: not a phone number");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "call": 116})"),
              "regions.GB.lines[0].call: must be a string");
  ExpectError(Minimal(R"({"id": "a", "call": "116"})"), "regions.GB.lines[0].name: missing");
  ExpectError(Minimal(R"({"id": "a", "name": "A"})"),
              "regions.GB.lines[0]: needs at least one of call, text or url");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "url": "http://x.org"})"),
              "regions.GB.lines[0].url: must be an https://");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "cal": "116"})"),
              "regions.GB.lines[0]: unknown field \"cal\"");
  ExpectError(
      Minimal(R"({"id": "a", "name": "A", "call": "1"}, {"id": "a", "name": "B", "call": "22"})"),
      "regions.GB.lines[0].call: not a phone number");
  ExpectError(
      Minimal(R"({"id": "a", "name": "A", "call": "11"}, {"id": "a", "name": "B", "call": "22"})"),
      "regions.GB.lines[1].id: repeats");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "call": "116"})", "[]"),
              "regions.GB.emergency: needs at least one");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "call": "116"})", R"(["nine"])"),
              "regions.GB.emergency[0]: not a phone number");
  ExpectError(Minimal(R"({"id": "a", "name": "A", "text_keyword": "HI", "call": "116"})"),
              "regions.GB.lines[0].text_keyword: set without a text number");
  ExpectError(R"({"version": 1, "regions": {"gb": {}}, "fallback": {}})",
              "regions.gb: key must be a two-letter");
  ExpectError(R"({"version": 1, "regions": {}, "fallback": {}})", "regions: must be a non-empty");
  std::string no_fallback = Minimal(R"({"id": "a", "name": "A", "call": "116"})");
  no_fallback = no_fallback.substr(0, no_fallback.find(", \"fallback\"")) + "}";
  ExpectError(no_fallback, "fallback: missing");
  std::string bad_alias = Minimal(R"({"id": "a", "name": "A", "call": "116"})");
  bad_alias.insert(1, R"("aliases": {"UK": "XX"}, )");
  ExpectError(bad_alias, "aliases.UK: must name a region");
}

TEST(CrisisResourcesTest, MissingFileIsNotFoundWithPath) {
  auto r = CrisisResources::Load("/nonexistent/haven/resources.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/haven/resources.json"), std::string::npos);
}

}  // namespace
}  // namespace haven::safety
