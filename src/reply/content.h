// Content packs: the clinician-editable words Haven replies with (data/content/*.yaml).
//
// A pack is one YAML file:
//
//   version: 1                  # required, a positive integer; bump it on every reviewed change
//   pack: core-reflections      # required, a name for the console and errors
//   feelings:                   # optional: a feeling family -> [mild, moderate, strong] phrases
//     sad: ["a bit down", "really low", "devastated"]
//   topics:                     # optional: a topic label -> how a reply names it
//     work: "work"
//   variants:                   # optional: the reply variants
//     - id: refl-sad-01         # required, unique over all packs
//       strategy: reflection    # required, a contract strategy (reply/strategy.h)
//       tag: offer              # optional, one of kTags; "" is the general pool of the strategy
//       emotions: [sad, grief]  # optional: feeling families it fits (any of); empty = any
//       topics: [work]          # optional: topic labels it fits (any of); empty = any
//       not_topics: [job_loss]  # optional: never once one of these topics has come up in the
//                               # conversation ("a typical day at work" after a lay-off)
//       intensity: [strong]     # optional: mild | moderate | strong; empty = any
//       painful: true           # optional (false): the text takes what they said to be hard
//                               # ("and that's been hard"); skipped for good or neutral news
//       words: [manager, boss]  # optional: only when one of these words or phrases is in the
//                               # person's last three messages (what the text presumes)
//       not_words: [laid off]   # optional: never when one of these is there
//       text: "It sounds like you're feeling {feeling}."
//
// Slots in a text: {feeling} (the feeling at its intensity), {situation} (the person's words,
// switched: reply/paraphrase.h), {person} ("your sister"), {topic} (the topic's phrase),
// {name} (their preferred name), {emergency} (the locale's emergency number, "911"), {line}
// (the locale's first crisis line, described) and {choice} (a decision they asked about, in their
// words: "whether to say you need space or just distance yourself for a bit": reply/paraphrase.h)
// and {step} (a step they said they will take, in their words, ready to follow "the plan is to":
// "try sending her a couple of texts every day": reply/paraphrase.h NextStep).
// A variant whose slot cannot be filled is skipped: a reply never states a fact the person did not
// give.
//
// Loading validates everything and fails with "<file>: <where>: <problem>" (where = "variants[3]
// (refl-sad-01).strategy", for instance): unknown keys, wrong types, unknown strategies, tags,
// families, topics, intensities or slots, unbalanced braces, repeated ids, a feeling without
// exactly three phrases. A ContentLibrary is immutable after loading and thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "reply/state.h"
#include "reply/strategy.h"

namespace haven::reply {

// Tags: content for a particular moment rather than a strategy's general pool.
inline constexpr std::string_view kTags[] = {
    "greeting",            // the person said hello
    "about_ai",            // asked what Haven is: the truth (an AI; what it can and cannot do)
    "privacy",             // asked what is stored or who sees it
    "gratitude",           // thanked Haven
    "goodbye",             // is leaving
    "offer",               // asks permission before suggesting anything
    "before_advice",       // asked for advice early: first understand
    "minimal",             // a short reply with nothing to reflect ("ok", "idk")
    "declined",            // said no to an offer
    "positive",            // things went well, or they feel better
    "third_party",         // worried about someone else
    "check_in",            // low risk: acknowledgement before the screener question
    "crisis",              // moderate or high risk: acknowledgement in the crisis reply
    "emergency",           // imminent: acknowledgement after the emergency instruction
    "check_in_uncertain",  // check_in when only the learned reader saw risk: asks, assumes less
    "crisis_uncertain",    // crisis when only the learned reader saw risk: asks, assumes less
    "handoff",             // asked for a person
    "no_human_yet",        // queued for a person and nobody has joined within the policy's limit
    "abuse",               // abuse disclosed
    "harm_to_others",      // thoughts of hurting someone else
    "medical",             // a medical emergency (overdose, injury)
    "disclosure",          // the AI disclosure at the start of a conversation
    "reaction",            // a short emotional reaction before a question or an idea
    "asked_back",          // asked how Haven is ("and you?"): an honest word before the reply
    "asked_experience",    // asked what Haven did or went through: it has no such story
    "dilemma",             // asked whether they should do something: their choice, explored
    "plan",                // said what they will do next: affirmed, and what might get in the way
    "long_time",           // answered "how long?" with months or years: a long time to carry
    "recent",              // answered "how long?" with days or a week: what changed then
};

bool IsKnownTag(std::string_view tag);
// Feeling families (state.h) and topic labels (nlp/topics.h) a pack may name.
bool IsKnownFamily(std::string_view family);
bool IsKnownTopic(std::string_view topic);

struct Variant {
  std::string id;
  Strategy strategy = Strategy::kOther;
  std::string tag;
  std::vector<std::string> emotions;
  std::vector<std::string> topics;
  std::vector<std::string> not_topics;  // never once one of these came up in the conversation
  std::vector<Intensity> intensities;
  bool painful = false;  // presumes what they said is hard: not for good or neutral news
  // The variant fits only when the person's recent messages hold one of `words`, and never when
  // they hold one of `not_words` (whole words or phrases, lower case).
  std::vector<std::string> words;
  std::vector<std::string> not_words;
  std::string text;
  std::string pack;  // the pack's name
  int version = 0;   // the pack's version
};

// What the slots are filled with; an empty string means "not known" (a variant using it is
// skipped).
struct Slots {
  std::string feeling;
  std::string situation;
  std::string person;
  std::string topic;
  std::string name;
  std::string emergency;
  std::string line;
  std::string choice;
  std::string step;  // tag "plan": the step they will take, in their words (reply/paraphrase.h)
  // The situation already names the topic ("you lost your job" and "at work"): a variant with
  // both says it twice ("So at work, you have to give a presentation at work").
  bool topic_in_situation = false;
};

// The slot names used in `text`, in order of appearance ("feeling", "situation", ...).
std::vector<std::string> SlotsIn(std::string_view text);

// `text` with every slot filled, each sentence starting with a capital letter. std::nullopt
// when a slot it uses is empty in `slots`, a slot is unknown, or it uses {person} beside a
// {situation} that already names that person (it would say them twice).
std::optional<std::string> FillSlots(std::string_view text, const Slots& slots);

class ContentLibrary {
 public:
  // Loads every "*.yaml" file directly in `dir` (not subfolders), in name order.
  static StatusOr<ContentLibrary> Load(const std::string& dir);
  // As Load, from (file name, YAML text) pairs.
  static StatusOr<ContentLibrary> Parse(
      const std::vector<std::pair<std::string, std::string>>& files);
  // "<data_dir>/content".
  static std::string DefaultDir(const std::string& data_dir);

  const std::vector<Variant>& variants() const { return variants_; }
  const Variant* Find(std::string_view id) const;

  // The feeling said back: the person's own word when they gave one, else the family's phrase
  // at the feeling's intensity; "" when the family is empty or has no phrases.
  std::string FeelingPhrase(const Feeling& feeling) const;
  // The topic's phrase ("your family"); "" when the topic has none.
  std::string TopicPhrase(std::string_view topic) const;
  // "name v1, name v3" for the console.
  std::string Versions() const;

 private:
  std::vector<Variant> variants_;
  std::map<std::string, std::vector<std::string>, std::less<>> feelings_;
  std::map<std::string, std::string, std::less<>> topics_;
  std::vector<std::pair<std::string, int>> packs_;
};

}  // namespace haven::reply
