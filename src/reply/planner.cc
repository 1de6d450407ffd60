#include "reply/planner.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reply/paraphrase.h"

namespace haven::reply {
namespace {

bool HasCategory(const nlp::Analysis& a, nlp::RiskCategory c) {
  return std::find(a.risk.categories.begin(), a.risk.categories.end(), c) !=
         a.risk.categories.end();
}

std::string LowerWords(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'') {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool StartsWithAny(const std::string& s, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (s.size() >= p.size() && s.compare(0, p.size(), p) == 0 &&
        (s.size() == p.size() || s[p.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

// Whether `words` (LowerWords) contains one of `phrases`, each written with a space at both ends
// (" any tips ") so that only whole words match.
bool HasPhrase(const std::string& words, std::initializer_list<std::string_view> phrases) {
  const std::string s = " " + words + " ";
  for (std::string_view p : phrases) {
    if (s.find(p) != std::string::npos) return true;
  }
  return false;
}

// Whether a sentence (LowerWords) ends by taking leave: "ok I have to go", "I need to go soon".
// Only at its end: "I have to go to work" does not.
bool EndsWithLeave(std::string_view sentence) {
  const std::string s = " " + std::string(sentence) + " ";
  // "I don't know where I need to go", "what if I have to go": not leaving.
  for (std::string_view w : {" where ", " if ", " whether ", " when "}) {
    if (s.find(w) != std::string::npos) return false;
  }
  for (std::string_view w :
       {" take care ", " gotta go ", " got to go ", " have to go ", " need to go ", " must go ",
        " gotta go now ", " have to go now ", " need to go now ", " have to go soon ",
        " need to go soon ", " should go now ", " should get going ", " have to run ",
        " take care of yourself "}) {
    if (s.size() >= w.size() && s.compare(s.size() - w.size(), w.size(), w) == 0) return true;
  }
  return false;
}

// Whether the last sentence of `text` takes leave ("thanks, bye!", "have a great day. Bye!",
// "ok I have to go, take care"). "Take care of my mum" and "I have to go to work" do not.
bool TakesLeave(std::string_view text) {
  // The last two sentences with words in them.
  std::string last, before;
  size_t end = text.size();
  while (end > 0 && before.empty()) {
    size_t start = text.find_last_of(".!?;\n", end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string words = LowerWords(text.substr(start, end - start));
    if (!words.empty()) (last.empty() ? last : before) = std::move(words);
    end = start == 0 ? 0 : start - 1;
  }
  // "I have to go now. Thank you for chatting with me!": leave taken, then thanks or kind words.
  if (!before.empty() && EndsWithLeave(before) &&
      HasPhrase(last, {" thank ", " thanks ", " thx ", " appreciate ", " you're ", " you are ",
                       " take care ", " nice talking ", " nice chatting ", " good talking "})) {
    return true;
  }
  if (HasPhrase(last, {" bye ",
                       " goodbye ",
                       " bye bye ",
                       " see ya ",
                       " cya ",
                       " good night ",
                       " goodnight ",
                       " talk later ",
                       " talk soon ",
                       " signing off ",
                       " logging off ",
                       " have a good one ",
                       " have a good day ",
                       " have a great day ",
                       " have a nice day ",
                       " have a wonderful day ",
                       " have a lovely day ",
                       " have a good night ",
                       " have a great evening ",
                       " have a good evening ",
                       " see you soon ",
                       " see you later ",
                       " see you tomorrow ",
                       " see you around ",
                       " see you next time ",
                       " have a merry christmas ",
                       " merry christmas ",
                       " happy holidays ",
                       " happy new year ",
                       " have a good weekend ",
                       " have a great weekend ",
                       " have a nice weekend ",
                       " have a nice evening ",
                       " have a lovely evening ",
                       " enjoy the rest of your day ",
                       " enjoy your day ",
                       " enjoy your evening ",
                       " enjoy the rest of your evening "})) {
    return true;
  }
  const std::string s = " " + last + " ";
  // A last sentence that is only a parting wish ("Thank you so much. Take care. Be safe.").
  for (std::string_view w : {"be safe", "stay safe", "you too", "same to you", "cheers",
                             "take care", "bye for now", "later", "laters", "all the best"}) {
    if (last == w) return true;
  }
  return EndsWithLeave(last);
}

// Whether a sentence of `text` other than the thanks says something of its own at length
// ("Thank you. My husband thinks I should stop seeing her, but we've been friends for years").
bool NewsBesideThanks(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(".!?;\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string words = LowerWords(text.substr(start, end - start));
    const bool thanks = words.find("thank") != std::string::npos ||
                        words.find("thx") != std::string::npos ||
                        words.find("appreciate") != std::string::npos;
    const size_t n = words.empty() ? 0 : std::count(words.begin(), words.end(), ' ') + 1;
    if (!thanks && n >= 10) return true;
    start = end + 1;
  }
  return false;
}

// A question about Haven as if it were a person ("tell me about you", "where are you living",
// "are you male or female"): answered with the truth, that it is an AI.
bool AsksAboutHavenAsAPerson(const std::string& words) {
  return HasPhrase(words, {" tell me about you ",
                           " tell me about yourself ",
                           " tell me something about you ",
                           " tell me about you something ",
                           " your hobbies ",
                           " your hobby ",
                           " where are you living ",
                           " where do you live ",
                           " where are you from ",
                           " how old are you ",
                           " are you male ",
                           " are you female ",
                           " are you a man ",
                           " are you a woman ",
                           " are you a girl ",
                           " are you a guy ",
                           " are you married ",
                           " do you have kids ",
                           " do you have children ",
                           " what do you do for fun ",
                           " what do you do for a living ",
                           " what's your name ",
                           " what is your name "});
}

// How long something has gone on, in a short answer (LowerWords) to "how long has it been like
// this?": "kLong" for months, years, "forever", "a long time"; "kRecent" for hours, days, a week,
// "since yesterday"; kNone when the answer names no time or says more than an answer.
enum class Duration { kNone, kRecent, kLong };
Duration ReadDuration(const std::string& words) {
  if (words.empty() || std::count(words.begin(), words.end(), ' ') >= 12) return Duration::kNone;
  const std::string s = " " + words + " ";
  for (std::string_view w : {" forever ",
                             " ages ",
                             " a long time ",
                             " a long while ",
                             " long time ",
                             " years ",
                             " year ",
                             " months ",
                             " month ",
                             " my whole life ",
                             " all my life ",
                             " as long as i can ",
                             " since i was ",
                             " since childhood ",
                             " since high school ",
                             " since school ",
                             " since college ",
                             " since university ",
                             " since the pandemic ",
                             " since covid ",
                             " since last year ",
                             " for a while ",
                             " quite a while ",
                             " a while now ",
                             " decade ",
                             " decades "}) {
    if (s.find(w) != std::string::npos) return Duration::kLong;
  }
  for (std::string_view w : {" days ",
                             " day ",
                             " hours ",
                             " hour ",
                             " a week ",
                             " one week ",
                             " two weeks ",
                             " couple of weeks ",
                             " couple weeks ",
                             " few weeks ",
                             " weeks ",
                             " week ",
                             " yesterday ",
                             " last night ",
                             " this morning ",
                             " today ",
                             " since monday ",
                             " since tuesday ",
                             " since wednesday ",
                             " since thursday ",
                             " since friday ",
                             " since saturday ",
                             " since sunday ",
                             " since the weekend ",
                             " recently ",
                             " not long "}) {
    if (s.find(w) != std::string::npos) return Duration::kRecent;
  }
  return Duration::kNone;
}

// An explicit request for ideas, whatever else the message says ("I guess I'm like that. Do you
// have any other suggestions how I can get past this?").
bool AsksForIdeas(const std::string& words) {
  if (HasPhrase(words, {" any suggestions ",
                        " any suggestion ",
                        " any advice ",
                        " any ideas ",
                        " any idea for ",
                        " any tips ",
                        " any tip ",
                        " what should i do ",
                        " what can i do ",
                        " what do you suggest ",
                        " what would you suggest ",
                        " what would you recommend ",
                        " what do you recommend ",
                        " can you suggest ",
                        " can you recommend ",
                        " give me advice ",
                        " give me some advice ",
                        " how can i get past ",
                        " how can i get over ",
                        " how do i get over ",
                        " how can i stop ",
                        " how do i stop ",
                        " how can i deal ",
                        " how do i deal ",
                        " how do i cope ",
                        " how can i cope ",
                        " what would you do ",
                        " if you were me "})) {
    return true;
  }
  // "any craft ideas", "any other good tips", "any resources".
  std::vector<std::string_view> tokens;
  for (size_t at = 0; at < words.size();) {
    size_t sp = words.find(' ', at);
    if (sp == std::string::npos) sp = words.size();
    tokens.push_back(std::string_view(words).substr(at, sp - at));
    at = sp + 1;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] != "any") continue;
    for (size_t k = i + 1; k < tokens.size() && k <= i + 3; ++k) {
      const std::string_view t = tokens[k];
      if (t == "ideas" || t == "suggestions" || t == "tips" || t == "advice" || t == "resources" ||
          t == "recommendations") {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string ReadOfferReply(std::string_view text) {
  std::string s = LowerWords(text);
  if (s.empty()) return "";
  if (StartsWithAny(s,
                    {"no", "nah", "nope", "not now", "not really", "not yet", "no thanks",
                     "i'd rather not", "id rather not", "rather not", "i don't want", "i dont want",
                     "just listen", "i just want to talk", "maybe later", "not right now"})) {
    return "no";
  }
  if (StartsWithAny(
          s, {"yes",         "yeah",     "yea",     "yep",        "sure",      "ok",
              "okay",        "alright",  "please",  "go on",      "go ahead",  "why not",
              "i guess",     "let's",    "lets",    "i'd like",   "id like",   "that would help",
              "sounds good", "i'll try", "ill try", "definitely", "of course", "maybe",
              "i suppose",   "y"})) {
    return "yes";
  }
  return "";
}

Plan PlanTurn(std::string_view text, const nlp::Analysis& analysis,
              const safety::ConversationContext& context, const ConversationState& state,
              const safety::PolicyConfig& config) {
  Plan plan;
  safety::ConversationContext here = context;
  here.takes_leave_after_talk = state.user_turns() >= 2 && TakesLeave(text);
  plan.decision = safety::Decide(analysis, here, config);
  const safety::Decision& d = plan.decision;
  plan.why.push_back("safety:" + std::string(safety::ActionName(d.action)));
  for (const std::string& r : d.reasons) plan.why.push_back("safety_reason:" + r);
  plan.why.push_back("risk:" + std::string(RiskLevelName(d.effective_level)));
  const std::string& intent = analysis.intent.label;
  plan.why.push_back("intent:" + intent);

  // 1. Safety first; nothing below can override it.
  switch (d.action) {
    case safety::Action::kEmergency:
      plan.strategy = Strategy::kCrisis;
      plan.tag = HasCategory(analysis, nlp::RiskCategory::kMedical) &&
                         analysis.risk.level < RiskLevel::kImminent
                     ? "medical"
                     : "emergency";
      return plan;
    case safety::Action::kCrisisReply:
      plan.strategy = Strategy::kCrisis;
      plan.tag = HasCategory(analysis, nlp::RiskCategory::kMedical) &&
                         analysis.risk.level < RiskLevel::kModerate
                     ? "medical"
                     : "crisis";
      return plan;
    case safety::Action::kHandoff:
      plan.strategy = Strategy::kHandoff;
      if (HasCategory(analysis, nlp::RiskCategory::kHarmToOthers)) {
        plan.tag = "harm_to_others";
      } else if (HasCategory(analysis, nlp::RiskCategory::kAbuse)) {
        plan.tag = "abuse";
      } else {
        plan.tag = "handoff";
      }
      return plan;
    case safety::Action::kCheckIn:
      plan.strategy = Strategy::kCrisis;
      plan.tag = "check_in";
      return plan;
    case safety::Action::kContinue:
      break;
  }

  // 2. Intents answered directly.
  const std::string words = LowerWords(text);
  if (intent == "question_about_bot" || AsksAboutHavenAsAPerson(words)) {
    if (intent != "question_about_bot") plan.why.push_back("asked_about_haven");
    plan.strategy = Strategy::kInformation;
    plan.tag = "about_ai";
    return plan;
  }
  if (intent == "privacy_request") {
    plan.strategy = Strategy::kInformation;
    plan.tag = "privacy";
    return plan;
  }
  if (HasCategory(analysis, nlp::RiskCategory::kThirdParty)) {
    plan.strategy = Strategy::kInformation;
    plan.tag = "third_party";
    plan.why.push_back("worry_about_someone_else");
    return plan;
  }
  // 3. A reply to Haven's offer (before thanks: "no thanks" answers the offer).
  if (state.last_tag() == "offer") {
    std::string consent = ReadOfferReply(text);
    if (consent == "yes") {
      plan.strategy = Strategy::kSuggestion;
      plan.why.push_back("offer:accepted");
      plan.fallbacks = {Strategy::kInformation, Strategy::kQuestion};
      return plan;
    }
    if (consent == "no") {
      plan.strategy = Strategy::kQuestion;
      plan.tag = "declined";
      plan.why.push_back("offer:declined");
      plan.fallbacks = {Strategy::kReflection, Strategy::kQuestion};
      return plan;
    }
  }

  const UserTurnFacts* turn = state.last_turn();
  const bool substantive_now = turn != nullptr && !turn->minimal && !turn->topics.empty();
  // "Thanks, I wish you luck. Bye then": the thanks of someone leaving is a goodbye.
  if (intent == "goodbye" || TakesLeave(text)) {
    plan.strategy = Strategy::kOther;
    plan.tag = "goodbye";
    if (intent != "goodbye") plan.why.push_back("takes_leave");
    return plan;
  }
  // Thanks that opens more news ("Thank you. My husband thinks I should stop talking to her, but
  // we've been friends for ten years") is answered for the news.
  const bool more_than_thanks = substantive_now && NewsBesideThanks(text);
  if (intent == "gratitude" && (!substantive_now || analysis.sentiment.compound > 0.3) &&
      !more_than_thanks && ReadOfferReply(text) != "no") {
    plan.strategy = Strategy::kAffirmation;
    plan.tag = "gratitude";
    plan.fallbacks = {Strategy::kQuestion};
    return plan;
  }
  const bool gave_name = ExtractPreferredName(text).has_value();
  // Small talk is greeted only at the start: "Lol. I think I can do that!" mid-conversation is
  // not met with "Hi. I'm here to listen".
  const bool opening = state.user_turns() <= 2 || state.substantive_turns() == 0;
  if ((intent == "greeting" || (intent == "smalltalk" && opening) || gave_name) &&
      !substantive_now && state.situation().empty()) {
    if (gave_name) plan.why.push_back("name_given");
    plan.strategy = Strategy::kQuestion;
    plan.tag = "greeting";
    plan.fallbacks = {Strategy::kQuestion};
    return plan;
  }

  // 3b. An answer to "how long has it been like this?" ("for about a year", "since monday"):
  // heard as an answer (a long time to carry, or something recent), not as a new story.
  if (!state.assistant_texts().empty()) {
    const std::string asked = LowerWords(state.assistant_texts().back());
    // Asked how long the trouble has lasted ("how long has it been like this?"), not how long
    // something else did ("how long were you together?").
    const bool about_the_trouble =
        HasPhrase(asked, {" how long has ", " how long have ", " how long's "}) &&
        !HasPhrase(asked, {" together ", " known ", " know ", " married ", " dated ", " dating ",
                           " worked ", " lived ", " been with ", " friends ", " looking "});
    if (about_the_trouble && !HasPhrase(words, {" how long "})) {
      const Duration d = ReadDuration(words);
      if (d != Duration::kNone) {
        plan.strategy = Strategy::kQuestion;
        plan.tag = d == Duration::kLong ? "long_time" : "recent";
        plan.why.push_back("answered_how_long");
        plan.fallbacks = {Strategy::kQuestion};
        return plan;
      }
    }
  }

  // 4. Nothing to reflect yet.
  if (turn != nullptr && turn->minimal) {
    plan.strategy = Strategy::kQuestion;
    plan.tag = "minimal";
    plan.fallbacks = {Strategy::kQuestion};
    plan.why.push_back("minimal_reply");
    return plan;
  }

  const Stage stage = state.stage();
  plan.why.push_back("stage:" + std::string(StageName(stage)));
  const Feeling feeling = state.CurrentFeeling();
  if (!feeling.family.empty()) {
    plan.why.push_back("feeling:" + feeling.family + "/" +
                       std::string(IntensityName(feeling.intensity)));
  }
  const bool has_situation = !state.situation().empty();
  if (has_situation) plan.why.push_back("has_situation");
  const Strategy last = state.strategies().empty() ? Strategy::kOther : state.strategies().back();

  // 5. A decision they ask about ("should I tell her or just leave it?"): theirs to make; it is
  // said back in their words and explored, never decided for them.
  if (std::optional<std::string> choice = Dilemma(text)) {
    plan.choice = std::move(*choice);
    plan.strategy = Strategy::kQuestion;
    plan.tag = "dilemma";
    plan.why.push_back("their_decision");
    plan.fallbacks = {Strategy::kQuestion};
    return plan;
  }

  // 6. Advice asked for: understand first.
  if (intent == "seeking_advice" || AsksForIdeas(words)) {
    if (intent != "seeking_advice") plan.why.push_back("asks_for_ideas");
    if (state.substantive_turns() < 2) {
      plan.strategy = Strategy::kQuestion;
      plan.tag = "before_advice";
      plan.why.push_back("explore_before_advising");
      plan.fallbacks = {Strategy::kQuestion};
      return plan;
    }
    plan.strategy = Strategy::kSuggestion;
    plan.why.push_back("advice_requested");
    plan.fallbacks = {Strategy::kInformation, Strategy::kQuestion};
    return plan;
  }

  // 6b. A step they chose ("Ok. I'll try sending her a couple of texts every day"): affirmed in
  // their words, and what might get in its way explored; not restated as a problem ("How long
  // has it been like this?").
  // Only once there is a story to take a step in: a first message is heard first.
  std::optional<std::string> step;
  if (state.user_turns() >= 2) step = NextStep(text);
  if (step) {
    // "I'll try that": affirmed without saying "that" back.
    if (!PointsBack(*step)) plan.step = std::move(*step);
    plan.strategy = Strategy::kAffirmation;
    plan.tag = "plan";
    plan.why.push_back("their_step");
    plan.fallbacks = {Strategy::kAffirmation, Strategy::kQuestion};
    return plan;
  }

  // 7. Good news, only when they said so in their own words ("relieved", "happy", "better"); a
  // negative word in the message makes it mixed, not good news.
  const bool mixed = analysis.sentiment.neg > 0.1;
  if (IsPleasantFamily(feeling.family) && !mixed && feeling.stated) {
    plan.strategy = Strategy::kAffirmation;
    plan.tag = "positive";
    plan.fallbacks = {Strategy::kQuestion};
    return plan;
  }

  // 8. By stage.
  // The reflection packs name painful feelings ("Being {feeling} takes a lot out of a person"):
  // a pleasant one that was not good news above ("you've been more helpful than my teachers!")
  // gets their words back, or a question, instead.
  const bool pleasant = IsPleasantFamily(feeling.family);
  auto reflect_or_restate = [&]() {
    if (pleasant) return has_situation ? Strategy::kRestatement : Strategy::kQuestion;
    // Strong feelings are named first; otherwise their words, then the feeling.
    if (!feeling.family.empty() && (feeling.intensity == Intensity::kStrong || !has_situation ||
                                    last == Strategy::kRestatement)) {
      return Strategy::kReflection;
    }
    if (has_situation) return Strategy::kRestatement;
    return Strategy::kReflection;
  };
  switch (stage) {
    case Stage::kExploration:
      if (last == Strategy::kReflection || last == Strategy::kRestatement) {
        plan.strategy = Strategy::kQuestion;
        plan.fallbacks = {Strategy::kReflection, Strategy::kRestatement};
      } else {
        plan.strategy = reflect_or_restate();
        plan.fallbacks = {
            plan.strategy == Strategy::kReflection ? Strategy::kRestatement : Strategy::kReflection,
            Strategy::kQuestion};
      }
      break;
    case Stage::kComforting: {
      // A cycle that never repeats the last strategy.
      // Their own words and feelings come back most often: that is what makes a reply specific.
      const Strategy cycle[] = {reflect_or_restate(), Strategy::kAffirmation, reflect_or_restate(),
                                Strategy::kQuestion, Strategy::kSelfDisclosure};
      int n = state.assistant_turns();
      Strategy pick = cycle[n % 5];
      if (pick == last) pick = cycle[(n + 1) % 5];
      if (pick == Strategy::kSelfDisclosure &&
          state.StrategyCount(Strategy::kSelfDisclosure) >= 2) {
        pick = Strategy::kAffirmation == last ? Strategy::kQuestion : Strategy::kAffirmation;
      }
      plan.strategy = pick;
      plan.fallbacks = {Strategy::kReflection, Strategy::kAffirmation, Strategy::kQuestion};
      break;
    }
    case Stage::kAction: {
      // Ideas already on the table: Haven offered, or an earlier supporter suggested something.
      bool offered =
          std::find(state.tags().begin(), state.tags().end(), "offer") != state.tags().end() ||
          state.StrategyCount(Strategy::kSuggestion) > 0;
      if (!offered) {
        plan.strategy = Strategy::kQuestion;
        plan.tag = "offer";
        plan.why.push_back("ask_before_suggesting");
        plan.fallbacks = {Strategy::kQuestion};
      } else {
        const Strategy cycle[] = {reflect_or_restate(), Strategy::kSuggestion, Strategy::kQuestion,
                                  reflect_or_restate(), Strategy::kAffirmation};
        int n = state.assistant_turns();
        Strategy pick = cycle[n % 5];
        if (pick == last) pick = cycle[(n + 1) % 5];
        // Suggestions only once the person has said yes to one (ask before suggesting).
        bool consented = state.StrategyCount(Strategy::kSuggestion) > 0;
        for (size_t i = 0; i + 1 < state.tags().size(); ++i) {
          if (state.tags()[i] == "offer" && state.strategies()[i + 1] == Strategy::kSuggestion) {
            consented = true;
          }
        }
        if (pick == Strategy::kSuggestion && !consented) pick = Strategy::kQuestion;
        plan.strategy = pick;
        plan.fallbacks = {Strategy::kReflection, Strategy::kQuestion, Strategy::kAffirmation};
      }
      break;
    }
  }
  if (plan.strategy == last)
    plan.why.push_back("repeat_allowed:" + std::string(StrategyName(last)));
  return plan;
}

}  // namespace haven::reply
