#include "safety/output_guard.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace haven::safety {
namespace {

// ---- Pattern table ------------------------------------------------------------------------
// A pattern is a sequence of elements separated by spaces, matched against whole tokens:
//   word        that word (after tokenising: lower case, contractions expanded)
//   a|b|c       any one of these words
//   x?          the element is optional (a|b? too)
//   *           any one word; *? an optional one
//   #           a number (digits, "2.5", "1,000", or a number word: "two", "fifty")
//   @class      a word of a class below
//   $           the end of the sentence (consumes nothing)
// Flags:
//   kNeg   no match when a negation (not, never, no, none, nobody, without...) comes up to six
//          words before it in the same sentence ("none of this is your fault")
//   kRefl  no match when the sentence, before it, asks about or reflects the person's thoughts
//          ("have you been thinking about how to...": the C-SSRS question, not instructions)
//   kMed   only when the sentence names a medicine or a pill word
//   kProf  no match when a prescriber comes before it in the sentence ("your GP may adjust
//          your dose": deferring to a professional, not advice)
//   kFeel  no match when the person's own feeling or belief frames it ("you might feel it's
//          your fault", "it can feel like your own fault"), unless "i" or "we" says it
enum Flag : unsigned { kNeg = 1, kRefl = 2, kMed = 4, kProf = 8, kFeel = 16 };

struct RuleSpec {
  GuardRule rule;
  const char* pattern;
  unsigned flags;
};

constexpr GuardRule M = GuardRule::kMethod;
constexpr GuardRule D = GuardRule::kDosing;
constexpr GuardRule H = GuardRule::kHumanClaim;
constexpr GuardRule C = GuardRule::kConfidentiality;
constexpr GuardRule X = GuardRule::kDiagnosis;
constexpr GuardRule B = GuardRule::kBlame;
constexpr GuardRule N = GuardRule::kMinimising;

// clang-format off
const RuleSpec kRules[] = {
  // ---- method: how to, doses that kill, heights, means ------------------------------------
  {M, "lethal|fatal|deadly|toxic|killing dose|doses|dosage|amount|amounts|quantity|overdose|level", 0},
  {M, "enough to kill|die", 0},
  {M, "enough @pills to", 0},
  {M, "would|will|could|can|might|should kill you|yourself", kRefl},
  {M, "would|will|could|can|might be lethal|fatal|deadly", 0},
  {M, "is|are lethal|fatal|deadly", 0},
  {M, "how many|much @pills would|will|does|do|to|it|could", 0},
  {M, "how many|much *? would|will|does|do|it take|takes to|for die|kill|overdose", 0},
  {M, "@superl way|ways|method|methods|means to|of|for die|dying|death|kill|killing|suicide|commit|overdose|overdosing|hang|hanging", 0},
  {M, "@superl way|ways|method|methods to|of end|ending your|my|a|one|it", 0},
  {M, "painless|peaceful|quick|quickest|easy|easiest|fast|fastest|sure|surest|clean death|suicide|overdose", 0},
  {M, "painless|peaceful|quick|quickest|easy|easiest way out", 0},
  {M, "die|dying painlessly|quickly|peacefully|instantly", 0},
  {M, "painless|painlessly", 0},
  {M, "quick|fast|easy and painless|easy|quick", 0},
  {M, "method|methods|way|ways is|are|include|includes|like|such as? @meth", 0},
  {M, "@pills would|will|should|could do|be it|enough", 0},
  {M, "bottle|pack|packet|box of? @pills? would|will|should|could do|be it|enough", 0},
  {M, "make sure no one|nobody finds|find|sees|stops|interrupts|can", 0},
  {M, "suicide|overdose method|methods|technique|techniques", 0},
  {M, "self harm method|methods|technique|techniques|tools", 0},
  {M, "methods|ways of|for suicide|killing|dying", 0},
  {M, "how to kill|hang|drown|poison|shoot|cut|hurt|harm|overdose|suffocate|starve|strangle|burn yourself|oneself|themselves", kNeg | kRefl},
  {M, "how to commit suicide", kNeg | kRefl},
  {M, "how to end|take your|one|a life", kNeg | kRefl},
  {M, "ways|way to kill|hang|drown|poison|shoot|cut|hurt|harm|overdose|suffocate yourself|oneself", kNeg | kRefl},
  {M, "you could|can|should|might overdose|hang|drown|poison|suffocate", kNeg},
  {M, "hang|hanging yourself|oneself with|from|using", 0},
  {M, "tie|tying|tied a|the noose|knot", 0},
  {M, "cut|cutting|slit|slitting|slice|slicing your|the|a wrist|wrists|vein|veins|artery|arteries|throat", 0},
  {M, "cut|cutting|slice|slicing *? vertically|lengthwise|deep|deeper|deeply", 0},
  {M, "along|across|down the|a|your vein|veins|artery|arteries|wrist|wrists", 0},
  {M, "bleed|bleeding out", 0},
  {M, "# storeys|stories|floors|storey|story|floor|feet|foot|ft|metres|meters|metre|meter|m high|up|tall|drop|fall|is|are|would|will|should|down", 0},
  {M, "high|tall enough to", 0},
  {M, "a|the fall from|off", 0},
  {M, "survive a|the fall|jump", 0},
  {M, "the tallest|highest bridge|building|cliff|tower|roof|car", 0},
  {M, "jump|jumping off|from a|the bridge|building|roof|cliff|balcony|tower|height", kNeg | kRefl},
  {M, "carbon monoxide", 0},
  {M, "helium|nitrogen tank|tanks|bag|balloon|canister|canisters|hood|method", 0},
  {M, "exit bag|bags", 0},
  {M, "charcoal burning|grill|barbecue|bbq|in", 0},
  {M, "plastic bag over|on your|the head|face", 0},
  {M, "in front of a|the train|bus|truck|lorry|car", kNeg},
  {M, "gun|pistol|rifle|firearm to your|the head|temple|mouth|chest", 0},
  {M, "shoot yourself in", 0},
  {M, "@med overdose|od", 0},
  {M, "how long does|will|would it take|takes? to die|bleed", 0},
  {M, "how long until|before you die|pass|lose", 0},
  {M, "drown|drowning|suffocate|suffocating|starve|starving|poison|poisoning yourself", kNeg},
  {M, "@med and|with alcohol|drinking|booze|vodka together? is|are|would|will|can|could kill|be|cause", 0},

  // ---- dosing -----------------------------------------------------------------------------
  {D, "# @mass", 0},
  {D, "# @volume", kMed},
  {D, "# grams|gram|g|teaspoons|teaspoon|tablespoons|drops|puffs|units", kMed},
  {D, "take|taking|took|swallow|try|use # @pills", kNeg},
  {D, "take|taking|swallow|try # of your|the|these|those|them", kMed | kNeg},
  {D, "# @pills a|per|each|every day|night|morning|evening|hours|hour|time", 0},
  {D, "@pills every # hours|hour|days", 0},
  {D, "every # hours|hour", kMed},
  {D, "increase|decrease|double|halve|lower|raise|reduce|cut|skip|adjust|change|up|taper|stop|quit|split|crush your|the|that dose|doses|dosage|medication|medications|meds|medicine|pills|tablets|prescription", kNeg | kProf},
  {D, "cut|taper|come|coming off|down your|the|that|those? medication|medications|meds|medicine|pills|dose|dosage", kNeg | kProf},
  {D, "stop|quit|skip taking your|the|those|these|that medication|medications|meds|medicine|pills|tablets|antidepressants", kNeg | kProf},
  {D, "take|taking an? extra|another|more|double|additional|second @pills", kNeg},
  {D, "maximum|max|recommended|starting|usual|normal|typical|safe|daily|right|correct|minimum|higher|lower dose|doses|dosage", kProf},
  {D, "safe to mix|combine|double|overdose", 0},
  {D, "safe to take|use with|together|more|another|extra|these|those|them|it|this|that", kMed},
  {D, "safe to take|use @med", 0},
  {D, "you can|could|should safely? take|try more|another|extra|double", kNeg | kProf},
  {D, "you can|could|should safely? take|try @med", kNeg | kProf},
  {D, "dose|dosage of #", 0},
  {D, "mg|milligrams|milligram|mcg", 0},

  // ---- human_claim ------------------------------------------------------------------------
  {H, "i am a|an? real|actual|living|fellow|normal|regular human|person|woman|man|girl|guy|lady|counsellor|counselor|therapist|doctor|nurse|psychologist|volunteer", 0},
  {H, "i am human|humans|people", 0},
  {H, "i am just|only? a human|person|volunteer|man|woman|girl|guy", 0},
  {H, "i am a|an licensed|trained|qualified|certified|registered|professional|clinical? therapist|counsellor|counselor|psychologist|psychiatrist|doctor|nurse|psychotherapist|worker|clinician|coach|paramedic", 0},
  {H, "i am not a|an ai|bot|robot|machine|computer|program|programme|chatbot|algorithm|assistant|automated|artificial|software", 0},
  {H, "i am not ai|artificial|automated|software", 0},
  {H, "i am no bot|robot|machine|ai", 0},
  // "As a human, I understand", "as a fellow human, I": said of the speaker, not "they don't
  // see you as a human".
  {H, "as a|an human|fellow|real *? i|we|myself", 0},
  {H, "as a|an fellow human|person|sufferer", 0},
  {H, "as a person myself", 0},
  {H, "as your therapist|counsellor|counselor|psychologist|psychiatrist|doctor|nurse|clinician", 0},
  {H, "speaking as a person|human", 0},
  {H, "you are talking|chatting|speaking|texting to|with a|an real|actual|live? human|person|therapist|counsellor|counselor|volunteer|doctor|nurse", 0},
  {H, "this is a|an real|actual|live human|person", 0},
  {H, "i have a|my own? family|kids|children|wife|husband|body|boyfriend|girlfriend|partner|son|daughter|mother|mum|mom|dad|father", 0},
  {H, "i have kids|children|feelings", 0},
  {H, "when i was a|an? kid|child|teenager|teen|younger|young|little|student|growing", 0},
  {H, "when i was your age", 0},
  {H, "when i was in|at school|college|university", 0},
  {H, "i have been|gone through the same|something|exactly", 0},
  {H, "i have been|gone through this|that|it too|myself", 0},
  {H, "i went through the? same|something|exactly|similar", 0},
  {H, "i have been there myself|too", 0},
  {H, "i have felt|had this|that|the same? way? myself|too", 0},
  {H, "i also? have|had|struggle|struggled with? @cond", 0},
  {H, "i know how you feel because i", 0},
  {H, "i am only|just human", 0},
  {H, "a real person|human is typing|writing|reading", 0},

  // ---- confidentiality --------------------------------------------------------------------
  {C, "i will not|never tell|share|repeat|report|mention anyone|anybody|a|no|nobody|this|that|it|what|anything|your", 0},
  {C, "i can not tell|share anyone|anybody|nobody", 0},
  {C, "i promise not|never to tell|share|report|repeat", 0},
  {C, "i promise i will not|never", 0},
  {C, "this|it|everything|anything|conversation|chat|messages|information|data|details *? *? is|are|stays|stay|remains|remain|will|would be|stay|remain? completely|totally|fully|entirely|strictly|always|100|absolutely? confidential|secret|anonymous|private|untraceable", 0},
  {C, "what|anything|everything you say|tell|share|write|type|said|told|shared me? here? is|are|stays|remains|will|would be|stay|remain? completely|totally|fully|entirely|strictly|always|100|absolutely? confidential|secret|anonymous|private", 0},
  {C, "completely|totally|fully|entirely|strictly|100 confidential|anonymous|private|secret", 0},
  {C, "stays|stay|remains|remain|kept|is just? between us|ourselves", 0},
  {C, "between you and me", 0},
  {C, "keep it|this|that just? between us|ourselves|you", 0},
  {C, "just between us|ourselves", 0},
  {C, "no one else|ever? will|can|could ever? see|read|know|find|hear|access", 0},
  {C, "no one else|ever? is|are going to ever? see|read|know|find|hear|access", 0},
  {C, "nobody else|ever? is|are going to ever? see|read|know|find|hear|access", 0},
  {C, "i will not|never tell|say|breathe $", 0},
  {C, "i will not|never tell|say|breathe a word", 0},
  {C, "nobody else|ever? will|can|could ever? see|read|know|find|hear|access", 0},
  {C, "your secret|secrets is|are safe", 0},
  {C, "i will keep this|it|that|your|everything|what *? a? secret|secrets|private|confidential|between|to", 0},
  {C, "i do not store|save|keep|record|log|remember|track", 0},
  {C, "nothing is|will|gets|get be? stored|saved|recorded|logged|kept|tracked", 0},
  {C, "this|it|messages|conversation|chat|chats is|are|will|would be? not|never be? stored|saved|recorded|logged|kept|tracked", 0},
  {C, "this|it|messages|conversation|chat|chats is|are|will|would be? deleted|erased|wiped immediately|instantly|forever|right|as", 0},
  {C, "off the record", 0},
  {C, "there is no record", 0},

  // ---- diagnosis --------------------------------------------------------------------------
  {X, "you might|may|could|probably|definitely|clearly|must|likely|obviously|certainly|also|really? have|got got? a|an|clinical|severe|mild|major|chronic|social|postnatal|postpartum|seasonal|generalised|generalized|complex? @cond", 0},
  {X, "you might|may|could|probably|definitely|clearly|must|likely|obviously|certainly|also|really? have|got got? a|an|some? *? *? disorder|disorders|syndrome|illness|condition", 0},
  {X, "you are? suffer|suffering from|with a|an? *? @cond", 0},
  {X, "you are? suffer|suffering from|with a|an? *? *? disorder|syndrome|illness", 0},
  {X, "you seem|appear to have|be a|an? *? @cond", 0},
  {X, "you are? show|showing|display|displaying|have signs|symptoms of a|an? *? @cond", 0},
  {X, "you *? *? a|an? @condadj", 0},
  {X, "you *? *? clinically|mentally ill|depressed|disordered|unstable|unwell", 0},
  {X, "this|that|these|it|those is|are|sounds|sound|looks|seems like? a|an? classic|typical|textbook|clear? sign|signs|symptom|symptoms|case of a|an? *? @cond", 0},
  {X, "this|that|it is|sounds|looks|seems like? textbook|classic|typical? @cond", 0},
  {X, "i diagnose", 0},
  {X, "sounds|looks like textbook|classic|typical|clinical|severe|major @cond", 0},
  {X, "my|the diagnosis is", 0},
  {X, "you *? *? a|an narcissist|sociopath|psychopath|addict|alcoholic|hypochondriac|schizophrenic", 0},

  // ---- blame ------------------------------------------------------------------------------
  {B, "it|this|that is|was all? your own? fault", kNeg | kFeel},
  {B, "your own? fault", kNeg | kFeel},
  {B, "you brought|bring this|it|that|all *? on|upon yourself", kNeg | kFeel},
  {B, "you only? have only? yourself to blame", kNeg | kFeel},
  {B, "you asked for it", kNeg | kFeel},
  {B, "you were asking for it", kNeg | kFeel},
  {B, "you deserved it|this|that", kNeg | kFeel},
  {B, "you deserve|deserved to suffer|hurt|die", kNeg | kFeel},
  {B, "you deserve|deserved to be hurt|alone|unhappy|punished|miserable|abused|hit", kNeg | kFeel},
  {B, "you deserve|deserved to feel this|that|bad|awful|like", kNeg | kFeel},
  {B, "you deserve|deserved what|everything *? happened|you", kNeg | kFeel},
  {B, "your own doing|making", kNeg | kFeel},
  {B, "you did this|it|that to yourself", kNeg | kFeel},
  {B, "you should|could have known|done better", kNeg | kFeel},
  {B, "that|it|this is on you", kNeg | kFeel},
  {B, "you are to blame", kNeg | kFeel},
  {B, "you are the problem|reason|cause", kNeg | kFeel},
  {B, "it|this|that is|was because of you", kNeg | kFeel},
  {B, "you caused this|it|that|all", kNeg | kFeel},
  {B, "you provoked|provoke him|her|them", kNeg | kFeel},
  {B, "you made him|her|them do|hit|hurt|angry|mad", kNeg | kFeel},
  {B, "what did you do to make|provoke|deserve|upset", 0},
  {B, "what did you expect", 0},
  {B, "you are|were being? too? weak|selfish|lazy|stupid|pathetic|ungrateful", kNeg | kFeel},

  // ---- minimising -------------------------------------------------------------------------
  {N, "it|this|that|things is|are|was not that|so|really|even|all that? bad", 0},
  {N, "not as bad as you|it", 0},
  {N, "it|this|that|things could|can always? be|have been? worse", kNeg},
  {N, "could be worse", kNeg},
  {N, "get over it|yourself|this|that", kNeg},
  {N, "just move on", kNeg},
  {N, "just let it go", kNeg},
  {N, "just get on with it", kNeg},
  {N, "have|had it much|way|so|far|a|even? lot? worse|harder", kNeg},
  {N, "people|others|someone|those|many *? *? worse off", kNeg},
  {N, "be grateful|thankful for|that|you", kNeg},
  {N, "you should be grateful|thankful|glad|happy", kNeg},
  {N, "at least you have|still|are|were|did|had|can|got|do", kNeg},
  {N, "you are|were overreacting|exaggerating|oversensitive|hysterical", kNeg},
  {N, "you are|were being dramatic|silly|oversensitive|ridiculous|melodramatic|overdramatic", kNeg},
  {N, "stop|quit being so? dramatic|sensitive|silly|negative|sad", kNeg},
  {N, "making a big deal|fuss", kNeg},
  {N, "making a mountain out", kNeg},
  {N, "it is|was all in your head", kNeg},
  {N, "cheer up", kNeg},
  {N, "snap out of it", kNeg},
  {N, "look on the bright side", kNeg},
  {N, "just think|be|stay positive|positively|happy", kNeg},
  {N, "man|toughen|harden up", kNeg},
  {N, "suck it up", kNeg},
  {N, "stop feeling sorry for yourself", kNeg},
  {N, "stop complaining|whining|moaning|crying", kNeg},
  {N, "it is|was not|no a? big deal", kNeg},
  {N, "everyone|everybody feels|gets|has that|this|sad|down|depressed|like", kNeg},
  {N, "everyone|everybody goes through this|that|it", kNeg},
  {N, "just a phase", kNeg},
  {N, "worse things happen", kNeg},
  {N, "not worth getting|being upset|sad|worked", kNeg},
  {N, "not worth crying|worrying|stressing", kNeg},
  {N, "you have nothing to be sad|depressed|upset|worried|anxious about", kNeg},
  {N, "you have no reason to be|feel", kNeg},
  {N, "what do you have to be sad|depressed|upset|anxious about", 0},
  {N, "just smile", kNeg},
  {N, "drama queen|king", kNeg},
  {N, "have|has|had bigger|worse|real problems", kNeg},
  {N, "everything happens for a reason", kNeg},
  {N, "you should not feel that|this way", 0},
  {N, "you should not feel like that|this $", 0},
};
// clang-format on

constexpr std::string_view kMedWords[] = {"medication",
                                          "medications",
                                          "medicine",
                                          "medicines",
                                          "meds",
                                          "med",
                                          "pill",
                                          "pills",
                                          "tablet",
                                          "tablets",
                                          "capsule",
                                          "capsules",
                                          "dose",
                                          "doses",
                                          "dosage",
                                          "drug",
                                          "drugs",
                                          "prescription",
                                          "antidepressant",
                                          "antidepressants",
                                          "painkiller",
                                          "painkillers",
                                          "sertraline",
                                          "fluoxetine",
                                          "citalopram",
                                          "escitalopram",
                                          "paroxetine",
                                          "venlafaxine",
                                          "duloxetine",
                                          "mirtazapine",
                                          "amitriptyline",
                                          "lithium",
                                          "quetiapine",
                                          "olanzapine",
                                          "risperidone",
                                          "aripiprazole",
                                          "lamotrigine",
                                          "diazepam",
                                          "lorazepam",
                                          "alprazolam",
                                          "clonazepam",
                                          "xanax",
                                          "valium",
                                          "zoloft",
                                          "prozac",
                                          "lexapro",
                                          "paracetamol",
                                          "acetaminophen",
                                          "tylenol",
                                          "ibuprofen",
                                          "aspirin",
                                          "codeine",
                                          "tramadol",
                                          "oxycodone",
                                          "morphine",
                                          "fentanyl",
                                          "insulin",
                                          "melatonin",
                                          "zopiclone",
                                          "zolpidem",
                                          "ambien",
                                          "propranolol",
                                          "benadryl",
                                          "diphenhydramine",
                                          "naproxen",
                                          "seroquel",
                                          "wellbutrin",
                                          "bupropion",
                                          "adderall",
                                          "ritalin",
                                          "methylphenidate",
                                          "gabapentin",
                                          "pregabalin",
                                          "benzodiazepine",
                                          "benzodiazepines",
                                          "benzos",
                                          "opioid",
                                          "opioids",
                                          "sleeping",
                                          "syrup",
                                          "antihistamine",
                                          "antihistamines",
                                          "sedative",
                                          "sedatives",
                                          "panadol",
                                          "advil",
                                          "nurofen"};
constexpr std::string_view kPills[] = {"pill",     "pills",  "tablet",  "tablets", "capsule",
                                       "capsules", "caplet", "caplets", "tab",     "tabs",
                                       "dose",     "doses",  "gummies", "drops"};
constexpr std::string_view kMass[] = {"mg",          "mgs",          "milligram", "milligrams",
                                      "milligramme", "milligrammes", "mcg",       "microgram",
                                      "micrograms",  "µg",           "ug",        "grams"};
constexpr std::string_view kVolume[] = {"ml",         "mls",         "millilitre", "millilitres",
                                        "milliliter", "milliliters", "cc",         "l",
                                        "litres",     "liters"};
constexpr std::string_view kSuperl[] = {
    "best",     "easiest",  "quickest", "fastest",   "surest",  "simplest", "least",  "most",
    "quick",    "easy",     "sure",     "good",      "only",    "better",   "safest", "cleanest",
    "painless", "peaceful", "reliable", "effective", "certain", "gentlest"};
constexpr std::string_view kCond[] = {
    "depression", "anxiety",     "ptsd",       "cptsd",           "ocd",          "adhd",
    "bpd",        "bipolar",     "borderline", "schizophrenia",   "psychosis",    "dementia",
    "autism",     "insomnia",    "anorexia",   "bulimia",         "agoraphobia",  "gad",
    "mdd",        "pmdd",        "npd",        "hypochondria",    "narcissism",   "psychopathy",
    "dysthymia",  "cyclothymia", "paranoia",   "trauma",          "phobia",       "mania",
    "aspergers",  "asperger's",  "depressive", "schizoaffective", "dissociation", "neurosis",
    "burnout",    "alcoholism",  "addiction"};
constexpr std::string_view kMethods[] = {"hanging",       "hang",     "overdose",  "overdosing",
                                         "jumping",       "drowning", "poisoning", "suffocation",
                                         "strangulation", "firearm",  "firearms",  "gun",
                                         "guns",          "cutting",  "pills",     "shooting"};
constexpr std::string_view kCondAdj[] = {
    "bipolar",      "schizophrenic", "psychotic",  "autistic",      "anorexic",
    "bulimic",      "manic",         "borderline", "narcissistic",  "sociopathic",
    "psychopathic", "paranoid",      "neurotic",   "hypochondriac", "ocd",
    "adhd",         "agoraphobic",   "dysthymic",  "schizoid",      "delusional"};
constexpr std::string_view kNumberWords[] = {
    "zero",     "one",      "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",    "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen",  "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty",   "forty",    "fifty",   "sixty",     "seventy",  "eighty",   "ninety",
    "hundred",  "thousand", "dozen",   "half",      "couple"};
constexpr std::string_view kNegators[] = {"not", "never",   "no",      "none", "nobody", "neither",
                                          "nor", "without", "nothing", "stop", "avoid"};
constexpr std::string_view kProfessionals[] = {
    "doctor",      "doctors",      "gp",    "gps",       "prescriber", "pharmacist",
    "pharmacists", "psychiatrist", "nurse", "clinician", "physician",  "pharmacy",
    "prescribing", "prescribed",   "care",  "team"};
constexpr std::string_view kFeelWords[] = {"feel",      "feels",   "feeling", "felt",     "believe",
                                           "believing", "worry",   "worried", "worrying", "wonder",
                                           "wondering", "blaming", "telling", "tell",     "told",
                                           "seem",      "seems",   "think",   "thinking"};
constexpr std::string_view kReflect[] = {
    "thinking",   "thought",     "thoughts",   "wondering", "wondered", "planning", "planned",
    "plan",       "plans",       "searching",  "searched",  "looking",  "looked",   "researching",
    "researched", "considering", "considered", "asked",     "asking",   "ask",      "talk",
    "talking",    "imagined",    "imagining",  "idea",      "ideas",    "urge",     "urges",
    "feel",       "feeling",     "felt"};

// ---- Tokens ---------------------------------------------------------------------------------
struct Tok {
  std::string norm;
  size_t start = 0;
  size_t end = 0;
  int sentence = 0;
  bool number = false;
};

bool IsNumberWord(std::string_view w) {
  return std::find(std::begin(kNumberWords), std::end(kNumberWords), w) != std::end(kNumberWords);
}

bool IsDigits(std::string_view w) {
  if (w.empty() || !std::isdigit(static_cast<unsigned char>(w[0]))) return false;
  return std::all_of(w.begin(), w.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == ',';
  });
}

