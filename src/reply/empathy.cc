// Empathy by rules over the canonical tokens of the seeker's post and the reply.
//
// The reply is split into sentences at the normaliser's breaks. Evidence, per mechanism:
//  - emotional reactions: compassion and concern phrases ("i'm so sorry", "my heart goes out",
//    "that makes me sad"; weight 1), plainer ones ("sorry to hear", "that's awful", "hugs",
//    hearts; 0.5-0.7) and generic encouragement ("that sucks", "hang in there"; 0.35-0.45);
//  - interpretations: inference of the seeker's state ("it sounds like", "that must be",
//    "i can imagine", "no wonder"; 1), shared experience ("i've been there", "i went through",
//    first-person past-tense narrative; 0.35-1), a plain "i understand" (0.5, raised to 1 when
//    its sentence names a feeling or the seeker's own words), and reflections: a statement about
//    "you" that names a feeling or repeats the seeker's content words (0.5-1);
//  - explorations: questions put to the seeker; a generic one ("what happened?", "are you ok?")
//    counts 0.5, one about the seeker's feelings or own words 1.1, other questions to "you"
//    0.6-0.9, suggestions phrased as questions ("have you tried") 0.35, and invitations without
//    a question mark ("tell me more", "i'm curious") 0.8-1.
// A phrase preceded by a negation ("not", "never", "don't") does not count. Within a mechanism
// the strongest piece counts fully and each further one adds a third (a repeated kind a tenth),
// so one clear cue decides the level and many weak ones add up slowly. The sum is mapped
// piecewise to [0, 1] so that 1/3 and 2/3 are the weak and strong levels' thresholds.
#include "reply/empathy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/string_table.h"

