// Paraphrase: the person's own words, said back from the listener's side ("I feel like my boss
// hates me" -> "it feels like your boss hates you"). Used to fill the {situation} slot of content
// variants, so a reply reflects what the person said and never adds a fact they did not say.
//
// Everything here is a pure function of its arguments: no I/O, no globals, thread-safe. It works
// on English text; anything it cannot switch with confidence yields std::nullopt (the caller then
// skips a variant that needs the slot) rather than a clumsy or wrong sentence.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace haven::reply {

// Switches first person to second person in one clause, word by word, with verb agreement:
// "I" -> "you", "I am"/"I'm" -> "you are"/"you're", "I was" -> "you were", "I've" -> "you've",
// "my" -> "your", "me" -> "you", "myself" -> "yourself", "mine" -> "yours", "we" -> "you",
// "our" -> "your", "us" -> "you"; common chat spellings too ("im" -> "you're", "ive" ->
// "you've", "idk" -> "you don't know"). Other words are kept as written (case included), curly
// apostrophes are straightened, runs of spaces collapse. Returns std::nullopt when the clause
// speaks to or about "you" (ambiguous: the listener, or "you" in general), since switching it
// would garble who did what.
std::optional<std::string> SwitchPerson(std::string_view clause);

// A pronoun the caller can resolve to a person named earlier ("she" -> "your sister").
// Returns "" when the caller has nobody for it.
using PronounResolver = std::string (*)(std::string_view pronoun, const void* context);

// The person's situation in their own words, switched to second person, ready to stand as a
// clause inside a reply ("it feels like your boss hates you", "your sister yelled at you again",
// "you can't sleep before exams"): lower-case start, no final punctuation.
//
// From `message` it picks one sentence (or the first clause of a long one) that starts with the
// person themselves ("I ...", "my ...", "we ...") or, when `resolver` names someone for it, with
// "he/she/they" ("she did it again" -> "your sister did it again"). Leading fillers ("so",
// "honestly", "and") and trailing ones ("lol", "tbh") are dropped; "I feel like X" becomes "it
// feels like X". Prefers a sentence that names a feeling or a person, and shorter ones. Returns
// std::nullopt when no sentence qualifies: questions, text addressed to "you", sentences with
// digits, links, e-mail addresses or quotes, fewer than 3 or more than 22 words.
std::optional<std::string> Situation(std::string_view message, PronounResolver resolver = nullptr,
                                     const void* resolver_context = nullptr);

// A decision the person asks about, switched to second person and ready to follow "You're
// weighing": "Do you think I should say we need space or just distance myself for a bit?" ->
// "whether to say you need space or just distance yourself for a bit". Read from "should I ...",
// "do you think I should ...", "I don't know whether to ...", "I can't decide if I should ...";
// std::nullopt when there is none, or its words are too few (under 2), too many (over 18), or
// would not switch cleanly (SwitchPerson).
std::optional<std::string> Dilemma(std::string_view message);

// A next step the person says they will take, switched to second person and ready to follow
// "the plan is to": "Ok. I'll try sending her a couple of texts every day." -> "try sending her
// a couple of texts every day". Read from "I'll", "I will", "I'm going to", "I'm gonna", "I plan
// to" and the like, at the start of a sentence (after "ok", "so", "maybe", "I think"), when the
// verb after it is a doing word of a step (try, talk, call, ask, look, go, write, ...): "I'll
// be fine", "I'll just stay in bed" and "I will never" are not steps. std::nullopt when there is
// none, or its words are too few (under 2), too many (over 18), blocked (risk words, swearing)
// or would not switch cleanly.
std::optional<std::string> NextStep(std::string_view message);

// Whether a step (NextStep) only points back at something said before ("try that", "look into
// it", "keep working hard on those"): said back alone it means little, so it is not.
bool PointsBack(std::string_view step);

}  // namespace haven::reply