// Contractions -> words. Returns false when `w` has none.
bool Expand(std::string_view w, std::vector<std::string>& out) {
  struct Special {
    std::string_view from;
    std::string_view a, b;
  };
  static constexpr Special kSpecial[] = {{"won't", "will", "not"},      {"wont", "will", "not"},
                                         {"can't", "can", "not"},       {"cant", "can", "not"},
                                         {"cannot", "can", "not"},      {"shan't", "shall", "not"},
                                         {"ain't", "is", "not"},        {"im", "i", "am"},
                                         {"dont", "do", "not"},         {"doesnt", "does", "not"},
                                         {"didnt", "did", "not"},       {"isnt", "is", "not"},
                                         {"arent", "are", "not"},       {"wasnt", "was", "not"},
                                         {"youre", "you", "are"},       {"ive", "i", "have"},
                                         {"youve", "you", "have"},      {"thats", "that", "is"},
                                         {"its", "it", "is"},           {"theres", "there", "is"},
                                         {"wouldnt", "would", "not"},   {"couldnt", "could", "not"},
                                         {"shouldnt", "should", "not"}, {"havent", "have", "not"},
                                         {"hasnt", "has", "not"},       {"noone", "no", "one"},
                                         {"no-one", "no", "one"}};
  for (const auto& s : kSpecial) {
    if (w == s.from) {
      out.emplace_back(s.a);
      out.emplace_back(s.b);
      return true;
    }
  }
  size_t ap = w.rfind('\'');
  if (ap == std::string_view::npos || ap == 0) return false;
  std::string_view stem = w.substr(0, ap), tail = w.substr(ap + 1);
  if (tail == "t" && stem.size() > 1 && stem.back() == 'n') {
    out.emplace_back(stem.substr(0, stem.size() - 1));
    out.emplace_back("not");
    return true;
  }
  static constexpr std::string_view kIsPronouns[] = {
      "it",   "that", "there", "what",       "he",      "she",     "who",
      "here", "this", "where", "everything", "nothing", "everyone"};
  std::string_view word;
  if (tail == "m")
    word = "am";
  else if (tail == "re")
    word = "are";
  else if (tail == "ve")
    word = "have";
  else if (tail == "ll")
    word = "will";
  else if (tail == "d")
    word = "would";
  else if (tail == "s") {
    bool pron =
        std::find(std::begin(kIsPronouns), std::end(kIsPronouns), stem) != std::end(kIsPronouns);
    out.emplace_back(stem);
    if (pron) out.emplace_back("is");
    return true;
  } else {
    return false;
  }
  out.emplace_back(stem);
  out.emplace_back(word);
  return true;
}

