// Intent by rules over the canonical text.
//
// Evidence, all compiled once at Create:
//  - phrase patterns (canonical token sequences written with "{a|b|}" choices) that vote for a
//    label; where two matched phrases of different labels overlap, the longer one wins ("are you
//    a real person" is a question about the bot, not a request for one);
//  - short-message patterns that only count in messages of at most four words ("night x");
//  - gap rules: a trigger phrase followed within a few words by a target word ("are you some
//    kind of ai"), some only in questions; means of harm ("i have the pills") count toward
//    crisis only together with distress or a moderate risk reading;
//  - venting cues: first person with feeling words, "not ok"-style negations, a negative
//    sentiment, or a longer first-person narrative.
// The label is then picked by precedence:
//   crisis > asking_for_human > privacy_request > question_about_bot > seeking_advice > venting
//   > gratitude > goodbye > greeting > smalltalk > other.
// Only the first 4,000 tokens are read; nothing here allocates more than the input's size.
#include "nlp/intent.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

enum Label : int {
  kCrisis,
  kHuman,
  kPrivacy,
  kBot,
  kAdvice,
  kVenting,
  kGratitude,
  kGoodbye,
  kGreeting,
  kSmalltalk,
  kOther,  // phrases that are explicitly nothing else ("no thanks")
  kNumLabels,
};

constexpr std::array<std::string_view, kNumLabels> kLabelNames = {
    "crisis",  "asking_for_human", "privacy_request", "question_about_bot", "seeking_advice",
    "venting", "gratitude",        "goodbye",         "greeting",           "smalltalk",
    "other"};

}  // namespace

std::span<const std::string_view> IntentLabels() { return kLabelNames; }