namespace haven::reply {
namespace {

using nlp::NormalizedText;
using nlp::Token;

constexpr size_t kMaxBytes = EmpathyScorer::kMaxBytes;
constexpr size_t kMaxPhraseTokens = 8;

constexpr int kER = static_cast<int>(Mechanism::kEmotionalReactions);
constexpr int kIP = static_cast<int>(Mechanism::kInterpretations);
constexpr int kEX = static_cast<int>(Mechanism::kExplorations);

// The raw sums where the weak and strong levels start, per mechanism.
constexpr float kWeakAt[kNumMechanisms] = {0.3f, 0.3f, 0.3f};
constexpr float kStrongAt[kNumMechanisms] = {0.95f, 0.95f, 0.85f};

enum CueFlag : uint8_t {
  kPlain = 0,
  kUpgradeIfSpecific = 1 << 0,  // raised to 1.0 when its sentence names a feeling or echoes
  kGenericQuestion = 1 << 1,    // EX: counts only in a question; marks the question generic
  kSuggestion = 1 << 2,         // EX: a suggestion phrased as a question
  kBlock = 1 << 3,              // silences cues starting inside it
};

struct CueDef {
  Mechanism mechanism;
  std::string_view kind;
  float weight;
  uint8_t flags;
  std::vector<std::string_view> patterns;
};

// Patterns: canonical tokens separated by spaces; "{a|b|}" is a choice (an empty choice drops
// the slot). Shorthands expand first: $im $ive $its $thats $youre $dont $cant $so.
const std::vector<CueDef>& Cues() {
  using M = Mechanism;
  static const auto* k = new std::vector<CueDef>{
      // ---- Emotional reactions ----
      {M::kEmotionalReactions,
       "compassion",
       1.0f,
       kPlain,
       {"$im $so sorry",
        "$im sorry {you|that you|to hear that you|for what you}",
        "$im {$so|} sorry for your loss",
        "{i|i'm|i am} {$so|} {sorry|sad} {you're|you are|you have|you've|you had|you feel|you "
        "felt|you went|you're going|you are going} ",
        "so sorry {to hear|that|you|for}",
        "my heart {goes out|breaks|hurts|aches|is breaking|broke|sank}",
        "{breaks|broke} my heart",
        "{that's|that is|it's|this is} {$so|} heartbreaking",
        "heartbreaking",
        "i feel {$so|} {bad|sad|awful|terrible|horrible|sorry} {for|about} you",
        "i {really|truly|} feel for you",
        "{makes|made} me {$so|} {sad|angry|mad|upset|furious|emotional|heartbroken|cry|tear up}",
        "$im {$so|} {angry|mad|furious|sad|heartbroken|upset|devastated} {for|about|that|to hear}",
        "$im {$so|} worried about you",
        "i {$so|} care about you",
        "$im {$so|} {proud|happy|glad} {of|for} you",
        "$im {really|truly|genuinely|} {$so|} sorry",
        "i'm sorry {this|that|it} happened",
        "sorry this happened",
        "my thoughts are with you",
        "{tears|crying|cried} reading {this|that|your post}",
        "i wish i could {give you a hug|hug you|take away your pain|take your pain away}",
        "$im $so {sad|sorry} to {hear|read} {this|that|about}"}},
      {M::kEmotionalReactions,
       "sympathy",
       0.6f,
       kPlain,
       {"$im sorry",
        "sending {you|} {so much|lots of|all my|all the|my|} {love|hugs|strength|virtual hugs|"
        "hug|big hugs}",
        "sorry to hear",
        "sorry about {that|this|your}",
        "sorry for your loss",
        "{that's|that is|this is|it's|it is|that sounds|sounds} {$so|} {awful|terrible|horrible|"
        "horrific|heartbreaking|devastating|painful|sad|scary|terrifying|frightening|upsetting|"
        "awful|brutal|unfair|hurtful|cruel|heavy}",
        "{hugs|hug|*hugs*|big hugs|virtual hug|virtual hugs}",
        "{oh no|oh man|oh god|oh my god|omg}",
        "i'm here for you",
        "i am here for you",
        "$im {always|} here {if|for} you",
        "you don't deserve {this|that|to be treated}",
        "you didn't deserve {this|that|any of}",
        "{that|this} {$so|} {breaks|hurts} my",
        "i'm glad you {reached out|posted|shared|said something|are here|are still here|told}",
        "{glad|happy} you {reached out|posted|shared|are still here}",
        "thank you for {sharing|reaching out|posting|being brave|trusting}",
        "thanks for {sharing|reaching out|posting}",
        "i hope you {feel|get|start to feel} better",
        "i hope things get better",
        "i hope you're {ok|okay|doing ok|doing okay|alright|doing better}",
        "you are loved",
        "you're loved",
        "you matter",
        "you are worth it",
        "you're worth it",
        "be {gentle|kind} {with|to} yourself",
        "take care of yourself",
        "i'm proud of you",
        "i am proud of you",
        "$so proud of you"}},
      {M::kEmotionalReactions,
       "encouragement",
       0.4f,
       kPlain,
       {"{that|it|this} {$so|} {sucks|blows}",
        "{that's|that is|thats|it's|this is|that sounds|sounds} {$so|} {rough|tough|hard|"
        "difficult|shitty|crappy|shit|crap|a lot|bad|unfortunate|frustrating|annoying|hard to "
        "deal with}",
        "{ugh|oof|damn|dang|wow|yikes|geez|jeez}",
        "{hang|hold} in there",
        "stay strong",
        "{be|keep} strong",
        "you {got|have got|'ve got} this",
        "you've got this",
        "{good|best of} luck",
        "take care",
        "{everything|it|things} {will|is going to|'ll} be {okay|ok|fine|alright|all right}",
        "{everything|it|things} will {work|turn} out",
        "{it|things|life} {will get|gets|will} {better|easier}",
        "{it|things|life} {is going to|are going to|will} get {better|easier}",
        "you're not alone",
        "you are not alone",
        "you deserve {better|to be happy|happiness|love|to feel|peace|good things}",
        "{that's|that is|it's} not your fault",
        "it wasn't your fault",
        "{keep|stay} {your head up|positive|safe|going}",
        "chin up",
        "i believe in you",
        "you can do {this|it}",
        "much love",
        "sending {you|} {positive|good|healing|} vibes",
        "rip",
        "you'll {get there|be fine|be okay|be ok|do great|make it|get through this|be alright}",
        "{please|} don't give up",
        "don't be {so|too} hard on yourself",
        "you're {a great|a good|an amazing|a wonderful|a strong} {mom|dad|mother|father|parent|"
        "person|friend}",
        "lots of love",
        "{good|nice|great} {job|work} {on|for}",
        "you're doing {great|well|good|your best|amazing}",
        "you are doing {great|well|good|your best|amazing}",
        "that's great",
        "congrats",
        "congratulations"}},
      // ---- Interpretations ----
      {M::kInterpretations,
       "inference",
       1.0f,
       kPlain,
       {"{it|that|this} sounds like",
        "{it|that|this} {seems|seemed|looks} {like|that|as if|as though}",
        "must {be|have been|feel|make you|make it|hurt|suck|be so|be really}",
        "of course {it|that} {feels|hurts|is|does|would|was}",
        "sounds like you",
        "sounds like {you're|you are|you've|you have|it's|it has|it was|that|things|your|a}",
        "{it|that} {seems|seemed} {like|that} you",
        "{it|that} {seems|looks} like {you're|you are|you've|you have|your}",
        "you {seem|sound} {like you're|to be|really|$so|very|pretty|quite|} {sad|lonely|alone|"
        "hurt|angry|frustrated|overwhelmed|exhausted|tired|stuck|lost|scared|anxious|stressed|"
        "hopeless|down|depressed|worried|upset|confused|burnt out|burned out|drained|trapped}",
        "you must {feel|be feeling|have felt|be|have been}",
        "{that|this|it} must {be|have been|feel|hurt|suck|make you}",
        "{that|this|it} {has to|has got to|must've|must have} {be|been|hurt|feel}",
        "i can {only|} imagine",
        "i can't imagine how",
        "i cannot imagine how",
        "i {can|} imagine {how|that|it|what|you}",
        "no wonder you",
        "{it|that} makes {total|complete|perfect|} sense {that|you|why|to feel}",
        "of course you {feel|are|would|'d|were}",
        "i can {see|tell|understand} {why|how|that you|you're|that it|what|you|that this}",
        "i can hear {how|that|the}",
        "i hear {how|that|the pain|your pain|you're|you are}",
        "anyone would feel",
        "anyone in your {position|situation|shoes} would",
        "{that|this} {is|was|would be} {a lot|a lot to|so much|too much} {to deal with|to handle|"
        "to carry|for anyone|for one person}",
        "you're {carrying|dealing with|going through|juggling|holding} {a lot|so much}",
        "you are {carrying|dealing with|going through|juggling|holding} {a lot|so much}",
        "you've been through {a lot|so much}",
        "you have been through {a lot|so much}"}},
      {M::kInterpretations,
       "shared_experience",
       1.0f,
       kPlain,
       {"$ive been {there|in your shoes|in the same|in a similar|through|in that|exactly where}",
        "i was {there|in your shoes|in the same|in a similar|in that same|exactly where}",
        "i went through {the same|something|a similar|this|that|it|exactly|a|an|my|the|some}",
        "i've gone through",
        "{been there|here too|me as well|same boat}",
        "i {also|too} {do|have|had|struggle|struggled|deal|dealt|suffer|suffered|went|felt|feel|"
        "was|am|lost|get|got|used}",
        "me too",
        "same here",
        "{same|similar} {thing|situation|story|experience} {happened|here|with me}",
        "happened to me",
        "{this|that|same thing|the same|it} happened {to|with} {me|my}",
        "i do {this|that|the same} {all the time|too|constantly|a lot|every day}",
        "i {'m|am} the same",
        "{i'm|i am} in the {exact|} same {place|boat|situation|spot|position}",
        "{i've|i have|i} {struggled|dealt|suffered|battled|lived} with",
        "i had {the same|a similar|something similar|the exact same}",
        "i {felt|feel} {the same|exactly the same|the exact same|the same way|like that|that way} "
        "{too|when|for|after|before|}",
        "i {used to|once|remember when i|remember feeling}",
        "when i was {in|your|a|going|younger|depressed|struggling|at}",
        "{in|from} my {own|} experience",
        "{speaking|talking} from experience",
        "i struggled with",
        "i struggle with",
        "i {suffer|suffered} from",
        "i {have|had|'ve had|was diagnosed with} {depression|anxiety|ptsd|bpd|adhd|ocd|"
        "bipolar|panic attacks|an eating disorder|social anxiety|insomnia|chronic pain}",
        "i lost my",
        "i've lost",
        "i also",
        "i too",
        "my {mom|mum|dad|father|mother|brother|sister|wife|husband|partner|friend|best friend|"
        "son|daughter|grandma|grandpa|grandmother|grandfather|dog|cat} {died|passed|killed}",
        "i've dealt with",
        "i have dealt with",
        "i dealt with",
        "i've had {this|that|the same|similar|a similar|my own}",
        "{been|was} {there|in your shoes} {myself|too|before}"}},
      {M::kInterpretations,
       "understanding",
       0.5f,
       kUpgradeIfSpecific,
       {"i {completely|totally|really|fully|} understand",
        "i {completely|totally|really|} get {it|that|you|this|how|what|where|why}",
        "i hear you",
        "i {totally|really|} feel you",
        "i {can|totally|really|} relate",
        "{so|very|super|} relatable",
        "i know how you feel",
        "i know {the|that} feeling",
        "i know {exactly|} what {it's|it is|it was|it feels} like",
        "i know {exactly|} how {it|that|this} {feels|is|goes}",
        "i know {exactly|} how {hard|painful|scary|lonely|exhausting|frustrating}",
        "i know what you mean",
        "i know what you're going through",
        "i know what you are going through",
        "i {completely|totally|} {understand|get} where you're coming from",
        "{that's|that is|it's|it is} {completely|totally|perfectly|so|very|} understandable",
        "{that's|that is|it's|it is} {completely|totally|perfectly|} {normal|okay|ok|valid|fine} "
        "to "
        "feel",
        "{it's|it is} {okay|ok|normal|fine|alright} {to feel|to be|to not|not to}",
        "your feelings are {valid|real|normal|understandable}",
        "{your|these|those} feelings {are|make} {valid|sense|completely valid|totally valid}",
        "{what|how} you're feeling is {valid|normal|understandable}"}},
      // Negated or advice uses that are no cue.
      {M::kInterpretations,
       "block",
       0.0f,
       kBlock,
       {"i don't understand", "i do not understand", "i don't get it", "sorry {but|if}",
        "$im sorry {but|if}", "i can't relate", "sounds like a plan", "to take care",
        "sounds like a good", "sounds like a great", "that sounds good", "that sounds great",
        "i understand {that you want|your question|what you're asking}"}},
      // ---- Explorations ----
      {M::kExplorations,
       "generic_question",
       0.5f,
       kGenericQuestion,
       {"{what's|what is} {wrong|up|going on|happening|the matter}",
        "what {happened|'s happening|is happening|is wrong|'s up}",
        "are you {ok|okay|alright|all right|good}",
        "you {ok|okay|alright|good}",
        "how are you {doing|holding up|now|today|}",
        "how are {things|you holding up}",
        "how's it going",
        "{do|would} you {want|wanna|like} to talk",
        "{want|wanna} to talk",
        "{wanna|want to} {talk|vent} {about it|}",
        "{can|could} you {explain|elaborate|say more}",
        "care to {share|elaborate|explain}",
        "what do you mean",
        "why",
        "how come",
        "how so",
        "why is that",
        "why do you {think|say} {that|so|that is|this}",
        "how long has {this|it|that} been {going on|happening|a thing}",
        "what about you",
        "and you",
        "anything else"}},
      {M::kExplorations,
       "suggestion_question",
       0.2f,
       kSuggestion,
       {"have you {tried|considered|thought about|thought of|looked into|ever tried|ever "
        "considered|ever thought about}",
        "{why|how} {don't|not|about} you", "why not", "why would", "who cares", "is it possible",
        "isn't it", "how about",
        "what about {trying|talking|getting|going|seeing|finding|asking|a|some}",
        "{could|can|would|will} you {try|consider|maybe|possibly|not}",
        "{would|do} you {consider|be willing|be open}",
        "{is|are} there {any way|anyone you could|someone you could|a way}",
        "{can't|cannot|could|can} you {just|not}",
        "{did|do|have} you {call|contact|see|ask} {a|your|the} {doctor|therapist|counselor|"
        "counsellor|gp|psychiatrist|hotline|crisis line}"}},
      {M::kExplorations,
       "invitation",
       1.0f,
       kPlain,
       {"tell {me|us} {more|about|what|how|why|when|a bit|a little}",
        "{can|could|would} you tell {me|us} {more|about|what|how|why|when|a bit|a little}",
        "i'm curious {about|what|how|why|if|whether|to know}",
        "i am curious {about|what|how|why|if|whether|to know}",
        "i'd {like|love} to {know|hear|understand} {more|what|how|why|about}",
        "i would {like|love} to {know|hear|understand} {more|what|how|why|about}",
        "i wonder {what|how|why|if you|whether you}",
        "i'm wondering {what|how|why|if you|whether you}",
        "{if|do} you {don't|do not} mind {me|my} asking",
        "if you {feel comfortable|are comfortable|'re comfortable|want to} {sharing|share|"
        "talking|talk|telling} {more|about|what|how}",
        "{what|how} {does|did|do} {that|this|it} {make|makes|made} you feel",
        "how {do|did|are|were} you {feel|feeling}",
        "how {long|often} {have|has|did|do|does|were|was|are|is|had}",
        "when did {this|it|that|you|these|the}", "what {do|did} you {think|feel|want|need|mean}",
        "what {made|makes|triggered|caused|led} {you|it|this|that}",
        "do you {feel|think|know why|have anyone|have someone|have friends|have any|have support}",
        "is there {something|anything|anyone|someone} {specific|in particular|that|you|who|"
        "else}"}},
  };
  return *k;
}

// Shorthand -> choice group.
constexpr std::pair<std::string_view, std::string_view> kShorthands[] = {
    {"$im", "{i'm|i am}"},
    {"$ive", "{i've|i have}"},
    {"$its", "{it's|it is}"},
    {"$thats", "{that's|that is|thats}"},
    {"$youre", "{you're|you are}"},
    {"$dont", "{don't|do not}"},
    {"$cant", "{can't|cannot|can not}"},
    {"$so", "{so|really|very|truly|deeply|incredibly|terribly|super|sincerely|genuinely}"},
};

// Words that name a feeling or an inner state: a sentence that names one is about the
// seeker's experience, not only about facts.
constexpr std::string_view kFeelingWords[] = {
    "feel",         "feels",         "feeling",       "feelings",
    "felt",         "emotion",       "emotions",      "emotional",
    "emotionally",  "mood",          "sad",           "sadness",
    "lonely",       "loneliness",    "alone",         "isolated",
    "anxious",      "anxiety",       "depressed",     "depression",
    "hurt",         "hurting",       "hurts",         "pain",
    "painful",      "scared",        "afraid",        "fear",
    "frightened",   "terrified",     "angry",         "anger",
    "mad",          "furious",       "frustrated",    "frustration",
    "overwhelmed",  "overwhelming",  "hopeless",      "hopelessness",
    "helpless",     "worthless",     "useless",       "exhausted",
    "tired",        "drained",       "numb",          "empty",
    "lost",         "stuck",         "trapped",       "abandoned",
    "rejected",     "betrayed",      "ashamed",       "shame",
    "guilt",        "guilty",        "embarrassed",   "insecure",
    "confused",     "heartbroken",   "devastated",    "upset",
    "down",         "miserable",     "unhappy",       "grief",
    "grieving",     "stressed",      "stress",        "stressful",
    "worried",      "worry",         "worrying",      "panic",
    "panicking",    "nervous",       "jealous",       "resentful",
    "bitter",       "unloved",       "unwanted",      "invisible",
    "ignored",      "misunderstood", "suicidal",      "broken",
    "crushed",      "defeated",      "disappointed",  "disappointment",
    "regret",       "burnt",         "burned",        "burnout",
    "struggling",   "struggle",      "suffering",     "happy",
    "happiness",    "joy",           "relieved",      "relief",
    "hope",         "hopeful",       "proud",         "excited",
    "scary",        "terrifying",    "unbearable",    "heavy",
    "hard",         "difficult",     "tough",         "valid",
    "cry",          "crying",        "cried",         "tears",
    "unmotivated",  "demotivated",   "apathetic",     "restless",
    "irritable",    "vulnerable",    "unsafe",        "safe",
    "comfortable",  "uncomfortable", "hate",          "hating",
    "loathing",     "self-hatred",   "exhausting",    "isolating",
    "draining",     "frightening",   "heartbreaking", "upsetting",
    "confusing",    "discouraging",  "demoralizing",  "humiliating",
    "infuriating",  "maddening",     "lonely",        "alienated",
    "disconnected", "pressure",      "pressured",     "shaken",
    "traumatized",  "traumatic",     "grieving",      "mourning",
    "homesick",     "heartbreak",    "powerless",     "inadequate"};

// Evaluations too generic to name the seeker's feeling ("that sounds hard").
constexpr std::string_view kGenericEvaluations[] = {"hard",  "difficult", "tough",      "heavy",
                                                    "valid", "safe",      "comfortable"};

// Verbs that, after a first-person subject, tell a story of one's own ("i was", "i went").
constexpr std::string_view kNarrativeVerbs[] = {
    "was",      "had",      "went",  "felt",      "used",      "got",     "tried",   "did",
    "started",  "lost",     "spent", "struggled", "dealt",     "found",   "learned", "learnt",
    "realized", "realised", "moved", "quit",      "left",      "decided", "ended",   "began",
    "suffered", "survived", "made",  "became",    "remember",  "stopped", "needed",  "couldn't",
    "wasn't",   "didn't",   "hated", "thought",   "developed", "grew",    "said",    "told",
    "ate",      "came",     "saw",   "knew",      "took",      "kept",    "cried",   "hid",
    "fell",     "wrote",    "sat",   "slept",     "woke",      "met",     "lived",   "hit",
    "drove",    "bought",   "sold",  "broke",     "caught",    "ran"};

// Words ending in "ed" that are not past tenses.
constexpr std::string_view kNotPast[] = {
    "need",      "indeed",    "speed",       "seed",       "feed",     "bed",
    "red",       "shed",      "weed",        "tired",      "scared",   "worried",
    "stressed",  "depressed", "interested",  "excited",    "bored",    "overwhelmed",
    "exhausted", "ashamed",   "embarrassed", "frustrated", "confused", "upset",
    "used",      "supposed",  "exceed",      "proceed",    "succeed"};

// Tokens after which a cue is negated.
constexpr std::string_view kNegations[] = {"not",   "never",  "don't", "doesn't", "didn't", "no",
                                           "isn't", "wasn't", "can't", "cannot",  "won't"};

constexpr std::string_view kSecondPerson[] = {"you",      "your",   "you're", "yours",
                                              "yourself", "you've", "you'd",  "you'll",
                                              "ya",       "yall",   "y'all",  "urself"};
constexpr std::string_view kFirstPerson[] = {"i",    "i'm", "i've", "i'd",
                                             "i'll", "me",  "my",   "myself"};
constexpr std::string_view kQuestionStarts[] = {
    "what",   "what's", "whats",    "how",    "how's", "why",   "when",    "where",
    "who",    "which",  "do",       "does",   "did",   "are",   "is",      "was",
    "were",   "have",   "has",      "had",    "can",   "could", "would",   "will",
    "should", "any",    "anything", "anyone", "you",   "is",    "whatever"};
constexpr std::string_view kAdviceWords[] = {
    "should",   "shouldn't", "try",   "trying", "recommend", "suggest", "advise",
    "consider", "must",      "need",  "needs",  "gotta",     "ought",   "please",
    "maybe",    "perhaps",   "might", "could",  "if",        "unless"};
constexpr std::string_view kImperativeStarts[] = {
    "apologize", "apologise", "explain",  "throw", "delete", "move",     "join",  "text",
    "set",       "read",      "download", "leave", "drink",  "practice", "apply", "put",
    "use",       "buy",       "quit",     "cut",   "block",  "ignore",   "treat", "please",
    "consider",  "check",     "google",   "look",  "try",    "go",       "talk",  "see",
    "get",       "don't",     "stop",     "take",  "make",   "just",     "call",  "find",
    "keep",      "start",     "look",     "seek",  "reach",  "write",    "focus", "remember",
    "ask",       "tell",      "let",      "give",  "do",     "eat",      "sleep", "exercise",
    "avoid",     "think",     "be"};
constexpr std::string_view kSharedMarkers[] = {"too", "also", "same", "similar", "myself"};

// Words that say nothing about the seeker's situation when echoed.
constexpr std::string_view kStopwords[] = {
    "the",        "a",         "an",      "and",      "or",       "but",       "so",
    "if",         "then",      "than",    "that",     "this",     "these",     "those",
    "there",      "here",      "it",      "its",      "it's",     "is",        "are",
    "was",        "were",      "be",      "been",     "being",    "am",        "do",
    "does",       "did",       "doing",   "done",     "have",     "has",       "had",
    "having",     "get",       "got",     "getting",  "i",        "me",        "my",
    "mine",       "myself",    "you",     "your",     "yours",    "yourself",  "he",
    "him",        "his",       "she",     "her",      "hers",     "they",      "them",
    "their",      "we",        "us",      "our",      "i'm",      "i've",      "i'd",
    "i'll",       "you're",    "you've",  "you'd",    "you'll",   "he's",      "she's",
    "they're",    "we're",     "that's",  "what's",   "there's",  "don't",     "doesn't",
    "didn't",     "can't",     "cannot",  "won't",    "wouldn't", "couldn't",  "shouldn't",
    "isn't",      "aren't",    "wasn't",  "weren't",  "haven't",  "hasn't",    "not",
    "no",         "yes",       "of",      "to",       "in",       "on",        "at",
    "for",        "with",      "about",   "from",     "by",       "as",        "into",
    "out",        "up",        "down",    "over",     "off",      "just",      "really",
    "very",       "so",        "too",     "also",     "all",      "any",       "some",
    "much",       "many",      "more",    "most",     "what",     "when",      "where",
    "why",        "how",       "who",     "which",    "will",     "would",     "could",
    "should",     "can",       "may",     "might",    "must",     "like",      "know",
    "think",      "want",      "even",    "still",    "now",      "then",      "always",
    "never",      "ever",      "one",     "thing",    "things",   "something", "anything",
    "everything", "nothing",   "someone", "anyone",   "everyone", "people",    "way",
    "time",       "lot",       "because", "cause",    "though",   "go",        "going",
    "make",       "makes",     "made",    "say",      "said",     "feel",      "feeling",
    "felt",       "day",       "days",    "year",     "years",    "im",        "dont",
    "ok",         "okay",      "yeah",    "well",     "good",     "bad",       "only",
    "other",      "again",     "back",    "right",    "pretty",   "kind",      "sort",
    "every",      "each",      "own",     "same",     "did",      "let",       "take",
    "see",        "come",      "came",    "need",     "it'll",    "gonna",     "wanna",
    "actually",   "literally", "maybe",   "probably", "sure"};

}  // namespace

struct EmpathyScorer::Tables {
  struct Phrase {
    int16_t cue = -1;  // index into Cues(), -1 when only a prefix
    bool is_prefix = false;
  };
  nlp::StringTable<Phrase> phrases;
  nlp::StringTable<uint8_t> feelings;
  nlp::StringTable<uint8_t> narrative;
  nlp::StringTable<uint8_t> not_past;
  nlp::StringTable<uint8_t> negations;
  nlp::StringTable<uint8_t> second;
  nlp::StringTable<uint8_t> first;
  nlp::StringTable<uint8_t> question_starts;
  nlp::StringTable<uint8_t> advice;
  nlp::StringTable<uint8_t> imperative;
  nlp::StringTable<uint8_t> shared;
  nlp::StringTable<uint8_t> stopwords;
};

namespace {

void ExpandChoices(const std::string& pattern, std::vector<std::string>* out) {
  size_t open = pattern.find('{');
  if (open == std::string::npos) {
    // Collapse spaces left by empty choices.
    std::string clean;
    for (char c : pattern) {
      if (c == ' ' && (clean.empty() || clean.back() == ' ')) continue;
      clean += c;
    }
    while (!clean.empty() && clean.back() == ' ') clean.pop_back();
    if (!clean.empty()) out->push_back(std::move(clean));
    return;
  }
  // Choices may nest ("{{so|really}|}"): split at the top level only.
  std::vector<std::string> choices(1);
  size_t close = open + 1;
  for (int depth = 0; close < pattern.size(); ++close) {
    char c = pattern[close];
    if (c == '}' && depth == 0) break;
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == '|' && depth == 0) {
      choices.emplace_back();
    } else {
      choices.back() += c;
    }
  }
  const std::string head = pattern.substr(0, open);
  const std::string tail = close < pattern.size() ? pattern.substr(close + 1) : "";
  for (const std::string& choice : choices) ExpandChoices(head + choice + tail, out);
}

std::string ApplyShorthands(std::string_view pattern) {
  std::string s(pattern);
  for (const auto& [from, to] : kShorthands) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos)) {
      size_t end = pos + from.size();
      // Whole shorthand only ("$so" must not match the start of "$sorry"-like text).
      if (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) {
        pos = end;
        continue;
      }
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return s;
}