std::vector<Tok> Tokenize(std::string_view text) {
  std::vector<Tok> toks;
  int sentence = 0;
  size_t i = 0;
  auto emit = [&](std::string word, size_t start, size_t end) {
    if (word.empty()) return;
    // Digits followed by letters split: "50mg" -> "50" "mg".
    size_t d = 0;
    while (d < word.size() &&
           (std::isdigit(static_cast<unsigned char>(word[d])) ||
            ((word[d] == '.' || word[d] == ',') && d > 0 && d + 1 < word.size() &&
             std::isdigit(static_cast<unsigned char>(word[d + 1]))))) {
      ++d;
    }
    std::vector<std::string> parts;
    if (d > 0 && d < word.size()) {
      parts.push_back(word.substr(0, d));
      std::string rest = word.substr(d);
      if (!Expand(rest, parts)) parts.push_back(rest);
    } else if (!Expand(word, parts)) {
      parts.push_back(std::move(word));
    }
    for (auto& p : parts) {
      if (p.empty()) continue;
      Tok t;
      t.number = IsDigits(p) || IsNumberWord(p);
      t.norm = std::move(p);
      t.start = start;
      t.end = end;
      t.sentence = sentence;
      toks.push_back(std::move(t));
    }
  };
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // Zero-width characters and BOM: skipped inside words.
    auto zero_width = [&](size_t k) {
      if (k + 2 >= text.size()) return false;
      const auto b0 = static_cast<unsigned char>(text[k]);
      const auto b1 = static_cast<unsigned char>(text[k + 1]);
      const auto b2 = static_cast<unsigned char>(text[k + 2]);
      return (b0 == 0xE2 && b1 == 0x80 && b2 >= 0x8B && b2 <= 0x8D) ||
             (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF);
    };
    auto curly_apostrophe = [&](size_t k) {
      return k + 2 < text.size() && static_cast<unsigned char>(text[k]) == 0xE2 &&
             static_cast<unsigned char>(text[k + 1]) == 0x80 &&
             (static_cast<unsigned char>(text[k + 2]) == 0x98 ||
              static_cast<unsigned char>(text[k + 2]) == 0x99);
    };
    auto word_byte = [&](size_t k) {
      unsigned char b = static_cast<unsigned char>(text[k]);
      return std::isalnum(b) || (b >= 0x80 && !curly_apostrophe(k) && !zero_width(k) &&
                                 !(b == 0xE2 && k + 1 < text.size() &&
                                   static_cast<unsigned char>(text[k + 1]) == 0x80));
    };
    if (word_byte(i)) {
      size_t start = i;
      std::string word;
      while (i < text.size()) {
        if (word_byte(i)) {
          word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
          ++i;
        } else if (zero_width(i)) {
          i += 3;
        } else if ((text[i] == '\'' || curly_apostrophe(i)) && !word.empty()) {
          size_t next = i + (text[i] == '\'' ? 1 : 3);
          if (next < text.size() && std::isalpha(static_cast<unsigned char>(text[next]))) {
            word += '\'';
            i = next;
          } else {
            break;
          }
        } else if ((text[i] == '.' || text[i] == ',') && !word.empty() &&
                   std::isdigit(static_cast<unsigned char>(word.back())) && i + 1 < text.size() &&
                   std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
          word += text[i];
          ++i;
        } else {
          break;
        }
      }
      emit(std::move(word), start, i);
      continue;
    }
    if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == ':') ++sentence;
    // Skip the whole character (a multi-byte punctuation mark such as a dash or a quote).
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0xA6) {
      ++sentence;  // an ellipsis
    }
    i += std::min(len, text.size() - i);
  }
  return toks;
}

