// `haven learn report`: reads the logged choices and their feedback from the records alone (no
// key file) and evaluates switching the bandit on.
#include "cli/learn_cmd.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "chat/learning.h"
#include "cli/store_options.h"
#include "cli/test_util.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::testing::TempDir;
using testing::Captured;

TEST(LearnReport, ReportsTheLoggedChoicesWithoutTheKey) {
  TempDir tmp;
  const std::string key = tmp / "haven.key";
  const std::string data = tmp / "data";
  auto where = ResolveStore("", "", data);
  ASSERT_TRUE(where.ok()) << where.status().message();
  int rated = 0;
  {
    auto store = OpenStorage(*where, key, /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(loaded.ok());
    auto learner = chat::Learner::Create(chat::BanditMode::kExplore, 0.5, 9);
    ASSERT_TRUE(learner.ok());
    std::shared_ptr<chat::Learner> shared = std::move(learner).value();
    (*loaded)->set_chooser(shared);
    chat::ChatService service(**loaded, **store);
    service.set_learner(shared.get());
    for (bool consents : {true, false}) {
      auto s = service.CreateSeeker();
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE(service.SetConsent(s->token, chat::consent::kDeidentifiedUse, consents).ok());
      int i = 0;
      for (const char* t : {"work has been so stressful lately", "my manager keeps piling it on",
                            "I feel like I'm letting everyone down"}) {
        auto r = service.Send(*s, "m" + std::to_string(i++), t, "en-US");
        ASSERT_TRUE(r.ok() && r->reply);
        auto f = service.RateReply(*s, r->reply->seq, 1, "");
        EXPECT_EQ(f.ok(), consents);
        if (f.ok() && f->learned) ++rated;
      }
    }
  }
  ASSERT_GT(rated, 0);
  LearnReportArgs args;
  args.data_dir = data;
  args.json = true;
  Captured c;
  ASSERT_EQ(RunLearnReport(args, c.out, c.err), 0) << c.ErrText();
  auto j = nlohmann::json::parse(c.OutText());
  // Only the person who allows de-identified use is counted.
  EXPECT_EQ(j["rated"], rated);
  EXPECT_EQ(j["choices"], rated);
  EXPECT_EQ(j["logged_policies"]["explore"], rated);
  EXPECT_DOUBLE_EQ(j["logged_mean_reward"].get<double>(), 1.0);
  EXPECT_EQ(j["recommendation"], "keep_collecting");
  EXPECT_FALSE(j["estimates"].empty());

  args.json = false;
  Captured text;
  ASSERT_EQ(RunLearnReport(args, text.out, text.err), 0);
  EXPECT_NE(text.OutText().find("recommendation: keep_collecting"), std::string::npos)
      << text.OutText();
  EXPECT_NE(text.OutText().find("best_ranked"), std::string::npos);
}

TEST(LearnReport, AMissingStoreIsAnError) {
  TempDir tmp;
  LearnReportArgs args;
  args.data_dir = tmp / "nothing-here";
  Captured c;
  EXPECT_EQ(RunLearnReport(args, c.out, c.err), 2);
  EXPECT_NE(c.ErrText().find("haven learn report:"), std::string::npos);
}

TEST(LearnReport, AnEmptyLogSaysSo) {
  chat::LearningReport r = chat::Evaluate({}, 1);
  const std::string text = FormatLearningReport(r, false);
  EXPECT_NE(text.find("logged choices: 0 (0 rated)"), std::string::npos) << text;
  EXPECT_NE(text.find("keep_collecting"), std::string::npos);
}

}  // namespace
}  // namespace haven::cli