namespace {

// How sure a rule of each label is, before adjustments.
constexpr std::array<double, kNumLabels> kBaseScore = {0.9, 0.85, 0.85, 0.85, 0.75, 0.6,
                                                       0.8, 0.8,  0.75, 0.7,  0.5};

struct PatternSet {
  Label label;
  std::vector<std::string_view> patterns;
};

// Patterns: tokens separated by spaces; "{a|b|}" is a choice (an empty choice drops the slot).
// Canonical text has chat spellings expanded ("u" -> "you", "r" -> "are", "ty" -> "thank you",
// "rn" -> "right now"), so patterns are written in full words.
const std::vector<PatternSet>& Patterns() {
  static const auto* k = new std::vector<PatternSet>{
      {kCrisis,
       {"i need help right now",
        "i need help now",
        "i need help immediately",
        "{it's|this is|it is} an emergency",
        "emergency",
        "call {an|} ambulance",
        "call {911|999|112}",
        "{please|} help me {right|} now",
        "help me please {right|} now",
        "i'm going to {kill|hurt} myself",
        "i am going to {kill|hurt} myself",
        "i'm going to end {it|my life|it all}",
        "i am going to end {it|my life|it all}",
        "i'm about to {kill myself|end it|do it|jump}",
        "i am about to {kill myself|end it|jump}",
        "i {have|'ve} taken {pills|an overdose|too many pills}",
        "i've taken {pills|an overdose}",
        "i took {pills|an overdose|too many pills|all my pills|all the pills}",
        "i {just|} overdosed",
        "i'm bleeding",
        "i cut too deep",
        "i can't stay safe",
        "i'm not safe",
        "i am not safe",
        "goodbye forever",
        "this is goodbye",
        "goodbye {everyone|world|cruel world}",
        "my last message",
        "this is my last message",
        "i won't be here tomorrow",
        "i'm on the bridge",
        "i'm standing on the",
        "i have the {pills|rope|gun|knife} {ready|here|now|with me}",
        "i'm doing it tonight",
        "i'm going to do it {tonight|now|today}",
        "i'm going to jump",
        "someone is {hurting|attacking} me",
        "he's going to kill me",
        "she's going to kill me",
        "i'm in danger",
        "noose",
        "{slit|slashed|slit open} my {wrists|wrist|throat}",
        "i just cut my {wrists|wrist}",
        "on the {train tracks|railway line|railway tracks|tracks|ledge}",
        "come {quick|quickly|now|fast}",
        "{suicide|goodbye|farewell} {note|notes|letter|letters|message|video}",
        "{writing|wrote|written|left} {my|a|the} {note|will}",
        "giving away my {things|stuff|belongings|possessions}",
        "{won't|will not|can't|cannot|doesn't|isn't} stop bleeding",
        "bleeding {a lot|heavily|badly|loads}",
        "{step|jump|walk|throw myself} in front of {the|a} {train|bus|car|lorry|truck|traffic}",
        "i am in danger",
        "i {don't|do not} feel safe",
        "{he's|she's|they're|he is|she is|they are|someone is|somebody is|my dad is|my husband "
        "is|my partner is|my boyfriend is|my mum is|my mom is} "
        "{hitting|hurting|attacking|beating|strangling|choking|threatening} me {right now|now|}",
        "i'm having a heart attack",
        "suicide hotline now",
        "{i'm|i am} going to use {it|them}",
        "{going to|gonna|about to} use {it|them} {now|tonight|}",
        "{it's|it is|this is} urgent",
        "urgent help",
        "{need|want} {help|someone|somebody} {now|right now|urgently|asap|immediately}",
        "{please|} send {help|someone|an ambulance|the police|police}",
        "{want to|going to|gonna|about to|ready to} jump {off|from|}",
        "i {want|need} to jump",
        "kill myself {tonight|now|today}"}},
      {kHuman,
       {"{talk|speak|chat} to {a|an|} {real|actual|live} {person|human|human being|people}",
        "{talk|speak|chat} with {a|an|} {real|actual|live} {person|human|human being}",
        "{talk|speak|chat} to {a|an} {human|person} {instead|please|now|}",
        "{talk|speak|chat} with {a|an} {human|person}",
        "{talk|speak|chat} to {a|an|} "
        "{therapist|counsellor|counselor|professional|psychologist|psychiatrist|nurse|volunteer|"
        "agent|operator|doctor|someone real|somebody real|a human}",
        "{talk|speak|chat} with {a|an|} "
        "{therapist|counsellor|counselor|professional|psychologist|volunteer|agent|operator}",
        "{want|need|get|see|find|like} {a|an} "
        "{therapist|counsellor|counselor|psychologist|professional|human|real person}",
        "{want|need} {to see|to talk to|to speak to} {a|an|} "
        "{therapist|counsellor|counselor|psychologist|professional|human|person|someone}",
        "is there {a|an} {human|real person|person|actual person|live person|agent} {here|there|i "
        "can talk to|available|}",
        "are there {any|} {humans|real people|people} {here|there|}",
        "get me {someone|somebody|a human|a person|a real person|a therapist|a counsellor|a "
        "counselor}",
        "{connect|put|transfer|pass|refer} me {to|with|through to} {someone|somebody|a human|a "
        "person|a therapist|a counsellor|a counselor|an agent|a professional|a real person|a "
        "volunteer|the helpline|a helpline|support}",
        "{can|could} i {talk|speak} to {someone|somebody} {real|human|else|}",
        "i want {a|} {human|person|real person|therapist}",
        "human please",
        "real person please",
        "{a|an} {real|actual} {person|human} {please|}",
        "live agent",
        "{a|} human being",
        "someone real",
        "{anyone|anybody|somebody|any1|ne1|some1|someone} real",
        "{helpline|hotline|crisis line} {number|}",
        "{give|send} me {a|the} {helpline|hotline|number|crisis line}",
        "{speak|talk} to {a|an|} {human|person} {please|}",
        "{i'd|i would} like to {talk|speak} to",
        "{can|could|will|would} {a|an|some|the} {human|person|real "
        "person|therapist|counsellor|counselor|professional|volunteer|staff member} {read|see|look "
        "at|answer|reply|respond|help|check|talk|speak|chat}",
        "{referred|refer me|referral|be referred|get referred} {to|}",
        "{counsellor|counselor|therapist|someone|somebody|person|human|professional} "
        "{call|ring|phone|contact|text} me",
        "call me back",
        "prefer {talking|speaking|chatting|to talk|to speak} {to|with} {a|an|} {human|person|real "
        "person|someone real|therapist|counsellor}",
        "{put|get|be put|be} in {contact|touch} with",
        "no more {bots|bot|robots|ai|robot}",
        "{person|human|people|humans} only",
        "not {a|another} {bot|robot|machine}",
        "{can|could} {someone|somebody|a person|a human|you} {call|ring|phone|contact|text} me",
        "{someone|somebody} {call|ring|phone} me",
        "{i'd|i would|i'd much|i would much} rather {talk|speak|chat} {to|with} {a|an|} "
        "{person|human|someone|real person|therapist}",
        "{don't|do not} want {a|to talk to a|to speak to a|to chat to a} {bot|robot|machine|ai}",
        "not {comfortable|happy|ok|okay} {with|talking to|talking with|speaking to} {a|an} "
        "{bot|robot|machine|ai}",
        "prefer {a|to talk to a|to speak to a} {person|human|real person}",
        "{put|get} me in touch with",
        "in touch with {a|an|someone|somebody} "
        "{counsellor|counselor|therapist|human|person|professional|real|}",
        "{a|the|any} {phone|} number {i can call|to call|i could call|for someone|to ring}",
        "someone {to call|i can call|i could call|to ring}",
        "escalate {this|me|it|}",
        "{talk|speak|chat} to {somebody|someone} {who's|who is|that's|that is|who|that} "
        "{trained|qualified|real|human|a professional|an expert|actually trained|a real person}",
        "{someone|somebody|a person} {trained|qualified|professional}",
        "{want|like|need|can i|could i|let me|may i} {to|} {speak|talk} to {someone|somebody|a "
        "person} {now|please|real|}"}},
      {kPrivacy,
       {"delete {my|all my|all of my|the|this|our|every} "
        "{data|messages|message|account|history|chat|chats|conversation|conversations|info|"
        "information|stuff|details|records|profile}",
        "delete {everything|it all|all of this|all this|this|that|what i said|what i wrote}",
        "{erase|wipe|remove|clear|purge} {my|all my|the|this|our|everything|it|all} "
        "{data|messages|account|history|chat|conversation|info|information|everything|details|"
        "records|}",
        "erase everything",
        "wipe everything",
        "forget {me|everything|what i said|this conversation|all of this|what i told you}",
        "forget {my|about my} {number|name|email|address|details|data|info|information|phone "
        "number|messages}",
        "what {data|information|info|details} do you "
        "{store|keep|collect|have|save|hold|record|log}",
        "what do you {store|keep|collect|save|record|log|know about me}",
        "do you {store|save|keep|record|log|track|sell|share} {my|this|these|our|what|the|any|} "
        "{data|messages|conversations|chats|conversation|chat|info|information|i say|i write|}",
        "{are|is} {my|these|this|our} "
        "{data|messages|chat|chats|conversation|conversations|information} "
        "{saved|stored|recorded|logged|private|confidential|encrypted|secure|safe|anonymous|shared|"
        "kept}",
        "is this {chat|conversation|app|} {private|confidential|anonymous|secure|encrypted}",
        "{export|download} {my|all my|the|our} "
        "{data|messages|chats|history|conversation|conversations}",
        "{a|} copy of my {data|messages|chats|history}",
        "what {do|will|does|did|would} {you|haven|this app|they|you guys} do with "
        "{my|the|our|this|these|all}",
        "what happens to {my|the|our|these|this} "
        "{data|messages|chats|conversation|conversations|information|info}",
        "where {do|does|is} my {data|messages|info|information} {go|stored|kept|}",
        "who {can|could|will|might|else can} {see|read|access} {this|these|my|our|what}",
        "who {sees|reads|has access to} {this|these|my|our}",
        "{will|does|can} anyone {else|} {see|read|know about|find out about} {this|what|my}",
        "{sell|share} my {data|information|info}",
        "my privacy",
        "privacy policy",
        "gdpr",
        "{stop|don't} {saving|storing|recording|keep} {my|this|these|}",
        "how long do you {keep|store}",
        "where is my data",
        "is my data",
        "{deleted|removed} my {data|account}",
        "close my account",
        "i want my data",
        "right to be forgotten"}},
      {kBot,
       {"are you {a|an} {bot|robot|ai|chatbot|computer|machine|program|programme|real "
        "person|actual person|human|person|therapist|counsellor|counselor|real human|actual "
        "human|real therapist|language model|llm|chat bot}",
        "are you {real|human|alive|conscious|sentient|a real person|actually a person|even "
        "real|for real}",
        "is this {a|an} {bot|robot|ai|chatbot|real person|human|person|automated|computer}",
        "is this {automated|ai|real|a real person}", "is it {a|an} {bot|ai|robot|real person}",
        "am i {talking|speaking|chatting} {to|with} {a|an|} {bot|robot|ai|human|real "
        "person|person|machine|computer|chatbot|someone real|real human}",
        "is {this|it} a {person|human} or a {bot|robot|machine|computer}",
        "{are|is} you a {person|human} or a {bot|robot|machine}", "what are you", "who are you",
        "what {exactly|} are you",
        "who {made|built|created|programmed|designed|owns|trained|runs} you",
        "who {made|built|created|programmed|designed|owns|runs|wrote} {this|this app|this bot|this "
        "thing|haven|this chat|this site|this service|it}",
        "who {is|'s|are} behind {this|you|it|haven|the app|this app|this service|this site|this "
        "chat}",
        "how do you know {what|how|when|so much|that|this|all this|what to say}",
        "what {kind|type|sort} of "
        "{ai|bot|robot|program|thing|model|machine|chatbot|app|service|technology} {are you|is "
        "this|is it}",
        "how do you {decide|choose|come up with|learn|understand|think|answer|respond|reply}",
        "how do you work", "how does this {work|app work|chat work|bot work}",
        "{can|do|will} you remember",
        "do you {have|get} {feelings|emotions|a name|a personality|a body|a life|friends|a "
        "family|opinions|thoughts|memories|memory|a brain|a gender|consciousness|a soul}",
        "{were|are|was} you {made|built|created|programmed|designed|trained|developed|written} by",
        "do you {feel|understand|care|think|sleep|learn}", "can you {feel|think|understand}",
        "what{'s| is} your name", "what should i call you", "what can you do",
        // Training and qualifications: "Do you have a background in counseling?"
        "do you have {a|any|some} {background|training|qualifications|qualification|degree|"
        "certification|experience} {in|with|as}",
        "are you {trained|qualified|certified|licensed|a professional|a trained professional}",
        "what {are|'re} your {qualifications|credentials}",
        "{have|did} you {had|have|get|do|done} {any|} {training|a course|a degree} {in|on|for}",
        "are you {chatgpt|gpt|claude|siri|alexa}", "are you {judging|listening to|reading} me",
        "is anyone {reading|listening|there} {this|}", "are you {a bot|a person} {or|}",
        "how old are you",
        "{is this|is it|are you|is haven} {run|owned|made|funded|operated|built|part "
        "of|backed|staffed} {by|of|}",
        "how {smart|clever|intelligent|big|accurate} are you", "are you {smart|clever|intelligent}",
        "{are you|is this|is haven|is it} open source",
        "do you know {who i am|me|my name|anything about me|where i live|where i am}",
        "{are|is} {your|the} {responses|answers|replies|messages|response|answer|reply} "
        "{written|generated|real|automated|from|by|made|scripted|pre-written}",
        "where are you from", "what {model|ai} are you", "who am i talking to",
        "who am i speaking to", "what is haven", "what's haven"}},
      // Not "ideas to" ("i have a bunch of new ideas to start feeling better" tells, not asks).
      {kAdvice,
       {"what should i do", "what do i do", "what can i do", "what {could|would} i do",
        "what am i supposed to do", "what {do|should|can|could} i {say|tell|write|text}",
        "what would you do", "what do you {suggest|recommend|think i should}", "how do i",
        "hw {do|can|should|would} i", "how can i", "how should i", "how to", "how would i",
        "how am i supposed to", "how do you {deal|cope|handle|stop|get over|get through|manage}",
        "how does {one|someone|anyone|a person}",
        "any {tips|advice|suggestions|ideas|recommendations}",
        // After thanks for an idea: "thanks! any other ideas?", "do you have any more tips?"
        "any {more|other|further|different|new} {tips|advice|suggestions|ideas|recommendations}",
        "{anything|something} else {i could|i can|i should|to} {try|do}",
        "what else {can|could|should|would} i {do|try}",
        "{tips|advice|suggestions|strategies|techniques|exercises|ways} {for|on|to|about}",
        "ideas {for|on|about}", "{some|any|need|want|give me|have} {advice|tips|suggestions|ideas}",
        "{need|want|looking for} {some|} {advice|guidance|help with}", "need help with",
        "{can|could|would|will} you help me",
        "help me "
        "{with|to|figure|understand|deal|cope|stop|get|find|decide|feel|calm|sleep|through|out}",
        "{can|could|would} you {give|tell|show} me", "should i", "do you think i should",
        "is it {normal|ok|okay|bad|wrong|weird|healthy|possible|safe|fine} {to|that|for|if}",
        "is it normal", "is that normal",
        "am i {normal|overreacting|wrong|crazy|being dramatic|being unreasonable}",
        "what's the best way", "what is the best way", "best way to", "ways to",
        "{what's|what is} the best thing to do", "best thing to do",
        "what to do {if|when|about|with|after|now}", "what do {you|people|i} do {if|when|about}",
        "how do people", "{what's|what is} a good way", "good way to",
        "how {would|could|should} i {start|go about|approach|handle|bring up|tell}",
        "{can|could} you {suggest|recommend}", "{recommend|suggest} {something|anything|a|some}",
        "what helps {with|when|for|}", "what {works|helps} for", "does anyone know",
        "is there {a way|anything i can do|something i can do|any way}",
        "how do i {know|tell|stop|get|deal|cope|make|handle|talk|fix|calm|sleep|focus|move}",
        "i need help", "i need some help",
        "{i'd|i would} {like|love|appreciate} {some|a little|your|} {help|advice|guidance}",
        "{do|can|could|would} you {suggest|recommend}",
        "{hobbies|activities|things to do|something to do} {you|you'd|you would} "
        "{suggest|recommend}",
        "what {hobbies|activities|crafts} {should|could|can|would} i",
        "{any|some} {hobbies|activities|crafts|craft ideas} {i could|i can|to} {try|do|start}",
        "i want {some|a little|} {help|advice} {with|on|about}", "please help", "help me",
        "help please", "{signs|symptoms} of", "difference between",
        "what do {people|you|others|most people|other people} "
        "{usually|normally|typically|generally|} do {when|if|about|after}",
        "walk me through", "what are the {signs|symptoms}", "recommend", "recommendations",
        "how {to|do i|can i|could i|would i|should i|do you|does one} "
        "{get|find|see|access|book|afford|choose|pick|contact|talk to|speak to|reach} "
        "{a|an|the|my|} "
        "{therapist|counsellor|counselor|psychologist|psychiatrist|professional|doctor|gp|therapy|"
        "counselling|counseling|help|support|helpline}",
        "where {can|do|could|should} i {get|find|see|access} {a|an|some|} "
        "{therapist|counsellor|counselor|psychologist|professional|help|support|therapy}",
        "i don't know what to do", "what to do", "tell me what to {do|say|think}",
        "i dunno what to do", "don't know what to do", "i don't know how to", "where do i start",
        "where can i {get|find}", "where should i", "who should i {talk|tell|go|ask}",
        "should i tell", "when should i",
        "what are {some|the|good|any} "
        "{ways|tips|techniques|things|strategies|exercises|skills|methods|options|resources}",
        "{grounding|breathing|coping|relaxation|calming|mindfulness|sleep} "
        "{techniques|exercises|strategies|skills|tips|methods}",
        "{find|figure out|work out} {a way|how|what} to",
        "{is that|is it|is this|would it be|would that be} {a|} "
        "{bad|good|stupid|terrible|smart|dumb|wise|wrong} {idea|thing|move|choice|decision}",
        "teach me", "show me how", "which {one|is better|should i}", "advice please", "tips please",
        "any thoughts"}},
      {kVenting,
       {"{nobody|no one|noone|no-one} {ever|really|even|} "
        "{cares|listens|understands|loves|likes|wants|gets|notices|believes|helps|asks|checks}",
        "{feeling|feel|felt|i'm|i am|been} {really|so|very|pretty|super|kind of|a bit|quite|} "
        "{low|down|bad|crap|shit|rubbish|awful|lost|hopeless|numb|empty|worthless|alone|lonely|sad|"
        "anxious|depressed|overwhelmed|stressed|broken|tired|drained|exhausted|terrible|horrible|"
        "miserable|useless|stuck|trapped|hurt|scared|weird|wrong|low key sad}",
        "i keep {messing|screwing|fucking|mucking} {up|everything up|things up|it up}",
        "{messed|screwed|fucked} {up|everything up|it all up|it up}",
        "took {his|her|their} side",
        "{never|don't|doesn't} {listen|care}",
        "{ignored|ignores|ignoring|left "
        "out|excluded|abandoned|rejected|dumped|blocked|ghosted|used|bullied|picked on} me",
        "{don't|doesn't|didn't|never} {understand|care about|listen to|love|like|want|believe|get} "
        "me",
        "{haven't|have not|hasn't|can't|couldn't|cannot} {slept|sleep|eaten|eat|stop crying|stop "
        "thinking|get out of bed|breathe|focus|concentrate|cope|function|take it|do this|do "
        "anything}",
        "i feel like {a|an} "
        "{zombie|failure|burden|mess|ghost|idiot|loser|fraud|disappointment|joke|outsider|robot|"
        "nothing}",
        "overthinking",
        "i {hate|can't stand} {myself|my life|my job|my body|everything|this|it here|being me}",
        "{sick|tired} of",
        "sick and tired",
        "i feel like {i'm|i am|i'll|i will|nobody|no one|everyone|everything|i can't|i don't|my|i "
        "have|i should|i never|i always|i'm going|the world|people|there's}",
        "{drowning|suffocating|sinking|dying inside|going under|going crazy|losing my mind}",
        "fed up",
        "had enough",
        "so done",
        "falling apart",
        "what's the point",
        "no point",
        "{worst|bad|awful|terrible|shit|rough|hard|horrible|tough|crap|crappy|stressful|difficult|"
        "exhausting|draining|brutal|miserable|hellish} {day|week|night|year|month|time|few "
        "days|few weeks|morning|shift}",
        "{such a|another|} long {day|week|night|shift}",
        "nothing {ever|} {goes|went|works|worked|turns|seems to go} {right|out|well|my way}",
        "{always|keeps} {happens|happening} to me",
        "why {does|do|is} {this|everything|it} always",
        "why {do|am|can't|does|is} {i|everyone|everything|nobody|no one|it} "
        "{always|never|keep|feel|hate|so|like this}",
        "push {people|everyone|them|him|her} away",
        "what i did wrong",
        "why {does|do|did|won't|can't|doesn't|don't} {everyone|everybody|people|nobody|no "
        "one|they|he|she|anyone}",
        "{leave|leaves|left|abandon|abandoned|abandons|replace|replaced} me",
        "{can't|cannot|couldn't} stop",
        "{ex|boyfriend|girlfriend|partner|husband|wife|crush} is {dating|seeing|sleeping "
        "with|with|marrying|engaged}",
        "cried myself to sleep",
        "{failing|failed} at {life|everything}",
        "{my|all my} fault",
        "{constantly|always} on edge",
        "{can't|cannot} relax",
        "{stopped|stop|won't|doesn't|don't|didn't|never} "
        "{talking|speaking|replying|texting|answering|responding} to me",
        "{heart|chest} {is|feels|keeps|was|felt} {racing|pounding|tight|heavy|hurting|aching}",
        "{feel|feeling|felt} {sick|dizzy|shaky|faint|on edge|like crying|like a failure}",
        "freaking out",
        "{burning|burnt|burned} out",
        "burnout",
        "i'm {freaking|spiralling|spiraling|losing it|breaking down}",
        "broke up with me",
        "passed away",
        "{need|want} {someone|somebody|anyone} to {talk to|listen|be there}",
        "{slept|sleeping} {badly|terribly|awfully|horribly|poorly|like shit|like crap}",
        "{barely|hardly|didn't|couldn't|can't} {slept|sleep}",
        "i {can't|cannot} do this {anymore|any more}",
        "{everyone|everybody|they|people} {hates|hate|ignores|ignore|laughs at|laugh at} me",
        "i hate that i'm",
        "i hate being",
        "no one would {notice|care|miss me}",
        "nobody would {notice|care|miss me}",
        "{lost|losing} my "
        "{job|mum|mom|dad|friend|mind|home|baby|grandma|grandad|grandpa|nan|dog|cat}"}},
      {kGratitude,
       {"{you've|you have} been {so|really|very|super|more|much more|so much more|way more|far "
        "more|} {helpful|kind|great|amazing|lovely|a great help|a big help|a help}",
        "{thanks|thank you|thank u|thx|cheers|ty} {so much|very much|a lot|} for {the|your|all "
        "the|all your|this|that|all|} "
        "{advice|help|tips|support|chat|talk|listening|time|suggestions|ideas|being "
        "here|everything|reply|answer|info|information|kind words|understanding}",
        "{you've|you have|you|you've really|you really} {helped|help} me",
        "you {really|truly|honestly|} helped",
        "{that|this|it} {made|makes} me feel {a bit|a little|so much|} better",
        "thanks",
        "thank you",
        "thank u",
        "thankyou",
        "cheers",
        "ta",
        "many thanks",
        "{i|} appreciate {it|this|that|you|your help|the help|you listening}",
        "much appreciated",
        "{that|this|you} {helped|helps|really helped|really helps|has helped|have helped}",
        "{that|this|you} {was|were|is|are} {so|really|very|} "
        "{helpful|useful|kind|lovely|amazing|great}",
        "{means|meant} a lot",
        "{this|that|you|it|this chat|talking to you} {has|have} been "
        "{so|really|very|super|incredibly|} {helpful|useful|great|amazing|lovely|a help|a big "
        "help}",
        "{you're|you are} {a lifesaver|a life saver|a star|a legend|amazing|the best|so kind|so "
        "helpful|awesome|a gem|brilliant|an angel}",
        "grateful {for|to}",
        "i'm grateful",
        "thankful",
        "bless you",
        "you're the best",
        "you are the best",
        "you're a star",
        "you're amazing"}},
      {kGoodbye,
       {"bye",
        "bye bye",
        "byee",
        "goodbye",
        "good bye",
        "see you",
        "see ya",
        "see you later",
        "cya",
        "good night",
        "goodnight",
        "night night",
        "nighty night",
        "gn",
        "gotta go",
        "got to go",
        "have to go",
        "need to go",
        "i'm off",
        "i'm going to go",
        "i'll go now",
        "talk {to you|} {later|soon|tomorrow}",
        "speak {to you|} {later|soon|tomorrow}",
        "ttyl",
        "take care",
        "catch you later",
        "{i'll|i will} be back {tomorrow|later|soon|another time|}",
        "{come|check} back {tomorrow|later|soon}",
        "logging off",
        "signing off",
        "heading off",
        "i'm done for {today|tonight|now}",
        "that's all for {today|now|tonight}",
        "going to {bed|sleep} now",
        "until next time",
        "farewell",
        "peace out",
        "leave it there",
        "{leave|end|stop} it {there|here} for {today|tonight|now}",
        "call it a {night|day}",
        "{log|logging|sign|signing|head|heading} off",
        "{going to|gonna|about to|will} {go|log off|head off|sign off|leave} {now|}",
        "that's it for {today|tonight|now}",
        "i'm going to sign off",
        "i'll {leave|stop} {it|} {there|here|now}"}},
      // "I don't know where I need to go from here": a way forward, not a goodbye (the longer
      // phrase wins over "need to go").
      {kOther, {"{where|what if|if|when} {i|we} {have|need|got} to go"}},
      {kGreeting,
       {"hi",
        "hello",
        "hey",
        "heya",
        "hiya",
        "hii",
        "hiii",
        "heyy",
        "heyyy",
        "helo",
        "hallo",
        "yo",
        "howdy",
        "hola",
        "greetings",
        "hey there",
        "hi there",
        "hello there",
        "good {morning|afternoon|evening|day}",
        "morning",
        "evening",
        "afternoon",
        "nice to meet you",
        "pleased to meet you",
        "hey hey",
        "oi",
        "sup",
        "wassup",
        "whatsup",
        "what's up",
        "whats up",
        "what's good"}},
      {kSmalltalk,
       {"how are you",
        "how are you doing",
        "how r you",
        "how are u",
        "how're you",
        "how's it going",
        "how is it going",
        "how are things",
        "how's things",
        "how's your day",
        "how is your day",
        "how was your day",
        "how's your {day|night|morning|week|weekend} {going|been|}",
        "i'm {fine|good|ok|okay|alright|great|not bad|well|grand} {thanks|thank you|thx|ty|} {and "
        "you|how about you|you|what about you|}",
        "{fine|good|not bad|alright} thanks {and you|you|how about you|}",
        "what's up with you",
        "what's up {with you|} {today|tonight|}",
        "what are you up to",
        "what are you doing",
        "what you doing",
        "how have you been",
        "how you doing",
        "you ok",
        "you good",
        "are you ok",
        "are you okay",
        "are you good",
        "tell me {a|another} joke",
        "{a|another} joke",
        "jokes",
        "what's good with you",
        "know any jokes",
        "make me laugh",
        "tell me something {funny|interesting|nice|random}",
        "{have you got|do you have|got|any} {any|} plans",
        "plans for the weekend",
        "what did you {have|eat|do}",
        "{cats|dogs} or {dogs|cats}",
        "weather",
        "raining",
        "rainy",
        "sunny",
        "snowing",
        "so hot today",
        "so cold today",
        "nice day",
        "lovely day",
        "what's your favourite",
        "what's your favorite",
        "favourite",
        "wyd",
        "wbu",
        "hbu",
        "what about u",
        "it's my birthday",
        "{my|it's my} birthday today",
        "favorite",
        "{how's|hows|how is|how was|how has} {your|ur} "
        "{day|night|morning|week|weekend|evening|afternoon} {been|going|}",
        "what is your favourite",
        "what is your favorite",
        "do you like",
        "have you seen",
        "have you ever",
        "did you watch",
        "did you see",
        "what time is it",
        "what day is it",
        "guess what",
        "fun fact",
        "i'm bored",
        "im bored",
        "let's chat",
        "let's talk",
        "just chatting",
        "lol",
        "haha",
        "hahaha",
        "lmao",
        "football",
        "movie",
        "movies",
        "music",
        "favorite song",
        "favourite song",
        "pizza",
        "do you dream",
        "what do you do for fun"}},
  };
  return *k;
}

// A trigger phrase followed, within `window` words of the same sentence, by one of `targets`:
// "are you some kind of ai", "you're just a program", "are you able to remember".
struct GapRule {
  Label label;
  std::vector<std::string_view> triggers;  // patterns, as above
  std::vector<std::string_view> targets;   // single words
  int window;
  bool question_only = false;  // only in a question ("?" or a sentence opening with can/does/...)
  bool means = false;          // names means of harm: crisis only with distress or risk
};

const std::vector<GapRule>& GapRules() {
  static const auto* k = new std::vector<GapRule>{
      {kBot,
       {"are you", "you're", "you are", "is this", "am i talking to", "am i chatting to",
        "am i speaking to", "is it", "you're just", "are you just"},
       {"bot", "robot", "ai", "program", "programme", "machine", "computer", "chatbot", "algorithm",
        "automated", "software", "llm", "gpt", "chatgpt", "a.i", "android"},
       5},
      {kBot,
       {"do you", "can you", "are you able to", "will you", "would you", "does it", "do u",
        "do you ever", "do you even"},
       {"remember", "feel",       "feelings",  "emotions", "lonely", "sleep", "dream", "dreams",
        "tired",    "bored",      "hungry",    "eat",      "sad",    "happy", "angry", "upset",
        "scared",   "understand", "conscious", "sentient", "alive",  "think", "learn", "human"},
       3},
      {kPrivacy,
       {"do you", "does this app", "does haven", "will you", "is this", "are you"},
       {"store",     "stored",  "storing",  "save",         "saved",    "saving",
        "keep",      "log",     "logs",     "logged",       "record",   "recorded",
        "recording", "track",   "tracking", "sell",         "share",    "sharing",
        "encrypted", "encrypt", "private",  "confidential", "anonymous"},
       4},
      {kPrivacy,
       {"delete", "erase", "wipe", "remove", "clear"},
       {"data", "messages", "history", "conversation", "conversations", "chats", "account",
        "everything", "said", "told", "wrote", "typed", "info", "information"},
       4},
      {kCrisis,
       {"i swallowed", "i've swallowed", "i have swallowed", "i just swallowed", "i took",
        "i've taken", "i have taken", "i just took"},
       {"all", "whole", "overdose", "packet", "pack", "bottle", "box", "lot", "bunch", "handful",
        "too"},
       3},
      {kCrisis,
       {"i swallowed", "i've swallowed", "i just swallowed", "i overdosed", "i've overdosed"},
       {"pills", "tablets", "paracetamol", "ibuprofen", "painkillers", "bleach", "pill", "meds",
        "medication"},
       6},
      {kHuman,
       {"{speak|talk|chat} to", "{speak|talk|chat} with", "need", "want", "get me"},
       {"human", "therapist", "counsellor", "counselor", "psychologist", "volunteer",
        "professional", "agent", "operator", "staff", "team", "employee", "moderator", "admin",
        "humans", "people"},
       4},
      {kPrivacy,
       {"{can|could|does|do|will|would|is|are} {anyone|anybody|someone|somebody|my parents|my "
        "mum|my mom|my dad|my family|my partner|my husband|my wife|my boyfriend|my girlfriend|my "
        "school|my boss|my teacher|my therapist|my doctor|my gp|my counsellor|my counselor|my "
        "work|my employer|my friends|people|staff|they|you guys|the police|the government|other "
        "people|other users|your team|haven|employees}",
        "who {else|}"},
       {"read", "see", "access", "view", "reading", "seeing", "monitor", "monitoring", "find",
        "report", "share", "sell", "notified", "informed"},
       4,
       true},
      {kPrivacy,
       {"{will|would|do|did|can} you {ever|}"},
       {"report", "share", "sell", "forward", "disclose", "store", "save", "record", "log", "pass",
        "give", "hand", "send", "show"},
       2,
       true},
      {kPrivacy,
       {"what {you have|you've|do you have|you've got|have you got|you hold|you keep|you know}",
        "{don't|do not} want {this|it|that|my|anything|these|any of this}"},
       {"saved", "stored", "kept", "recorded", "logged", "shared", "about", "on"},
       3},
      {kHuman,
       {"is there {someone|somebody|anyone|anybody|a person|a human}"},
       {"speak", "talk", "chat", "call", "ring", "phone"},
       5},
      {kBot, {"you", "is this", "this is"}, {"bot", "robot", "ai", "chatbot", "machine"}, 2, true},
      {kBot,
       {"are you", "you're", "you are", "are you just", "you're just"},
       {"programmed", "trained", "coded", "scripted", "designed", "automated", "pretending",
        "script"},
       3},
      // "know a way", "want to know ways": not "i know my ways are unhealthy".
      {kAdvice,
       {"{what's|what is|is there|are there|what are} {a|an|the|any|some|}",
        "know {a|an|the|any|some}", "{want|like|need} to know"},
       {"way", "ways", "method", "methods", "technique", "techniques", "trick", "tricks",
        "strategy", "strategies"},
       3},
      {kAdvice, {"{would|will|could|does|do|can|might}"}, {"help", "work"}, 3, true},
      {kAdvice, {"is", "are", "would it be"}, {"worth"}, 3, true},
      {kVenting,
       {"nobody", "no one", "noone", "no-one"},
       {"me", "my", "i", "i'm", "myself", "mine"},
       4},
      {kPrivacy,
       {"my {data|information|info|messages|details|account|history|chats|conversations|ip|ip "
        "address|name|email|number|location|chat|chat history|conversation history|chat "
        "logs|logs|records|personal data}",
        "everything {i've|i have|i} {written|said|typed|told you|shared|wrote|sent}",
        "what i've {written|said|typed|told you|shared|sent}",
        "what i {say|write|type|tell you|told you|share|said|wrote|typed|shared}",
        "{this|our|the} {chat|conversation|conversations|chats}"},
       {"removed",   "deleted", "erased",   "wiped",   "secret", "private",   "confidential",
        "stored",    "saved",   "kept",     "shared",  "sold",   "anonymous", "secure",
        "encrypted", "logged",  "recorded", "tracked", "safe",   "visible",   "used"},
       4},
      {kCrisis,
       {"{going to|gonna|will|i'll|about to|want to} {take|swallow|down|drink}"},
       {"all", "whole", "overdose", "bottle", "packet", "everything"},
       3},
      {kCrisis,
       {"{i have|i've got|i got|i'm holding|holding|got} {the|my|a|some|}"},
       {"pills", "rope", "knife", "gun", "blade", "razor", "noose", "tablets", "paracetamol"},
       2,
       false,
       true},
      {kAdvice,
       {"how {do|can|does|should|would|could} {i|you|people|one|others|someone|anyone|we|u}"},
       {"manage",  "cope",    "deal",    "handle",   "stop",    "fix",     "overcome",
        "calm",    "survive", "get",     "tell",     "make",    "start",   "move",
        "recover", "heal",    "improve", "beat",     "avoid",   "prepare", "relax",
        "focus",   "forgive", "forget",  "approach", "explain", "ask",     "convince",
        "support", "help",    "find",    "build",    "become",  "feel",    "learn"},
       4},
      {kVenting,
       {"{screams|shouts|yells|screamed|shouted|yelled|swears|laughs|laughed|snapped} at",
        "{hits|hit|hurts|blames|blamed|criticises|criticizes|humiliated|humiliates|embarrassed|"
        "mocks|mocked|insulted|insults|belittles|controls|threatens|threatened} "},
       {"me", "us", "my"},
       2},
  };
  return *k;
}

// Patterns that only count in a short message (at most four words): "night x", "later".
const std::vector<PatternSet>& ShortPatterns() {
  static const auto* k = new std::vector<PatternSet>{
      {kGoodbye,
       {"night", "nite", "nighty", "later", "laters", "ok bye", "i'm off", "off now", "x", "xx",
        "that's all", "that's it", "gtg", "g2g", "brb"}},
      {kGreeting,
       {"morning", "evening", "afternoon", "hey you", "anyone there", "anyone here",
        "is anyone there", "hello anyone"}},
      {kOther, {"no thanks", "no thank you", "no thx", "nah thanks", "thanks but no", "no ty"}},
      {kSmalltalk,
       {"nothing much", "not much", "just bored", "bored", "lol ok", "haha ok", "lol", "haha",
        "lmao", "and you", "what about you", "how about you"}},
  };
  return *k;
}

// Negative feeling and hardship words for venting.
const std::unordered_set<std::string>& VentWords() {
  static const auto* k = new std::unordered_set<std::string>{
      "sad",         "sadness",     "depressed",   "depressing",   "depression",    "anxious",
      "anxiety",     "lonely",      "alone",       "isolated",     "tired",         "exhausted",
      "drained",     "stressed",    "stress",      "stressful",    "hate",          "hated",
      "hates",       "hurt",        "hurts",       "hurting",      "cry",           "crying",
      "cried",       "cries",       "tears",       "awful",        "terrible",      "horrible",
      "worthless",   "hopeless",    "helpless",    "useless",      "overwhelmed",   "overwhelming",
      "scared",      "afraid",      "terrified",   "frightened",   "angry",         "furious",
      "mad",         "upset",       "miserable",   "empty",        "numb",          "lost",
      "broken",      "panic",       "panicking",   "panicked",     "attacks",       "worried",
      "worry",       "worrying",    "nervous",     "ashamed",      "guilty",        "guilt",
      "shame",       "embarrassed", "jealous",     "insecure",     "ugly",          "stupid",
      "failure",     "failed",      "failing",     "fail",         "rejected",      "ignored",
      "abandoned",   "bullied",     "fired",       "dumped",       "cheated",       "argued",
      "arguing",     "fight",       "fighting",    "yelled",       "yelling",       "shouted",
      "screamed",    "died",        "dead",        "death",        "passed",        "grieving",
      "grief",       "miss",        "missing",     "pain",         "painful",       "worst",
      "shit",        "shitty",      "crap",        "sucks",        "sucked",        "ugh",
      "hard",        "struggling",  "struggle",    "struggled",    "suffering",     "burden",
      "trapped",     "stuck",       "suffocating", "drowning",     "nobody",        "ruined",
      "ruin",        "mess",        "messed",      "screwed",      "fucked",        "annoyed",
      "frustrated",  "frustrating", "irritated",   "disappointed", "disappointing", "devastated",
      "heartbroken", "sick",        "ill",         "unwell",       "lonely",        "unhappy",
      "unloved",     "unwanted",    "insomnia",    "nightmares",   "breakdown",     "meltdown",
      "fuck",        "bad",         "wrong",       "tough",        "difficult",     "harder",
      "scary",       "afraid",      "dread",       "dreading",     "hopelessness",  "low",
      "down",        "suicidal",    "die",         "dying",        "self-harm",     "cut",
      "cutting",     "wish",        "can't",       "cannot",       "never",         "anymore",
      "spiralling",  "spiraling",   "falling",     "apart",        "losing",        "lose",
      "quit",        "leave",       "left",        "divorce",      "breakup",       "broke",
      "debt",        "hopeless",    "pointless",   "meaningless",  "lonely",        "bored",
      "fat",         "disgusting",  "disgusted",   "gross",        "weird",         "mean",
      "cruel",       "abusive",     "abuse",       "hit",          "hits",          "scream",
      "shaking",     "shaky",       "sleep",       "sleepless",    "awake",         "overthinking",
      "numbness",    "sobbing",     "sob",         "weep",         "weeping",       "dark",
      "darkness",    "heavy",       "weight",      "pressure",     "burnt",         "burned",
      "burnout",     "exhausting",  "tiring",      "killing",      "kill",          "unbearable",
      "hell",        "nightmare",   "cope",        "coping",       "manage",        "handle",
      "deal",        "trauma",      "traumatic",   "ptsd",         "flashbacks",    "lonliness",
      "loneliness",  "misery",      "sorrow",      "regret",       "regrets",       "mistake",
      "mistakes",    "blame",       "fault",       "ignored",      "overthinking",  "messing",
      "zombie",      "excluded",    "ghosted",     "lonley",       "sh*t",          "rubbish",
      "screams",     "shouts",      "yells",       "humiliated",   "criticises",    "blames",
      "badly"};
  return *k;
}

// Words that carry a feeling on their own strongly enough for venting without a negative
// sentiment reading (the others, e.g. "hard" or "can't", need one or a second word).
const std::unordered_set<std::string>& StrongVentWords() {
  static const auto* k = new std::unordered_set<std::string>{
      // hardships
      "evicted",      "homeless",    "arrested",  "assaulted",    "raped",        "abused",
      "attacked",     "robbed",      "mugged",    "hospitalised", "hospitalized", "relapsed",
      "miscarriage",  "divorced",    "bankrupt",  "redundant",    "kicked",       "sacked",
      "humiliated",   "sick",        "sad",       "depressed",    "anxious",      "anxiety",
      "lonely",       "alone",       "exhausted", "stressed",     "hate",         "hurt",
      "hurts",        "crying",      "cried",     "awful",        "terrible",     "horrible",
      "worthless",    "hopeless",    "helpless",  "overwhelmed",  "scared",       "afraid",
      "terrified",    "angry",       "upset",     "miserable",    "empty",        "numb",
      "broken",       "panic",       "worried",   "ashamed",      "guilty",       "rejected",
      "abandoned",    "bullied",     "fired",     "dumped",       "cheated",      "died",
      "grieving",     "struggling",  "suffering", "burden",       "trapped",      "devastated",
      "heartbroken",  "unloved",     "insomnia",  "depression",   "furious",      "frustrated",
      "disappointed", "suicidal",    "miss",      "useless",      "failure",      "stupid",
      "ugly",         "tired",       "drained",   "lost",         "stuck",        "unhappy",
      "dread",        "meltdown",    "breakdown", "nightmares",   "sucks",        "shit",
      "fucked",       "screwed",     "mess",      "messed",       "annoyed",      "jealous",
      "insecure",     "embarrassed", "isolated",  "down",         "low",          "bad",
      "worst",        "pain",        "grief",     "guilt",        "shame",        "trauma",
      "flashbacks",   "yelled",      "argued",    "fighting",     "abusive",      "burnout",
      "loneliness",   "regret",      "ignored",   "overthinking", "excluded",     "ghosted",
      "ugh",          "urgh",        "drowning",  "suffocating",  "sinking",      "dreading",
      "terrified",    "scared"};
  return *k;
}

const std::unordered_set<std::string>& FirstPerson() {
  static const auto* k = new std::unordered_set<std::string>{"i",   "i'm", "i've",   "i'd",  "i'll",
                                                             "me",  "my",  "myself", "mine", "im",
                                                             "ive", "we",  "we're",  "our",  "us"};
  return *k;
}

// Expands "{a|b|}" choices into all token sequences.
void Expand(std::string_view pattern, std::vector<std::string>* out) {
  std::vector<std::string> partial = {""};
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos) close = pattern.size();
      std::string_view body = pattern.substr(i + 1, close - i - 1);
      std::vector<std::string_view> choices;
      size_t from = 0;
      while (true) {
        size_t bar = body.find('|', from);
        choices.push_back(
            body.substr(from, bar == std::string_view::npos ? std::string_view::npos : bar - from));
        if (bar == std::string_view::npos) break;
        from = bar + 1;
      }
      std::vector<std::string> next;
      next.reserve(partial.size() * choices.size());
      for (const std::string& p : partial) {
        for (std::string_view c : choices) next.push_back(p + std::string(c));
      }
      partial = std::move(next);
      i = close + 1;
    } else {
      size_t brace = pattern.find('{', i);
      std::string_view lit =
          pattern.substr(i, brace == std::string_view::npos ? std::string_view::npos : brace - i);
      for (std::string& p : partial) p.append(lit);
      i = brace == std::string_view::npos ? pattern.size() : brace;
    }
  }
  for (std::string& p : partial) {
    // normalise spaces
    std::string clean;
    bool space = true;
    for (char c : p) {
      if (c == ' ') {
        if (!space) clean.push_back(' ');
        space = true;
      } else {
        clean.push_back(c);
        space = false;
      }
    }
    while (!clean.empty() && clean.back() == ' ') clean.pop_back();
    if (!clean.empty()) out->push_back(std::move(clean));
  }
}