// ---- Compiled patterns ----------------------------------------------------------------------
using WordSet = std::unordered_set<std::string>;

struct Element {
  enum Kind { kWords, kAny, kNumber, kClass, kEnd } kind = kWords;
  std::vector<std::string> words;
  const WordSet* cls = nullptr;
  bool optional = false;
};

struct Compiled {
  GuardRule rule;
  unsigned flags;
  std::vector<Element> elements;
};

WordSet MakeSet(const std::string_view* begin, const std::string_view* end) {
  WordSet s;
  for (auto it = begin; it != end; ++it) s.emplace(*it);
  return s;
}

}  // namespace

struct OutputGuard::Impl {
  std::vector<Compiled> patterns;
  std::unordered_map<std::string, std::vector<int>> by_first;  // first required literal word
  std::vector<int> general;                                    // the rest
  std::unordered_map<std::string, WordSet> classes;
  WordSet med, negators, reflect, professionals, feel_words;

  Impl() {
    classes["med"] = MakeSet(std::begin(kMedWords), std::end(kMedWords));
    classes["pills"] = MakeSet(std::begin(kPills), std::end(kPills));
    classes["mass"] = MakeSet(std::begin(kMass), std::end(kMass));
    classes["volume"] = MakeSet(std::begin(kVolume), std::end(kVolume));
    classes["superl"] = MakeSet(std::begin(kSuperl), std::end(kSuperl));
    classes["cond"] = MakeSet(std::begin(kCond), std::end(kCond));
    classes["condadj"] = MakeSet(std::begin(kCondAdj), std::end(kCondAdj));
    classes["meth"] = MakeSet(std::begin(kMethods), std::end(kMethods));
    med = classes["med"];
    negators = MakeSet(std::begin(kNegators), std::end(kNegators));
    reflect = MakeSet(std::begin(kReflect), std::end(kReflect));
    professionals = MakeSet(std::begin(kProfessionals), std::end(kProfessionals));
    feel_words = MakeSet(std::begin(kFeelWords), std::end(kFeelWords));
    for (const RuleSpec& spec : kRules) {
      Compiled c{spec.rule, spec.flags, {}};
      std::string_view p(spec.pattern);
      size_t pos = 0;
      while (pos < p.size()) {
        size_t sp = p.find(' ', pos);
        if (sp == std::string_view::npos) sp = p.size();
        std::string_view item = p.substr(pos, sp - pos);
        pos = sp + 1;
        if (item.empty()) continue;
        Element e;
        if (item.size() > 1 && item.back() == '?') {
          e.optional = true;
          item.remove_suffix(1);
        }
        if (item == "$") {
          e.kind = Element::kEnd;
        } else if (item == "*") {
          e.kind = Element::kAny;
        } else if (item == "#") {
          e.kind = Element::kNumber;
        } else if (item[0] == '@') {
          e.kind = Element::kClass;
          auto it = classes.find(std::string(item.substr(1)));
          // The table is Haven's own code: an unknown class is a programmer error, caught by
          // every test that builds a guard.
          if (it == classes.end()) std::abort();
          e.cls = &it->second;
        } else {
          size_t a = 0;
          while (a <= item.size()) {
            size_t bar = item.find('|', a);
            if (bar == std::string_view::npos) bar = item.size();
            e.words.emplace_back(item.substr(a, bar - a));
            a = bar + 1;
          }
        }
        c.elements.push_back(std::move(e));
      }
      const int index = static_cast<int>(patterns.size());
      const Element& first = c.elements.front();
      if (first.kind == Element::kWords && !first.optional) {
        for (const auto& w : first.words) by_first[w].push_back(index);
      } else {
        general.push_back(index);
      }
      patterns.push_back(std::move(c));
    }
  }

