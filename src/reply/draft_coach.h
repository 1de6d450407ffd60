// AI help for human supporters, after HAILEY (Sharma et al., "Human-AI collaboration enables more
// empathic conversations in text-based peer-to-peer mental health support", Nature Machine
// Intelligence 2023). While a supporter types a reply, the console shows live feedback on the
// draft: how it expresses EPITOME's three mechanisms (reply/empathy.h), concrete suggestions built
// from the person's own words, warnings when the draft is unsafe, and replies they may edit.
//
// What Coach returns:
//  - score: the empathy scorer on the draft, against the seeker's last (up to three) messages.
//  - suggestions (at most 3, most useful first):
//     * when the seeker's recent messages carry risk (low or more), the FIRST suggestion is always
//       about safety: ask directly and kindly ("are you having thoughts of ending your life?";
//       asking does not raise risk), or, for abuse, harm to others, a medical emergency or worry
//       about someone else, the matching safety question; once asked, to stay with it;
//    * then one per mechanism that is not yet strong (level < 2), weakest first, in the order
//       emotional reactions, interpretations, explorations, each specific to the person: the
//       feeling read from their messages named in plain words ("name the feeling you noticed:
//       exhausted"), a reflection of the event, person or topic they mentioned ("it sounds like
//       the argument with your manager..."), an open question about it ("ask what happened after
//       the argument with their manager"). A mechanism already strong gets nothing, so a strong
//       draft without risk gets no suggestions. An empty draft gets them too (how to start).
//  - replies (at most 3): complete, warm replies the supporter may edit: the draft with the
//    missing mechanisms added (when the draft is safe to build on), a reply composed from the
//    person's feeling and words, and Haven's own reply to the conversation (reply/engine.h) with
//    the AI disclosure removed. With risk, replies that ask the safety question come first. Every
//    reply passes the output guard (safety/output_guard.h), never mentions Haven or an AI, and
//    names the person's feeling when one was read (and it is not a positive one).
//  - warnings: the output guard's findings on the draft in plain words (method information,
//    dosing, promises of secrecy, diagnosis, blame, minimising; not "human_claim", since the
//    supporter is a person), plus "calm down", "at least ..." minimising, and, when the seeker's
//    messages carry risk, a draft that dismisses it ("don't say that", "you have so much to live
//    for") or, from moderate risk, ignores it.
//
// Bounded cost: only the last kMaxTurns turns are read, each cut to kMaxTurnBytes, and the draft
// to kMaxDraftBytes (cut at a character boundary); invalid UTF-8 is repaired first, so every
// string returned is valid UTF-8. Deterministic: the same input gives the same feedback. Nothing
// is logged; no text is kept after Coach returns.
//
// Thread-safety: a DraftCoach is immutable after construction; Coach is a pure function of its
// arguments and may run on any number of threads at once. It keeps a pointer to the engine,
// which must outlive it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reply/empathy.h"
#include "reply/engine.h"
#include "safety/output_guard.h"

namespace haven::reply {

// One earlier message of the conversation, oldest first.
struct CoachTurn {
  bool from_seeker = true;  // false: the supporter, or Haven earlier in the conversation
  std::string text;
};

struct DraftFeedback {
  EmpathyScore score;                    // of the draft against the seeker's recent words
  std::vector<std::string> suggestions;  // concrete, short, at most 3, most useful first
  std::vector<std::string> replies;      // suggested replies the supporter may edit, at most 3
  std::vector<std::string> warnings;     // safety problems in the draft, plain words
};

class DraftCoach {
 public:
  static constexpr size_t kMaxTurns = 10;
  static constexpr size_t kMaxTurnBytes = 4096;
  static constexpr size_t kMaxDraftBytes = 4096;
  static constexpr size_t kMaxItems = 3;

  // Uses the engine's analyzer and content; its own empathy scorer (over the analyzer's
  // normaliser, as the engine's is) and output guard (built in, the same table as the engine's).
  // The engine must outlive the coach.
  explicit DraftCoach(const Engine& engine);

  // Feedback on `draft` as the supporter's next message after `recent` (the last ~10 messages,
  // oldest first; earlier ones are ignored). Any bytes are accepted.
  DraftFeedback Coach(const std::vector<CoachTurn>& recent, std::string_view draft) const;

 private:
  const Engine* engine_;
  EmpathyScorer scorer_;
  safety::OutputGuard guard_;
  std::vector<std::string> disclosures_;    // the content's AI disclosures (without slots)
  std::vector<std::string> check_in_acks_;  // safety acknowledgements fit for a person to say
  std::vector<std::string> crisis_acks_;
};

}  // namespace haven::reply