template <size_t N>
void Fill(nlp::StringTable<uint8_t>& table, const std::string_view (&words)[N]) {
  table.Reserve(N);
  for (std::string_view w : words) table[w] = 1;
}

std::shared_ptr<const EmpathyScorer::Tables> BuildTables() {
  auto t = std::make_shared<EmpathyScorer::Tables>();
  const auto& cues = Cues();
  std::vector<std::string> expanded;
  for (size_t c = 0; c < cues.size(); ++c) {
    for (std::string_view p : cues[c].patterns) {
      expanded.clear();
      ExpandChoices(ApplyShorthands(p), &expanded);
      for (const std::string& phrase : expanded) {
        auto& entry = t->phrases[phrase];
        if (entry.cue < 0) entry.cue = static_cast<int16_t>(c);
        for (size_t sp = phrase.find(' '); sp != std::string::npos; sp = phrase.find(' ', sp + 1)) {
          t->phrases[std::string_view(phrase).substr(0, sp)].is_prefix = true;
        }
      }
    }
  }
  Fill(t->feelings, kFeelingWords);
  for (std::string_view w : kFeelingWords) {
    if (w != "feel" && w != "feels" && w != "feeling" && w != "feelings" && w != "felt") {
      t->feelings[w] = 2;
    }
  }
  for (std::string_view w : kGenericEvaluations) t->feelings[w] = 1;
  Fill(t->not_past, kNotPast);
  Fill(t->narrative, kNarrativeVerbs);
  Fill(t->negations, kNegations);
  Fill(t->second, kSecondPerson);
  Fill(t->first, kFirstPerson);
  Fill(t->question_starts, kQuestionStarts);
  Fill(t->advice, kAdviceWords);
  Fill(t->imperative, kImperativeStarts);
  Fill(t->shared, kSharedMarkers);
  Fill(t->stopwords, kStopwords);
  return t;
}