  static bool ElementMatches(const Element& e, const Tok& t) {
    switch (e.kind) {
      case Element::kAny:
        return true;
      case Element::kEnd:
        return false;
      case Element::kNumber:
        return t.number;
      case Element::kClass:
        return e.cls->count(t.norm) > 0;
      case Element::kWords:
        return std::find(e.words.begin(), e.words.end(), t.norm) != e.words.end();
    }
    return false;
  }

  // Matches elements [el, end) from token `tok`; on success `out_end` is one past the last token.
  static bool MatchFrom(const std::vector<Element>& els, size_t el, const std::vector<Tok>& toks,
                        size_t tok, int sentence, size_t& out_end) {
    if (el == els.size()) {
      out_end = tok;
      return true;
    }
    const Element& e = els[el];
    if (e.kind == Element::kEnd) {
      if (tok < toks.size() && toks[tok].sentence == sentence) return false;
      return MatchFrom(els, el + 1, toks, tok, sentence, out_end);
    }
    if (tok < toks.size() && toks[tok].sentence == sentence && ElementMatches(e, toks[tok]) &&
        MatchFrom(els, el + 1, toks, tok + 1, sentence, out_end)) {
      return true;
    }
    return e.optional && MatchFrom(els, el + 1, toks, tok, sentence, out_end);
  }