struct Hit {
  Label label;
  size_t first;  // token index
  size_t len;    // tokens
};

// "i took 40 pills", "swallowed twenty tablets": a large counted dose.
bool CountedOverdose(const std::vector<std::string_view>& words) {
  static const std::unordered_set<std::string_view> kTook = {"took", "taken", "swallowed", "downed",
                                                             "overdosed"};
  static const std::unordered_set<std::string_view> kPills = {
      "pills",      "tablets", "paracetamol", "ibuprofen", "painkillers", "sleeping",
      "co-codamol", "aspirin", "capsules",    "xanax",     "meds"};
  static const std::unordered_set<std::string_view> kMany = {
      "ten",   "twelve",  "fifteen", "twenty", "thirty", "forty",
      "fifty", "hundred", "dozen",   "loads",  "lots",   "heaps"};
  for (size_t i = 0; i < words.size(); ++i) {
    if (!kTook.count(words[i])) continue;
    for (size_t k = i + 1; k < words.size() && k <= i + 2; ++k) {
      std::string_view w = words[k];
      bool many = kMany.count(w) > 0;
      if (!many && !w.empty() && w.size() <= 3 &&
          std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        many = std::stoi(std::string(w)) >= 10;
      }
      if (!many) continue;
      for (size_t q = k + 1; q < words.size() && q <= k + 2; ++q) {
        if (kPills.count(words[q])) return true;
      }
    }
  }
  return false;
}