std::string_view CutAtCharBoundary(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

// A crude stem for matching the seeker's words in the reply: "hurts"/"hurting" -> "hurt".
std::string_view Stem(std::string_view w) {
  auto strip = [&w](std::string_view suffix, size_t min_left) {
    if (w.size() >= suffix.size() + min_left && w.ends_with(suffix)) {
      w.remove_suffix(suffix.size());
      return true;
    }
    return false;
  };
  if (strip("'s", 2)) return w;
  if (strip("ing", 3) || strip("ed", 3) || strip("ies", 3) || strip("es", 3) || strip("ly", 3) ||
      strip("s", 3)) {
  }
  return w.substr(0, std::min<size_t>(w.size(), 6));
}

bool IsContentWord(const Token& t, const EmpathyScorer::Tables& tables) {
  return t.Has(nlp::kWord) && !t.Has(nlp::kNumber) && t.norm.size() >= 3 &&
         !tables.stopwords.contains(t.norm);
}

struct Sentence {
  size_t begin = 0;  // token range [begin, end), the break token excluded
  size_t end = 0;
  bool question = false;
};

std::vector<Sentence> SplitSentences(const NormalizedText& n, size_t limit,
                                     const EmpathyScorer::Tables& tables) {
  std::vector<Sentence> out;
  size_t begin = 0;
  auto close = [&](size_t end, bool q) {
    // Skip leading punctuation and emoji.
    size_t b = begin;
    while (b < end && !n.tokens[b].Has(nlp::kWord)) ++b;
    if (b < end) {
      Sentence s{b, end, q};
      // A question without its mark: "what happened" / "how are you feeling" as a whole line.
      if (!q && tables.question_starts.contains(n.tokens[b].norm) && end - b >= 2 &&
          end - b <= 14) {
        std::string_view w = n.tokens[b].norm;
        bool wh = w == "what" || w == "what's" || w == "how" || w == "why" || w == "when";
        if (wh) {
          for (size_t i = b + 1; i < std::min(end, b + 4); ++i) {
            if (tables.second.contains(n.tokens[i].norm)) s.question = true;
          }
        }
      }
      out.push_back(s);
    }
    begin = end + 1;
  };
  for (size_t i = 0; i < limit; ++i) {
    const Token& t = n.tokens[i];
    if (t.Has(nlp::kBreak)) {
      close(i, t.norm == "?");
    } else if (t.Has(nlp::kPunct) && t.norm.find('?') != std::string::npos) {
      close(i, true);  // "?!" and similar runs
    }
  }
  if (begin < limit) close(limit, false);
  return out;
}

// Maps a raw sum to [0, 1] with the weak and strong thresholds at 1/3 and 2/3.
float Squash(float raw, float weak_at, float strong_at) {
  if (raw <= 0) return 0;
  if (raw < weak_at) return raw / weak_at / 3.0f;
  if (raw < strong_at) return (1.0f + (raw - weak_at) / (strong_at - weak_at)) / 3.0f;
  return 2.0f / 3.0f + (1.0f - std::exp(-(raw - strong_at) / strong_at)) / 3.0f;
}

// Collects pieces of evidence per mechanism and sums them with diminishing returns.
class Accumulator {
 public:
  void Add(Mechanism m, std::string_view kind, float weight, nlp::Span span) {
    if (weight <= 0) return;
    cues_.push_back({m, span, kind, weight});
  }

  EmpathyScore Finish() {
    EmpathyScore score;
    std::stable_sort(cues_.begin(), cues_.end(), [](const EmpathyCue& a, const EmpathyCue& b) {
      return a.span.start < b.span.start;
    });
    for (int m = 0; m < kNumMechanisms; ++m) {
      std::vector<const EmpathyCue*> mine;
      for (const auto& c : cues_) {
        if (static_cast<int>(c.mechanism) == m) mine.push_back(&c);
      }
      std::stable_sort(mine.begin(), mine.end(), [](const EmpathyCue* a, const EmpathyCue* b) {
        return a->weight > b->weight;
      });
      float raw = 0;
      std::vector<std::string_view> seen;
      for (size_t i = 0; i < mine.size(); ++i) {
        bool repeat = std::find(seen.begin(), seen.end(), mine[i]->kind) != seen.end();
        float f = i == 0 ? 1.0f : repeat ? 0.1f : 0.33f;
        raw += f * mine[i]->weight;
        seen.push_back(mine[i]->kind);
      }
      float s = Squash(raw, kWeakAt[m], kStrongAt[m]);
      score.mechanisms[m].score = std::clamp(s, 0.0f, 1.0f);
      score.mechanisms[m].level = s >= 2.0f / 3.0f ? 2 : s >= 1.0f / 3.0f ? 1 : 0;
    }
    score.cues = std::move(cues_);
    return score;
  }

 private:
  std::vector<EmpathyCue> cues_;
};

}  // namespace