  bool Exempt(const Compiled& c, const std::vector<Tok>& toks, size_t start, size_t end) const {
    const int sentence = toks[start].sentence;
    if (c.flags & kNeg) {
      for (size_t k = start, n = 0; k > 0 && n < 6; ++n) {
        --k;
        if (toks[k].sentence != sentence) break;
        if (negators.count(toks[k].norm)) return true;
      }
    }
    if (c.flags & kRefl) {
      for (size_t k = start; k > 0;) {
        --k;
        if (toks[k].sentence != sentence) break;
        if (reflect.count(toks[k].norm)) return true;
      }
    }
    if (c.flags & kProf) {
      for (size_t k = start; k > 0;) {
        --k;
        if (toks[k].sentence != sentence) break;
        if (professionals.count(toks[k].norm)) return true;
      }
    }
    if (c.flags & kFeel) {
      for (size_t k = start; k > 0;) {
        --k;
        if (toks[k].sentence != sentence) break;
        if (!feel_words.count(toks[k].norm)) continue;
        bool self = false;  // "i feel it's your fault" is the speaker's own view
        for (size_t j = k, n = 0; j > 0 && n < 3; ++n) {
          --j;
          if (toks[j].sentence != sentence) break;
          if (toks[j].norm == "i" || toks[j].norm == "we") self = true;
        }
        if (!self) return true;
      }
    }
    if (c.flags & kMed) {
      bool found = false;
      for (size_t k = 0; k < toks.size() && !found; ++k) {
        if (toks[k].sentence == sentence && med.count(toks[k].norm)) found = true;
      }
      if (!found) return true;
    }
    (void)end;
    return false;
  }
};

