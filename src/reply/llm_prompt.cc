#include "reply/llm_prompt.h"

#include <algorithm>
#include <cctype>

namespace haven::reply {
namespace {

// The rules every generated reply follows: the clinical safety policy in a model's words
// (docs/clinical-safety.md).
constexpr std::string_view kRules =
    "You are Haven, an AI that offers emotional support by chat. You are not a person, not a "
    "therapist and not a doctor, and you never pretend to be one. Your reply is read by someone "
    "who may be struggling. Rules:\n"
    "- Write at most three short sentences, warm and plain, in the person's language and "
    "without lists, headings, emoji, links or quotation marks around your reply.\n"
    "- Follow the chosen approach below; do not add advice unless the approach is a "
    "suggestion.\n"
    "- Only mention what the person actually said; never invent facts about them or their "
    "life.\n"
    "- Never diagnose, never name a disorder the person has not named, never give medication "
    "names or doses.\n"
    "- Never describe or discuss ways of hurting oneself or others, not even to warn.\n"
    "- Never promise that what they say stays secret; never blame or judge them; never argue "
    "or minimise.\n"
    "- If they ask whether you are human, say clearly that you are an AI.\n"
    "- Reply with the message text only.";

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace

std::string_view StrategyInstruction(Strategy s) {
  switch (s) {
    case Strategy::kQuestion:
      return "Ask one open question that helps them say more about how they feel or what "
             "happened.";
    case Strategy::kRestatement:
      return "Say back what happened to them in your own words, briefly, so they feel heard.";
    case Strategy::kReflection:
      return "Name the feeling you hear in what they wrote, gently and at its strength.";
    case Strategy::kSelfDisclosure:
      return "Share only what is honest for an AI (what you have seen help other people, how "
             "you work), briefly, and bring it back to them.";
    case Strategy::kAffirmation:
      return "Affirm their effort or strength and offer honest reassurance, without "
             "minimising what they feel.";
    case Strategy::kSuggestion:
      return "Offer one small, concrete thing they could try, as an offer they may decline.";
    case Strategy::kInformation:
      return "Give the information the draft gives, accurately and briefly.";
    case Strategy::kCrisis:
    case Strategy::kHandoff:
      return "Keep to the draft.";
    case Strategy::kOther:
      return "Respond naturally to a greeting, thanks or goodbye, briefly.";
  }
  return "Keep to the draft.";
}

GenerationRequest BuildPrompt(const PromptInputs& in, int max_turns) {
  std::string system(kRules);
  system += "\n\nChosen approach (";
  system += StrategyName(in.strategy);
  if (!in.tag.empty()) system += ", " + in.tag;
  system += "): ";
  system += StrategyInstruction(in.strategy);
  system += "\n\nWhat is known so far (from the conversation, not to be recited):";
  if (!in.feeling.empty()) {
    system += "\n- feeling: " + in.feeling;
    if (!in.intensity.empty()) system += " (" + in.intensity + ")";
  }
  if (!in.people.empty()) {
    system += "\n- people they mentioned:";
    for (size_t i = 0; i < in.people.size(); ++i) system += (i ? ", " : " ") + in.people[i];
  }
  if (!in.stressors.empty()) {
    system += "\n- what it is about:";
    for (size_t i = 0; i < in.stressors.size(); ++i) system += (i ? ", " : " ") + in.stressors[i];
  }
  if (!in.stage.empty()) system += "\n- stage of the conversation: " + in.stage;
  if (!in.preferred_name.empty()) system += "\n- they asked to be called " + in.preferred_name;
  if (in.earlier_risk) {
    system +=
        "\n- earlier in this conversation they said things that suggest risk; stay gentle and "
        "keep the door open to a person from the team";
  }
  system += "\n- locale: " + in.locale;
  system +=
      "\n\nA reviewed reply for this turn, which you may reword and make more personal but must "
      "not contradict:\n";
  system += in.draft;

  GenerationRequest req;
  req.messages.push_back({"system", std::move(system)});
  const size_t n = in.recent.size();
  const size_t keep = std::min<size_t>(n, static_cast<size_t>(std::max(1, max_turns)));
  for (size_t i = n - keep; i < n; ++i) req.messages.push_back(in.recent[i]);
  return req;
}

std::string CheckGenerated(std::string& text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  text.erase(0, start);
  // A reply wrapped in quotation marks loses them.
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) return "empty";
  if (text.size() > 700) return "too_long";
  const std::string lower = Lower(text);
  if (Contains(lower, "http://") || Contains(lower, "https://") || Contains(lower, "www.")) {
    return "link";
  }
  // Role-play markers and prompt echoes: the model continued the transcript or quoted its rules.
  for (std::string_view marker : {"user:", "assistant:", "haven:", "system:", "<|", "###",
                                  "reviewed reply", "chosen approach", "as an ai language model"}) {
    if (Contains(lower, marker)) return "role_marker";
  }
  if (text.find('\n') != std::string::npos) {
    // Lists and headings are not chat.
    for (size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 1)) {
      size_t q = p + 1;
      while (q < text.size() && text[q] == ' ') ++q;
      if (q < text.size() && (text[q] == '-' || text[q] == '*' || text[q] == '#' ||
                              std::isdigit(static_cast<unsigned char>(text[q])))) {
        return "list";
      }
    }
  }
  return "";
}

}  // namespace haven::reply