std::string_view MechanismName(Mechanism m) {
  switch (m) {
    case Mechanism::kEmotionalReactions:
      return "emotional_reactions";
    case Mechanism::kInterpretations:
      return "interpretations";
    case Mechanism::kExplorations:
      return "explorations";
  }
  return "unknown";
}

EmpathyScorer::EmpathyScorer(nlp::Normalizer normalizer)
    : normalizer_(std::move(normalizer)), tables_([] {
        static const std::shared_ptr<const Tables> k = BuildTables();
        return k;
      }()) {}

StatusOr<EmpathyScorer> EmpathyScorer::Load(const std::string& data_dir) {
  auto n = nlp::Normalizer::Load(data_dir);
  if (!n.ok()) return n.status();
  return EmpathyScorer(std::move(n).value());
}

EmpathyScore EmpathyScorer::Score(std::string_view seeker_text,
                                  std::string_view response_text) const {
  const Tables& t = *tables_;
  const NormalizedText seeker = normalizer_.Normalize(CutAtCharBoundary(seeker_text, kMaxBytes));
  const NormalizedText reply = normalizer_.Normalize(CutAtCharBoundary(response_text, kMaxBytes));
  const size_t limit = reply.tokens.size();
  const auto& cues = Cues();
  Accumulator acc;

  // The seeker's content words, stemmed.
  std::vector<std::string_view> seeker_words;
  for (const Token& tok : seeker.tokens) {
    if (IsContentWord(tok, t)) seeker_words.push_back(Stem(tok.norm));
  }
  std::sort(seeker_words.begin(), seeker_words.end());
  seeker_words.erase(std::unique(seeker_words.begin(), seeker_words.end()), seeker_words.end());
  auto echoes = [&](const Token& tok) {
    return IsContentWord(tok, t) &&
           std::binary_search(seeker_words.begin(), seeker_words.end(), Stem(tok.norm));
  };

  // Phrase cues: the longest phrase starting at each token.
  struct Match {
    size_t first, last;  // tokens, inclusive
    int cue;
  };
  std::vector<Match> matches;
  for (size_t i = 0; i < limit; ++i) {
    int best = -1;
    size_t best_last = i;
    for (size_t j = i; j < limit && j < i + kMaxPhraseTokens; ++j) {
      size_t from = reply.token_offsets[i];
      size_t to = reply.token_offsets[j] + reply.tokens[j].norm.size();
      const Tables::Phrase* p =
          t.phrases.Find(std::string_view(reply.canonical).substr(from, to - from));
      if (p == nullptr) break;
      if (p->cue >= 0) {
        best = p->cue;
        best_last = j;
      }
      if (!p->is_prefix) break;
    }
    if (best < 0) continue;
    if (i > 0 && t.negations.contains(reply.tokens[i - 1].norm)) continue;
    matches.push_back({i, best_last, best});
    i = best_last;  // phrases do not overlap: "it sounds like" leaves no "sounds like you"
  }
  // Blockers silence what starts inside them.
  std::vector<Match> kept;
  size_t blocked_until = 0;
  bool any_block = false;
  for (const Match& m : matches) {
    if (any_block && m.first <= blocked_until) continue;
    if (cues[m.cue].flags & kBlock) {
      any_block = true;
      blocked_until = m.last;
      continue;
    }
    kept.push_back(m);
  }

  const std::vector<Sentence> sentences = SplitSentences(reply, limit, t);
  std::vector<int32_t> sentence_of(limit, -1);
  for (size_t si = 0; si < sentences.size(); ++si) {
    for (size_t i = sentences[si].begin; i < sentences[si].end; ++i) {
      sentence_of[i] = static_cast<int32_t>(si);
    }
  }

  struct SentenceInfo {
    bool second = false;     // "you", "your"
    bool first = false;      // "i", "my", "me"
    bool feeling = false;    // a feeling word, "feel" included
    bool emotion = false;    // a feeling word proper ("lonely", "scared")
    bool advice = false;     // imperative or modal advice ("try", "you should", "if")
    bool shared = false;     // "too", "also", "same"
    bool negated = false;    // "not", "never", "don't"
    bool narrative = false;  // a first-person past tense: a story of one's own
    bool situation = false;  // "this", "it", "he": about the seeker's situation
    bool generic_q = false, suggestion_q = false, explored = false;
    int echoes = 0, words = 0;
  };
  auto is_past = [&t](std::string_view w) {
    if (t.narrative.contains(w)) return true;
    return w.size() >= 5 && w.ends_with("ed") && !t.not_past.contains(w);
  };
  std::vector<SentenceInfo> info(sentences.size());
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    SentenceInfo& in = info[si];
    in.advice = t.imperative.contains(reply.tokens[s.begin].norm);
    bool subject = false;  // a first-person subject seen, no "you" yet
    for (size_t i = s.begin; i < s.end; ++i) {
      const Token& tok = reply.tokens[i];
      if (!tok.Has(nlp::kWord)) continue;
      ++in.words;
      const std::string_view w = tok.norm;
      if (t.second.contains(w)) in.second = true;
      if (t.first.contains(w)) {
        in.first = true;
        if (w != "me") subject = true;
      } else if (subject && !in.second && is_past(w)) {
        in.narrative = true;
      }
      if (const uint8_t* f = t.feelings.Find(w)) {
        in.feeling = true;
        if (*f == 2) in.emotion = true;
      }
      if (t.advice.contains(w)) in.advice = true;
      if (t.shared.contains(w)) in.shared = true;
      if (t.negations.contains(w)) in.negated = true;
      if (w == "this" || w == "that" || w == "it" || w == "they" || w == "he" || w == "she" ||
          w == "things" || w == "him" || w == "her" || w == "them") {
        in.situation = true;
      }
      if (echoes(tok)) ++in.echoes;
    }
    // "relapsed after 14 months last year": a story whose "i" was dropped.
    if (!in.narrative && !in.second && s.end > s.begin && is_past(reply.tokens[s.begin].norm) &&
        !s.question) {
      in.narrative = true;
    }
  }

  // Phrase cues into the accumulator.
  for (const Match& m : kept) {
    const CueDef& def = cues[m.cue];
    const nlp::Span span = reply.TokenSpan(m.first, m.last);
    const int32_t si = sentence_of[m.first];
    const Sentence* s = si >= 0 ? &sentences[si] : nullptr;
    SentenceInfo* in = si >= 0 ? &info[si] : nullptr;
    float w = def.weight;
    if (def.flags & kGenericQuestion) {
      if (in == nullptr) continue;
      const int phrase_words = static_cast<int>(m.last - m.first + 1);
      // Generic only when it is (nearly) the whole question: "why do you feel so alone?" is not.
      // Without a question mark only as the whole of a short line ("whats going on man").
      if (in->words > phrase_words + 2) continue;
      if (!s->question && (m.first != s->begin || in->words > phrase_words + 1)) continue;
      in->generic_q = true;
    }
    if (def.flags & kSuggestion) {
      if (in == nullptr || !s->question) continue;
      in->suggestion_q = true;
    }
    if ((def.flags & kUpgradeIfSpecific) && in != nullptr) {
      // "i understand how lonely it gets" names the feeling; "i understand" alone does not.
      float specific = 0;
      for (size_t i = m.last + 1; i < s->end; ++i) {
        const Token& tok = reply.tokens[i];
        const uint8_t* f = t.feelings.Find(tok.norm);
        if (f != nullptr && *f == 2) {
          specific += 1.5f;
        } else if (echoes(tok)) {
          specific += 1;
        }
      }
      if (specific >= 3) w = 1.0f;
    }
    if (def.mechanism == Mechanism::kExplorations && in != nullptr) in->explored = true;
    acc.Add(def.mechanism, def.kind, w, span);
  }

  // Sentence-level evidence.
  int narrative_sentences = 0;
  nlp::Span story_span;
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    const SentenceInfo& in = info[si];
    const nlp::Span span = reply.TokenSpan(s.begin, s.end - 1);
    const std::string_view head = reply.tokens[s.begin].norm;
    if (s.question) {
      if (in.generic_q || in.explored || in.suggestion_q) continue;  // its phrase counted
      float w = 0;
      if (in.second) {
        // A question put to the seeker; specific when it names a feeling or their own words.
        w = in.feeling || in.echoes >= 1 ? 1.1f : in.words >= 3 ? 0.9f : 0.6f;
      } else if (in.first && !in.situation) {
        continue;  // a question about the replier
      } else if (in.words >= 4 && t.question_starts.contains(head)) {
        // "what has been the hardest part?", "when did this start?": about the situation.
        w = in.feeling || in.echoes >= 1 || in.words >= 6 ? 0.9f : 0.6f;
      } else if (in.words >= 2 && in.situation && t.question_starts.contains(head)) {
        w = 0.6f;  // "what was he like?"
      } else {
        w = 0.15f;  // rhetorical or a fragment ("right?", "music, food, anything?")
      }
      if (in.advice && !in.emotion) w = std::min(w, 0.2f);
      acc.Add(Mechanism::kExplorations, in.feeling || in.echoes ? "feeling_question" : "question",
              w, span);
      continue;
    }
    // "that sounds exhausting", "it seems so lonely": the seeker's state inferred.
    if ((head == "that" || head == "it" || head == "this" || head == "sounds" || head == "seems") &&
        in.emotion && !in.first) {
      for (size_t i = s.begin; i < std::min(s.end, s.begin + 3); ++i) {
        std::string_view w = reply.tokens[i].norm;
        if ((w == "sounds" || w == "seems" || w == "sound" || w == "seem") &&
            !(i > 0 && t.negations.contains(reply.tokens[i - 1].norm))) {
          acc.Add(Mechanism::kInterpretations, "inference", 1.0f, span);
          break;
        }
      }
    }
    if (in.narrative && !in.advice) {
      if (narrative_sentences == 0) story_span = span;
      story_span.end = span.end;
      ++narrative_sentences;
    }
    if (in.first && in.shared && !in.second && !in.advice) {
      acc.Add(Mechanism::kInterpretations, "shared_experience", 1.0f, span);
    }
    if (in.second && !in.advice && !in.first && !in.negated && (in.emotion || in.echoes >= 2)) {
      // A statement about the seeker that names their feeling or echoes their words.
      float w = in.emotion && in.echoes >= 1 ? 1.0f : in.emotion ? 0.6f : 0.5f;
      acc.Add(Mechanism::kInterpretations, "reflection", w, span);
    }
  }
  if (narrative_sentences > 0) {
    // A story of one's own is a shared experience; told at some length, a clear one.
    acc.Add(Mechanism::kInterpretations, "own_story", narrative_sentences == 1 ? 1.0f : 1.2f,
            story_span);
  }

  // Hearts and comforting emoji.
  for (size_t i = 0; i < limit; ++i) {
    const Token& tok = reply.tokens[i];
    if (!tok.Has(nlp::kEmoji) && !tok.Has(nlp::kEmoticon)) continue;
    std::string_view e = tok.norm;
    if (e == "<3" || e == "❤" || e == "❤️" || e == "♥" || e == "💕" || e == "💜" || e == "💙" ||
        e == "💗" || e == "💖" || e == "🤗" || e == "🫂" || e == "😢" || e == "😔" || e == "🥺" ||
        e == "😭" || e == "💛" || e == "💚" || e == "🧡") {
      acc.Add(Mechanism::kEmotionalReactions, "heart", 0.5f, tok.span);
    }
  }
  return acc.Finish();
}

std::string EmpathyLevelsJson(const EmpathyScore& score) {
  std::string out;
  out.reserve(80);
  for (int m = 0; m < kNumMechanisms; ++m) {
    if (m > 0) out += ',';
    out += '"';
    out += MechanismName(static_cast<Mechanism>(m));
    out += "\":";
    out += static_cast<char>('0' + score.mechanisms[m].level);
  }
  return out;
}

}  // namespace haven::reply