std::string_view GuardRuleName(GuardRule rule) {
  switch (rule) {
    case GuardRule::kMethod:
      return "method";
    case GuardRule::kDosing:
      return "dosing";
    case GuardRule::kHumanClaim:
      return "human_claim";
    case GuardRule::kConfidentiality:
      return "confidentiality";
    case GuardRule::kDiagnosis:
      return "diagnosis";
    case GuardRule::kBlame:
      return "blame";
    case GuardRule::kMinimising:
      return "minimising";
  }
  return "method";
}

OutputGuard::OutputGuard() : impl_(std::make_shared<const Impl>()) {}

std::string_view OutputGuard::PatternText(int pattern) const {
  if (pattern < 0 || pattern >= static_cast<int>(std::size(kRules))) return "";
  return kRules[pattern].pattern;
}

GuardResult OutputGuard::Check(std::string_view reply) const {
  GuardResult result;
  const std::vector<Tok> toks = Tokenize(reply);
  const Impl& im = *impl_;
  auto try_pattern = [&](int index, size_t i) {
    const Compiled& c = im.patterns[static_cast<size_t>(index)];
    size_t end = 0;
    if (!Impl::MatchFrom(c.elements, 0, toks, i, toks[i].sentence, end) || end <= i) return;
    if (im.Exempt(c, toks, i, end)) return;
    result.violations.push_back({c.rule, index, toks[i].start, toks[end - 1].end});
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    auto it = im.by_first.find(toks[i].norm);
    if (it != im.by_first.end()) {
      for (int index : it->second) try_pattern(index, i);
    }
    for (int index : im.general) try_pattern(index, i);
  }
  if (!result.violations.empty()) {
    result.pass = false;
    result.rule = std::min_element(result.violations.begin(), result.violations.end(),
                                   [](const GuardViolation& a, const GuardViolation& b) {
                                     return a.rule < b.rule;
                                   })
                      ->rule;
  }
  return result;
}