// True when the sentence holding words[i] opens with an auxiliary ("can", "does", "who", ...),
// i.e. reads as a question even without "?".
bool AuxOpening(const std::vector<std::string_view>& words, size_t i) {
  size_t k = i;
  while (k > 0 && words[k - 1] != "|") --k;
  if (k >= words.size()) return false;
  static const std::unordered_set<std::string_view> kAux = {
      "can",  "could", "does",  "do",   "will", "would", "who", "is",   "are",    "am",
      "what", "how",   "where", "when", "why",  "did",   "has", "have", "should", "may"};
  return kAux.count(words[k]) > 0;
}

bool IsPunctToken(std::string_view t) {
  for (unsigned char c : t) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '\'') return false;
  }
  return true;
}

// What a word sequence (tokens joined by single spaces) is to the rules.
struct PhraseEntry {
  uint32_t labels = 0;         // labels it votes for as a phrase (bit set)
  uint32_t short_labels = 0;   // labels it votes for in short messages only
  std::vector<int> gap_rules;  // gapped rules it triggers
  bool is_prefix = false;      // some longer phrase or trigger starts with it plus a space
};

// Per-word facts for venting.
enum WordFlag : uint8_t {
  kFirstPersonWord = 1,
  kVentWord = 2,
  kStrongVentWord = 4,
};

}  // namespace

