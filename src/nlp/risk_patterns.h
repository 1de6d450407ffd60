// The pattern table of the risk detector (internal to nlp/risk.cc).
//
// Every entry is a Hyperscan regular expression over NormalizedText::canonical (lower case,
// tokens joined by single spaces, chat spellings already expanded, sentence breaks as " . ").
// `{NAME}` placeholders are expanded by ExpandPattern before compilation. An entry is either a
// risk signal (with the level it stands for on its own), an escalator that only raises the level
// of other signals, a category flag (abuse, harm to others, substance, medical), a veto that
// cancels overlapping signals (fixed figurative phrases), or a context marker that the rule layer
// reads per sentence (laughter, past, topic talk, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace haven::nlp::risk_internal {

enum class Kind : uint8_t {
  // Risk signals: suicide unless kSelfHarmCat.
  kPassive,         // passive death wish (low)
  kHopeless,        // hopelessness (low)
  kBurden,          // perceived burdensomeness (low)
  kActive,          // active ideation (moderate)
  kMention,         // a bare "suicide"/"suicidal"/"self-harm" (topic-sensitive)
  kShUrge,          // self-harm urge (moderate)
  kShAct,           // self-harm act (moderate)
  kShPast,          // self-harm in the past, "haven't cut in" (low)
  kAttempt,         // an attempt whose timing decides the level (past -> low, else high)
  kMethod,          // ideation with a method ("hang myself"): high with volition, else moderate
  kIntent,          // stated intent ("going to kill myself"): high; with immediacy imminent
  kResearch,        // method research ("how many pills to die"): high
  kPrepStrong,      // preparation that stands alone ("wrote my note"): high
  kFarewellStrong,  // "by the time you read this": high
  kMeansStrong,     // "pills right here": high
  kAttemptNow,      // an attempt in progress: imminent
  kLocation,        // "i'm on the bridge": high; with immediacy or ideation imminent
  kEngine,          // "engine running in the garage": imminent
  // Escalators: raise ideation, weak or no level alone.
  kMethodNoun,    // pills, rope, bridge (same sentence as ideation)
  kTimeframe,     // tonight, this weekend (same sentence as an act verb)
  kTimeStrong,    // "tonight's the night"
  kMeans,         // "i have a gun"
  kPlan,          // "i have a plan" (moderate alone)
  kGiving,        // giving possessions away (moderate alone)
  kPrepWeak,      // a preparatory act that is ordinary alone ("cancelled my phone contract")
  kLocationWeak,  // a place of danger without "i'm" ("on the ledge."): imminent with context
  kFarewellWeak,  // "goodbye everyone" (nothing alone)
  kContextCue,    // "goodbye", "i'm sorry", "it's too late": context for other signals only
  kIntentBare,    // "going to do it" (nothing alone)
  kDoItNow,       // "doing it now" (imminent with context)
  kPillsTaken,    // "took my pills" (imminent with distress context)
  kOverdoseSymptom,
  // Categories only (the writer's own suicide risk is unchanged).
  kThirdParty,
  kHarmOthers,
  kAbuse,
  kSubstance,
  kMedical,
  kAccident,  // accidental overdose: medical, low
  kProtective,
  kVeto,  // fixed figurative phrase: cancels overlapping signals
  // Sentence markers.
  kMarkLaugh,
  kMarkTrivial,
  kMarkTopic,
  kMarkPast,
  kMarkRecovery,
  kMarkPresentStrong,
  kMarkPresentWeak,
  kMarkImmediacy,
  kMarkBenign,
  kMarkLyrics,
  kMarkHypothetical,
  kMarkCausal,          // "makes me want to", "if i have to" (hyperbole constructions)
  kMarkCryLaugh,        // 😭 😩 🥲: laughter or tears
  kMarkMishap,          // "wrong group chat", "called my teacher mum": an embarrassing trifle
  kMarkBenignFarewell,  // "see you in june", "going offline": the message's goodbyes are ordinary
  kMarkOrdinaryReason,  // "before my knee op", "the solicitor said": why ordinary people make wills
};

enum PatternFlag : uint32_t {
  kFirst = 1u << 0,            // first person is explicit in the match: skip subject resolution
  kNoNeg = 1u << 1,            // the negation is part of the match: skip the denial check
  kHyper = 1u << 2,            // hyperbole-prone: laughter + trivial cause make it figurative
  kAct = 1u << 3,              // names the act: a timeframe in the sentence escalates it
  kSelfHarmCat = 1u << 4,      // category self_harm rather than suicide
  kTopicSensitive = 1u << 5,   // suppressed by topic talk or an impersonal question
  kMedicalCat = 1u << 6,       // an attempt that is also a medical emergency (overdose, bleeding)
  kUnlessSubstance = 1u << 7,  // "relapsed": self-harm unless the message is about substances
  kAfterADeath = 1u << 8,      // "i want to do the same", "joining him": live only in a message
                               // that names a death (someone who died or killed themselves)
  kOrdinaryPrep = 1u << 9,     // preparation ordinary life also makes (affairs in order, a will):
                               // ordinary with an ordinary reason and no other sign of risk
  kInjuryScene = 1u << 10,     // kAccident: a scene of ordinary injuries (the kitchen, sport, a
                               // bike) explains cuts and bleeding, not pills, gas or a ligature
  kFinal = 1u << 11,           // a goodbye no ordinary goodbye says ("for the last time", "the
                               // mess i'm leaving"): an ordinary "goodnight" or "logging off"
                               // in the message does not make it ordinary, nor does laughter
                               // ("good night forever lol")
};

struct PatternDef {
  Kind kind;
  uint32_t flags;
  const char* signal;  // evidence name
  const char* regex;   // with {PLACEHOLDERS}
};

std::span<const PatternDef> Patterns();

// Replaces {NAME} placeholders with their sub-expressions.
std::string ExpandPattern(std::string_view regex);

}  // namespace haven::nlp::risk_internal