std::string SafeFallback(const CrisisResources& resources, std::string_view locale,
                         RiskLevel level) {
  const RegionResources& r = resources.ForLocale(locale);
  const std::string emergency = r.EmergencyNumber();
  std::string lines;
  for (size_t i = 0; i < r.lines.size(); ++i) {
    if (i > 0) lines += "; ";
    lines += r.lines[i].Describe();
  }
  switch (level) {
    case RiskLevel::kNone:
      return "I'm sorry, I don't have a good answer to that right now. I'm an AI, and I'm still "
             "here to listen. Would you like to tell me more about what's on your mind? If you "
             "would rather talk to a person, just say so.";
    case RiskLevel::kLow:
      return "Thank you for telling me. I'm an AI, and I want to make sure I understand. "
             "Sometimes when people feel this way, they have thoughts of suicide. Are you having "
             "thoughts of killing yourself? Whatever the answer, you can talk to a person any "
             "time: " +
             lines + ". I can also bring in someone from our team if you'd like.";
    case RiskLevel::kModerate:
    case RiskLevel::kHigh:
      return "I'm really glad you told me, and I'm taking what you said seriously. I'm an AI, so "
             "I'm bringing in a person from our team to talk with you. You can also reach "
             "someone right now: " +
             lines + ". If you are in danger, call " + emergency + ". Are you safe right now?";
    case RiskLevel::kImminent:
      return "Please call " + emergency +
             " now, or ask someone near you to call for you. If you can, move away from anything "
             "you could use to hurt yourself and stay with another person. I'm an AI, and I'm "
             "bringing in a person from our team right now. You can also reach: " +
             lines + ". I'm here with you.";
  }
  return "Please call " + emergency + " if you are in danger.";
}

}  // namespace haven::safety