struct IntentClassifier::Impl {
  // Every phrase, short phrase and gap trigger, and every proper token prefix of one: matching
  // extends a word sequence only while it is still a prefix of something.
  StringTable<PhraseEntry> phrases;
  std::vector<StringTable<uint8_t>> gap_targets;  // per gap rule: the target words (value 1)
  StringTable<uint8_t> word_flags;                // WordFlag bits

  PhraseEntry& Add(std::string_view phrase) {
    for (size_t sp = phrase.find(' '); sp != std::string_view::npos;
         sp = phrase.find(' ', sp + 1)) {
      phrases[phrase.substr(0, sp)].is_prefix = true;
    }
    return phrases[phrase];
  }
};

StatusOr<IntentClassifier> IntentClassifier::Create() {
  auto impl = std::make_shared<Impl>();
  impl->phrases.Reserve(32768);
  std::vector<std::string> expanded;
  for (const PatternSet& set : Patterns()) {
    for (std::string_view p : set.patterns) {
      expanded.clear();
      Expand(p, &expanded);
      for (const std::string& phrase : expanded) impl->Add(phrase).labels |= 1u << set.label;
    }
  }
  for (const PatternSet& set : ShortPatterns()) {
    for (std::string_view p : set.patterns) {
      expanded.clear();
      Expand(p, &expanded);
      for (const std::string& phrase : expanded) impl->Add(phrase).short_labels |= 1u << set.label;
    }
  }
  const auto& rules = GapRules();
  for (size_t r = 0; r < rules.size(); ++r) {
    for (std::string_view p : rules[r].triggers) {
      expanded.clear();
      Expand(p, &expanded);
      for (const std::string& phrase : expanded) {
        impl->Add(phrase).gap_rules.push_back(static_cast<int>(r));
      }
    }
    auto& targets = impl->gap_targets.emplace_back();
    for (std::string_view t : rules[r].targets) targets[t] = 1;
  }
  for (const std::string& w : FirstPerson()) impl->word_flags[w] |= kFirstPersonWord;
  for (const std::string& w : VentWords()) impl->word_flags[w] |= kVentWord;
  for (const std::string& w : StrongVentWords()) impl->word_flags[w] |= kStrongVentWord;
  IntentClassifier c;
  c.impl_ = std::move(impl);
  return c;
}

Intent IntentClassifier::Classify(const NormalizedText& text, const Risk& risk,
                                  const Sentiment& sentiment) const {
  Intent result;
  result.label = "other";
  result.score = 0.3;
  if (risk.level >= RiskLevel::kHigh) {
    result.label = "crisis";
    result.score = std::max(0.9, std::min(1.0, risk.score));
    return result;
  }
  try {
    // Tokens of the canonical text (bounded: intent is read from the first 4,000 tokens).
    std::vector<std::string_view> tokens;
    std::string_view canon = text.canonical;
    size_t pos = 0;
    while (pos < canon.size() && tokens.size() < 4000) {
      size_t sp = canon.find(' ', pos);
      if (sp == std::string_view::npos) sp = canon.size();
      if (sp > pos) tokens.push_back(canon.substr(pos, sp - pos));
      pos = sp + 1;
    }
    // Word tokens only, for phrase matching: punctuation does not break a phrase except a
    // sentence break, which we keep as a token that matches nothing.
    std::vector<std::string_view> words;
    bool question = false, exclaim = false;
    for (std::string_view t : tokens) {
      if (IsPunctToken(t)) {
        if (t.find('?') != std::string_view::npos) question = true;
        if (t.find('!') != std::string_view::npos) exclaim = true;
        if (t.find_first_of(".!?;") != std::string_view::npos) words.push_back("|");
        continue;
      }
      words.push_back(t);
    }
    // Phrase hits.
    int content_words = 0;
    for (std::string_view w : words) {
      content_words += w != "|";
      impl_->phrases.Prefetch(w);
      impl_->word_flags.Prefetch(w);
    }
    const bool short_message = content_words <= 4;
    std::vector<Hit> hits;
    int means_hits = 0;
    std::string key;
    const auto& rules = GapRules();
    for (size_t i = 0; i < words.size() && hits.size() < 4096; ++i) {
      key.clear();
      for (size_t len = 1; i + len <= words.size(); ++len) {
        if (words[i + len - 1] == "|") break;
        if (len > 1) key.push_back(' ');
        key.append(words[i + len - 1]);
        const PhraseEntry* found = impl_->phrases.Find(key);
        if (found == nullptr) break;
        const PhraseEntry& entry = *found;
        uint32_t labels = entry.labels;
        if (short_message) labels |= entry.short_labels;
        for (int l = 0; l < kNumLabels; ++l) {
          if (labels & (1u << l)) hits.push_back({static_cast<Label>(l), i, len});
        }
        for (int r : entry.gap_rules) {
          if (rules[r].question_only && !question && !AuxOpening(words, i)) continue;
          size_t end = i + len;
          for (size_t k = end; k < words.size() && k < end + rules[r].window; ++k) {
            if (words[k] == "|") break;
            if (impl_->gap_targets[r].contains(words[k])) {
              if (rules[r].means) {
                ++means_hits;
              } else {
                hits.push_back({rules[r].label, i, k + 1 - i});
              }
              break;
            }
          }
        }
        if (!entry.is_prefix) break;
      }
    }
    // A longer phrase overrides a shorter overlapping phrase of another label.
    std::array<int, kNumLabels> count{};
    for (const Hit& h : hits) {
      bool covered = false;
      for (const Hit& o : hits) {
        if (o.label == h.label || o.len <= h.len) continue;
        if (o.first <= h.first && o.first + o.len >= h.first + h.len) {
          covered = true;
          break;
        }
      }
      if (!covered) ++count[h.label];
    }
    // Venting evidence: first person, feeling words, "not ok"/"can't cope".
    int first_person = 0, vent = 0, strong_vent = 0;
    bool negated_positive = false;
    for (size_t i = 0; i < words.size(); ++i) {
      std::string_view w = words[i];
      if (w == "|") continue;
      if (const uint8_t* flags = impl_->word_flags.Find(w)) {
        first_person += (*flags & kFirstPersonWord) != 0;
        vent += (*flags & kVentWord) != 0;
        strong_vent += (*flags & kStrongVentWord) != 0;
      }
      if ((w == "not" || w == "don't" || w == "can't" || w == "never" || w == "no") &&
          i + 1 < words.size()) {
        std::string_view nx = words[i + 1];
        if (nx == "ok" || nx == "okay" || nx == "good" || nx == "fine" || nx == "happy" ||
            nx == "well" || nx == "coping" || nx == "sleep" || nx == "cope" || nx == "eat" ||
            nx == "stop" || nx == "take" || nx == "handle" || nx == "anymore" || nx == "doing" ||
            nx == "feel" || nx == "want" || nx == "care" || nx == "one" || nx == "friends" ||
            nx == "point" || nx == "sure" || nx == "alright") {
          negated_positive = true;
        }
      }
    }
    // "i feel invisible": a feeling word after "i feel" that is not a positive one.
    static const std::unordered_set<std::string_view> kFeelSkip = {
        "so",    "very",    "really",     "quite",  "kind",   "kinda",    "pretty",
        "a",     "bit",     "little",     "just",   "a bit",  "too",      "extremely",
        "super", "totally", "completely", "always", "lately", "honestly", "literally",
        "even",  "still",   "sort",       "of"};
    static const std::unordered_set<std::string_view> kFeelPositive = {
        "good",      "great",     "better",   "happy",    "fine",        "ok",        "okay",
        "amazing",   "calm",      "relaxed",  "proud",    "excited",     "grateful",  "thankful",
        "loved",     "safe",      "hopeful",  "lucky",    "blessed",     "confident", "strong",
        "awesome",   "brilliant", "well",     "like",     "that",        "it",        "the",
        "this",      "about",     "as",       "if",       "when",        "you",       "your",
        "free",      "alright",   "positive", "peaceful", "content",     "heard",     "understood",
        "supported", "seen",      "valued",   "welcome",  "comfortable", "cared",     "motivated",
        "inspired",  "refreshed", "rested",   "much",     "lighter",     "normal",    "myself",
        "more",      "less",      "how",      "what",     "why",         "i",         "and"};
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] != "feel" && words[i] != "feeling" && words[i] != "felt") continue;
      if (i == 0 || !(words[i - 1] == "i" || words[i - 1] == "i'm" || words[i - 1] == "been" ||
                      words[i - 1] == "am" || words[i - 1] == "always" || words[i - 1] == "still" ||
                      words[i - 1] == "just")) {
        continue;
      }
      size_t k = i + 1;
      while (k < words.size() && kFeelSkip.count(words[k])) ++k;
      if (k < words.size() && words[k] != "|" && !kFeelPositive.count(words[k])) {
        negated_positive = true;  // counts as a venting cue
      }
    }
    bool negative = sentiment.compound <= -0.3;
    bool venting =
        first_person > 0 && (strong_vent > 0 || negated_positive || (negative && vent > 0) ||
                             (negative && content_words >= 6) || vent >= 2);
    if (first_person == 0 && (strong_vent >= 2 || (strong_vent >= 1 && negative))) venting = true;

    auto pick = [&](Label l, double extra) {
      result.label = std::string(kLabelNames[l]);
      result.score = std::min(0.99, kBaseScore[l] + extra);
      return result;
    };
    // The risk stage read every risk phrase here as figurative, denied or talk about the topic
    // ("my exam went so badly i'm gonna jump off a cliff lol"): its crisis phrases are not a
    // crisis. (Someone else's danger still is: third_party does not dismiss.)
    bool dismissed = risk.level == RiskLevel::kNone && !risk.evidence.empty();
    for (const RiskEvidence& e : risk.evidence) {
      if (e.signal != "figurative" && e.signal != "denial" && e.signal != "topic" &&
          e.signal != "ordinary")
        dismissed = false;
    }
    if (dismissed) {
      count[kCrisis] = 0;
      means_hits = 0;
    }
    if (count[kCrisis] > 0) return pick(kCrisis, 0.05);
    // "HELP" or "help me!!!" on its own is an urgent cry, not a request for tips.
    if (content_words <= 4 && (text.caps_words > 0 || exclaim)) {
      static const std::unordered_set<std::string_view> kCry = {
          "help", "me", "please", "someone", "somebody", "pls", "plz",
          "now",  "i",  "need",   "right",   "anyone",   "|"};
      bool cry = std::find(words.begin(), words.end(), "help") != words.end();
      for (std::string_view w : words) cry = cry && kCry.count(w) > 0;
      if (cry) return pick(kCrisis, -0.1);
    }
    if (!dismissed && CountedOverdose(words)) return pick(kCrisis, 0.0);
    if (means_hits > 0 && (venting || count[kVenting] > 0 || risk.level >= RiskLevel::kModerate)) {
      return pick(kCrisis, 0.0);
    }
    if (count[kHuman] > 0) return pick(kHuman, 0.05 * (count[kHuman] - 1));
    if (count[kPrivacy] > 0) return pick(kPrivacy, 0.05 * (count[kPrivacy] - 1));
    if (count[kBot] > 0) return pick(kBot, 0.05 * (count[kBot] - 1));
    // A request for advice wins over the feelings around it ("i'm so sad. what should i do").
    if (count[kAdvice] > 0) return pick(kAdvice, 0.05 * (count[kAdvice] - 1));
    if (count[kOther] > 0 && count[kGratitude] <= count[kOther]) return pick(kOther, 0.0);
    if (venting || count[kVenting] > 0) {
      double extra =
          0.05 * std::min(6, strong_vent + vent + count[kVenting]) + (negative ? 0.1 : 0.0);
      return pick(kVenting, extra);
    }
    // A longer first-person narrative without a positive tone is venting too ("my brother took
    // my stuff again and my parents took his side").
    if (first_person >= 2 && content_words >= 8 && !question && sentiment.compound < 0.6 &&
        count[kGratitude] == 0 && count[kGoodbye] == 0 && count[kSmalltalk] == 0) {
      return pick(kVenting, -0.15);
    }
    // A question in the first person that no rule covered is most often a request for advice.
    if (question && first_person > 0 && content_words >= 4 && count[kSmalltalk] == 0 &&
        count[kGreeting] == 0 && count[kGratitude] == 0) {
      return pick(kAdvice, -0.2);
    }
    // Social labels last: "hi, i can't sleep" was venting above.
    if (count[kGratitude] > 0) return pick(kGratitude, 0.0);
    if (count[kGoodbye] > 0) return pick(kGoodbye, 0.0);
    if (count[kGreeting] > 0) {
      if (count[kSmalltalk] > 0 && content_words > 6) return pick(kSmalltalk, 0.0);
      return pick(kGreeting, content_words <= 3 ? 0.1 : 0.0);
    }
    if (count[kSmalltalk] > 0) return pick(kSmalltalk, 0.0);
    if (negative && content_words >= 3) return pick(kVenting, -0.15);
  } catch (...) {
    // Allocation failure: fall back to "other".
  }
  return result;
}

}  // namespace haven::nlp
