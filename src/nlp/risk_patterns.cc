#include "nlp/risk_patterns.h"

#include <array>
#include <utility>

namespace haven::nlp::risk_internal {
namespace {

// Sub-expressions shared by many patterns. Each is a non-capturing group.
constexpr std::pair<std::string_view, std::string_view> kPlaceholders[] = {
    {"{ADV}",
     "(?:(?:really|just|honestly|seriously|literally|actually|kind of|sort of|so|fucking|"
     "lowkey|genuinely|sometimes|still|always|often|constantly|truly|also|even|now|badly|"
     "desperately|secretly|definitely|probably|finally|totally|legit|fr|simply|only|almost|"
     "kinda|sorta|def|100%|deadass|low key|go|to be honest) )*"},
    {"{TO}", "(?:to |2 |ta |too )?"},
    // Censored spellings survive normalisation as split tokens: "k*ll" -> "okay * ll".
    {"{KILL}", "(?:kill|kil|killl|unaliv|okay [*!#.@$1-]+ ?ll|k [*!#.@$1-]+ ?ll)"},
    {"{MYSELF}", "(?:myself|my self|mysef|myslef|meself)"},
    {"{DIE}", "(?:die|diee|d [*!#.@$1-]+ ?e)"},
    {"{SUICIDE}", "(?:suicide|s ?u? [*!#.@1-]+ ?i?cide|sui [*!#.@1-]+ ?ide|suic [*!#.@1-]+ ?de)"},
    {"{SUICIDAL}",
     "(?:suicidal|s ?u? [*!#.@1-]+ ?i?cidal|sui [*!#.@1-]+ ?idal|suic [*!#.@1-]+ ?dal)"},
    {"{DESIRE}",
     "(?:want|wants|wanted|wanting|wantin|need|needs|wish|wishes|wished|wishing|ready|tempted|"
     "longing|desire|yearn|yearning|would like|i'd like|would love|i'd love|itching|craving|"
     "close to|decide to|deciding to)"},
    {"{INTENT}",
     "(?:going to|gonna|gunna|will|i'll|ill|about to|decided to|deciding to|planning to|"
     "planning on|plan to|plan on|planned to|ready to|fixing to|finna|determined to|"
     "have decided to|i'm going to|im going to)"},
    {"{THINK}",
     "(?:think|thinks|thinking|thinkin|thought|thoughts|considering|consider|considered|"
     "contemplating|contemplate|obsessing|obsessed|fantasi[sz]ing|fantasi[sz]e|dreaming|"
     "imagining|imagine|picturing|picture|visuali[sz]ing|visuali[sz]e|"
     "daydreaming|daydream|ideation|ideations|idea|ideas)(?: about| of| abt| bout)?"},
    {"{SELFKILL}",
     "(?:{KILL}(?:ing|in)? {MYSELF}|end(?:ing)? (?:my (?:own )?life|it all|it|things|everything|"
     "my suffering|this life)|tak(?:e|ing) my (?:own )?life|commit(?:ting)? {SUICIDE}|"
     "{SUICIDE}|suiciding|off(?:ing)? myself|do myself in|top myself|topping myself|"
     "finish(?:ing)? (?:myself|my life|my self)|unalive myself|unaliving myself)"},
    {"{PILLS}",
     "(?:pills|pill|tablets|meds|medication|medications|medicine|tylenol|paracetamol|"
     "acetaminophen|ibuprofen|advil|aspirin|xanax|sleeping pills|antidepressants|painkillers|"
     "pain killers|insulin|opioids|oxy|oxys|oxycodone|benzos|lithium|sertraline|prozac|"
     "zoloft|seroquel|melatonin|benadryl|nyquil|fentanyl|heroin|morphine|codeine|tramadol|"
     "diazepam|valium|amitriptyline|propranolol|citalopram|fluoxetine|quetiapine|ambien|"
     "zopiclone|co-codamol|naproxen|sleeping tablets|sleeping meds|antidepressant|"
     "prescription|pain meds|endone)"},
    {"{MEANS}",
     "(?:rope|ropes|noose|gun|guns|glock|pistol|rifle|shotgun|handgun|revolver|firearm|bullets|"
     "ammo|razor|razors|razor blades?|blades?|knife|knives|bottle of \\w+|charcoal|hose|helium|"
     "exit bag|poison|rat poison|bleach|belt|ligature|{PILLS})"},
    {"{COUNT}",
     "(?:\\d+|all|all of|all my|all the|all of my|the whole|a whole|the entire|an entire|"
     "a bunch of|a handful of|handfuls of|a lot of|lots of|too many|way too many|loads of|"
     "a load of|a whole load of|a heap of|heaps of|a pile of|a fistful of|a stack of|"
     "a packet of|a whole packet of|a box of|a whole box of|a strip of|the rest of my|"
     "a full|a ton of|tons of|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|"
     "twenty|thirty|forty|fifty|sixty|hundred|a hundred|like \\d+|about \\d+|around \\d+|"
     "over \\d+|maybe \\d+|almost \\d+|more than \\d+|every|everything in|whatever)"},
    {"{BIGCOUNT}",
     "(?:[1-9]\\d+|all|all of|all my|all the|all of my|the whole|a whole|the entire|an entire|"
     "a bunch of|a handful of|handfuls of|a lot of|lots of|too many|way too many|loads of|"
     "a load of|a whole load of|a heap of|heaps of|a pile of|a fistful of|a stack of|"
     "a packet of|a whole packet of|a box of|a whole box of|a strip of|the rest of my|"
     "a full|a ton of|tons of|ten|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|"
     "a hundred|like [1-9]\\d+|about [1-9]\\d+|around [1-9]\\d+|over [1-9]\\d+|"
     "maybe [1-9]\\d+|almost [1-9]\\d+|more than [1-9]\\d+|every|everything in|"
     "whatever was in)"},
    {"{KIN}",
     "(?:friend|friends|bff|best friend|bestie|brother|sister|bro|sis|mom|mum|mother|dad|"
     "father|son|daughter|kid|child|cousin|aunt|uncle|grandma|grandpa|girlfriend|boyfriend|"
     "wife|husband|partner|ex|roommate|classmate|coworker|colleague|stepdad|stepmom|"
     "niece|nephew|student|neighbour|neighbor)"},
    {"{PLACE}",
     "(?:bridge|building|roof|rooftop|balcony|cliff|ledge|window|overpass|tower|"
     "parking garage|car park|train|bus|truck|car|traffic|tracks|train tracks|subway|highway|"
     "motorway|freeway|road)"},
    {"{END}", "(?: (?:\\.|!|\\?|;|,|lol|anymore|any more|no more|forever)|$)"},
};

constexpr PatternDef kPatterns[] = {
    // ---- Passive death wish (low) -------------------------------------------------------
    {Kind::kPassive, kFirst, "passive_wish",
     "\\bwish(?:ed|ing)? (?:that )?(?:i|i'd) (?:was|were|had been|'d been|could be|were just|"
     "was just|had never been|could have been) (?:dead|never born|gone|not alive|not born|"
     "not here|not around|never here|in a coma)"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\b(?:wish|wished|wishing|hope|hoping|pray|praying|want|wanted) (?:that )?i "
     "(?:\\w+ ){0,2}(?:never|not|don't|wouldn't|won't|didn't|do not|would not) "
     "(?:\\w+ )?wake up"},
    {Kind::kPassive, kHyper, "passive_wish",
     "\\b(?:sleep|asleep|slept|sleeping|close my eyes) (?:and )?(?:forever|for ever|"
     "never wake up|not wake up|and never wake|and not wake|and never open them)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:fall|go|going) (?:to sleep|asleep) (?:and )?(?:not|never) wake up"},
    {Kind::kPassive, kNoNeg, "passive_wish",
     "\\b(?:don't|do not|dont|doesn't|does not|didn't|no longer|never) (?:really |even )?"
     "(?:want|wanna|wish|feel like|care) (?:to )?(?:be here|live|be alive|exist|be around|"
     "be on this earth|be in this world|keep living|go on living|keep existing|wake up)"
     "(?:{END}| again| ever again| tomorrow| in the morning| either| too)"},
    {Kind::kPassive, kNoNeg, "passive_wish",
     "\\b(?:don't|do not|dont|doesn't|does not|didn't|no longer) (?:really |even )?"
     "(?:want|wanna) (?:to )?(?:live|be alive|exist|be here|go on|keep going) "
     "(?:like this|anymore|any longer|another day|in this world|on this earth|"
     "after this|much longer)"},
    {Kind::kPassive, kNoNeg | kFirst, "passive_wish",
     "\\b(?:don't|do not) (?:think|know if|know whether) i (?:want|wanna|can) (?:to )?"
     "(?:live|be alive|exist|be here|go on|keep going|keep living)"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\bnot sure (?:if )?i (?:want|wanna) (?:to )?(?:live|be alive|be here|exist|go on)"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:tired|sick|exhausted|weary) (?:of|from) (?:living|life|being alive|existing|waking up|"
     "being here|everything|it all|trying|fighting|pretending|being me|being myself|"
     "this life|my life|breathing|surviving)"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:what's|whats|what is|whats's) (?:even |the |really )*(?:the )?point"
     "(?: (?:of|in) (?:living|life|anything|it all|being alive|going on|trying|any of it|"
     "existing|waking up|my life|continuing|being here)\\b| (?:\\.|!|\\?|,|;|anymore|anyway|"
     "honestly|to be honest|lol|though|tho|anyways|really|seriously|even)|$)"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\bwhy (?:am i|i'm|i am|do i|should i|would i|even) (?:even |still |here |keep )*"
     "(?:alive|living|exist|existing|bother living|bothering|keep going|keep living|"
     "still here|here|breathing|trying)"},
    {Kind::kPassive, kHyper, "passive_wish",
     "\\b(?:better off dead|rather be dead|rather die|'d rather die|be better dead|"
     "better off not existing|better off not being here)"},
    {Kind::kPassive, kHyper, "passive_wish",
     "\\b(?:{DESIRE} {TO}|wish i could |wish i would |wish i can |wish i did |wish i'd |"
     "wish i could just |wish i would just )(?:{ADV})(?:disappear|vanish|not exist|stop "
     "existing|cease to exist|"
     "cease existing|not be here|not be alive|be gone|fade away|fade out|not wake up|"
     "never wake up|stop breathing|sleep forever|go to sleep forever|not be born|"
     "be erased|evaporate|rot)\\b"},
    {Kind::kPassive, kHyper, "passive_wish", "\\b(?:feel|feeling|felt|feels) like dying\\b"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\b(?:don't|do not|dont|couldn't|could not) care (?:if|whether|what happens|about) "
     "(?:i |to me|me )?(?:live|die|wake up|make it|living|dying|happens to me|to me)"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\b(?:wouldn't|would not|won't|will not|don't|do not) mind (?:if i (?:died|was dead|"
     "were dead|didn't wake up|got hit|never woke up)|dying|being dead|not waking up)"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\bif i (?:just )?(?:died|were to die|was to die|didn't wake up|never woke up|"
     "got hit by|dropped dead|disappeared|vanished)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:hope|hoping|wish|pray|praying) (?:i |that i |something |someone |a car |"
     "a bus |the plane )(?:\\w+ ){0,4}(?:kills me|kill me|hit by|crash|dies|die\\b|"
     "takes me out|take me out|end me|ends me|finishes me)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:get|got|getting) hit by a (?:car|bus|truck|train) (?:and die|and not survive|"
     "so i|would be|honestly|tbh|(?:\\.|,|$))"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\b(?:so|wish) (?:that )?i (?:could|can|would|'d) (?:just )?die\\b"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:life|living|my life|existence|it) (?:isn't|is not|ain't|not|is no longer|"
     "isn't even) worth (?:living|it anymore|anything)"},
    {Kind::kPassive, 0, "passive_wish", "\\bnot worth living\\b"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\bif i (?:just )?(?:wasn't|weren't|was not|were not) (?:around|here|alive|"
     "in the picture|born)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b{THINK} (?:dying|death|being dead|not existing|not being here|my death)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\bwish (?:something|someone) would (?:just )?(?:take me out|kill me|happen to me|"
     "end me)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:want|wanna|wish) (?:it|everything|this|the pain|life) (?:all )?to (?:end|stop|"
     "be over) (?:forever|permanently|for good)"},
    {Kind::kPassive, 0, "passive_wish", "\\blike permanently\\b"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:hope|hoping|wish|pray|praying) (?:that )?(?:i |i'll |something )?(?:get|gets|got|am|"
     "die|end up|'m) (?:into|in|hit by|killed in) (?:an? |the )?(?:accident|car accident|crash|"
     "car crash|plane crash)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:want|wanna|wish i could|just want|need|long) (?:to )?(?:be with|join|see) (?:my )?"
     "(?:\\w+ ){0,2}(?:in heaven|again in heaven|on the other side|up there)\\b|"
     "\\bjoin (?:him|her|them|my \\w+) (?:in heaven|on the other side)\\b"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:want|wanna|need|wish) (?:it|everything|it all|everything|all of it) (?:all )?to "
     "(?:stop|end|be over)(?:{END}| for good| permanently| already)"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\b(?:i'm|im|i am) (?:just )?(?:waiting|ready) (?:to die|for death|for it to end|"
     "for it all to end)"},
    // ---- Hopelessness and burden (low) ---------------------------------------------------
    {Kind::kHopeless, kNoNeg | kHyper, "hopelessness",
     "\\b(?:can't|cant|cannot|can not|couldn't) (?:do this|take (?:it|this)|go on|"
     "keep (?:going|doing this|living like this|fighting|this up|living)|live like this|"
     "handle (?:this|it|life)|cope|deal with (?:this|it|life)|bear (?:it|this)|"
     "survive this|last much longer|hold on)(?: (?:anymore|any more|no more|much longer|"
     "like this|any longer|forever)|{END})"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:no|zero|lost all|lost|losing|don't have any|have no|there's no|there is no|"
     "without any|no more) (?:hope|reason to live|reason to keep going|reason to go on|"
     "reason to stay|reasons to live|reason to be alive|way out|light at the end|"
     "will to live|point in living|point in life|point in anything|point in trying|"
     "point anymore|point to anything|point to life|future for me|future)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\bno (?:reason|point) (?:for me )?(?:to|in) (?:keep going|go on|continue|keep living|"
     "living|anything|trying|life|being alive|wake up|be alive|live|exist|stay|be here)"},
    {Kind::kHopeless, kFirst, "hopelessness",
     "\\b(?:don't|can't|do not|cannot|cant) see (?:a|any|my|another|any other|the) (?:future|way "
     "out|"
     "point|reason|light|way forward|tomorrow|way|option|choice)"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:i'm|im|i am|i feel|feel|feeling|i felt|i've become|i'm just|being|i feel like|"
     "feel like|like) (?:so |such |completely |totally |really |just |utterly |fucking |very |"
     "absolutely |nothing but |only )*(?:(?:low|sad|down|lonely|alone|lost|tired|depressed|"
     "drained|exhausted|empty|numb|scared) (?:and|&) )?(?:hopeless|worthless|a failure|a waste of "
     "(?:space|oxygen|air|life|skin)|empty inside|dead inside|numb inside|trapped|"
     "unlovable|a disappointment|broken beyond|beyond help|beyond repair|a lost cause|"
     "empty|numb|pointless)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:nothing|it|things|life) (?:will|is going to|gonna|'ll) (?:ever |never )?"
     "(?:get better|change|improve|be okay|be ok|be better)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:never|won't ever|will never|not ever|can't ever|ever) (?:get|be|feel) "
     "(?:better|okay|ok|normal|happy|any better)(?: again)?\\b"},
    {Kind::kHopeless, kFirst, "hopelessness",
     "\\bi (?:give up|gave up|have given up|'ve given up|am giving up|'m giving up)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:giving|given|gave) up on (?:everything|life|myself|living|it all|the future|"
     "getting better|ever being happy)\\b"},
    {Kind::kHopeless, kFirst | kHyper, "hopelessness",
     "\\b(?:i'm|im|i am) (?:so |just |literally |fucking |completely |honestly |really )*"
     "done(?: with (?:everything|life|it all|living|this life|this world|myself|trying|"
     "all of this|all of it|this shit|everyone|being alive|existing)| fighting| trying| "
     "pretending| living)?(?: (?:\\.|!|;)|$)"},
    {Kind::kHopeless, kFirst | kHyper, "hopelessness",
     "\\bi (?:hate|despise|loathe) (?:my life|myself|being alive|existing|living|"
     "my existence|everything about myself|who i am)\\b"},
    {Kind::kHopeless, 0, "hopelessness", "\\bnothing (?:matters|even matters)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\bmy life is (?:over|meaningless|pointless|worthless|a waste|not worth it|hell)\\b"},
    {Kind::kHopeless, 0, "hopelessness", "\\b(?:i've|ive|i have) lost all hope\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:on|at) my (?:last straw|breaking point|wits end|wit's end|limit)\\b"},
    {Kind::kHopeless, 0, "hopelessness", "\\bend of my rope\\b"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:better|happier|easier|fine|okay|ok|better place|lighter|freer) (?:off )?"
     "(?:without me|if i (?:was|were|wasn't|weren't|died|disappeared|left|didn't exist|"
     "never existed|just died|just disappeared|was gone|were gone|wasn't here|"
     "wasn't around|was dead|were dead|was not here|killed myself))"},
    {Kind::kBurden, kFirst, "burden",
     "\\b(?:i'm|im|i am|i feel like|feel like|i feel|being|i've become|ive become|"
     "i'm just|i'm only) (?:such |a |just |only |nothing but |so much of |always )*"
     "(?:a )?burden"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:no one|nobody|noone|no-one|not one person|not a single person|nobody else) "
     "(?:would|will|'d|even|would even|will even|would ever|is going to|gonna|would really) "
     "(?:\\w+ ){0,2}(?:notice|care|miss me|miss)(?: if i| when i| that i| me| anyway|"
     " at all| (?:\\.|!|,|\\?)|$)"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:the world|world|anyone|everyone|everybody|nobody|no one|noone|my family|they) "
     "(?:really |even )?(?:doesn't|does not|don't|do not|wouldn't|won't)? ?(?:need|needs|want|"
     "wants|care about|cares about) me(?: (?:anymore|around|here|at all)|{END})"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:just |only )?(?:taking up space|wasting (?:space|oxygen|air)|a waste of (?:space|"
     "oxygen|air))\\b"},
    {Kind::kPassive, kFirst, "passive_wish",
     "\\bwish i could (?:just )?(?:go to sleep|sleep|fall asleep) (?:for (?:a )?(?:really |very )?"
     "long time|and not deal|and never|until it's over)"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:want|wanna|wish i could|need) (?:to )?(?:just )?(?:stop feeling|not feel|feel nothing)"
     "(?: (?:anything|everything|at all)|{END})"},
    {Kind::kBurden, 0, "burden", "\\b(?:would|will) anyone (?:even )?(?:notice|care|miss me)"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:if|when|once|after) i(?:'m| am| was| were|m) (?:gone|dead|not here|not around|"
     "no longer here|no longer around)\\b"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:regret|regrets|regretted) (?:ever )?(?:having me|i was born|giving birth to me)"},
    {Kind::kBurden, 0, "burden",
     "\\b(?:everyone|everybody|they|my family|people) (?:\\w+ ){0,2}(?:hate|hates) me "
     "and (?:would|wants|want)"},
    // ---- Active ideation (moderate) ------------------------------------------------------
    {Kind::kActive, kHyper | kAct, "active_ideation",
     "\\b{DESIRE} {TO}{ADV}(?:{DIE}|{SELFKILL}|be dead|kill me|not be alive anymore|"
     "stop living|end it now)\\b"},
    {Kind::kActive, kHyper | kAct, "active_ideation",
     "\\b(?:want|wanna|wants|need|wish|ready|tempted) {TO}{ADV}kill(?: (?:\\.|!|\\?|,|;|so bad|"
     "right now|lol|now|to be honest|honestly|already)|$)"},
    {Kind::kActive, kHyper | kAct, "active_ideation",
     "\\b(?:want|wanna|wants|wanted|wna|wnna|wnt|wan) (?:to |2 )?(?:just )?die\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b{THINK} {ADV}(?:killing myself|kill myself|suicide|suiciding|ending (?:it|my life|"
     "things|everything|it all|my own life)|taking my (?:own )?life|offing myself|"
     "committing suicide|ending myself|self-termination|doing it|not being alive|"
     "unaliving myself|my own death|my suicide|jumping(?: off)?|how to make it happen|"
     "how (?:to|i would|i'd|i could|"
     "i'll|i will|i'm going to|i can|i might) (?:end it|do it|kill myself|die|end my life|"
     "end things))"},
    {Kind::kActive, kFirst | kHyper | kAct, "active_ideation",
     "\\b{KILL}(?:ing|in|ed)? {MYSELF}\\b"},
    {Kind::kActive, kFirst | kHyper | kAct, "active_ideation",
     "\\b(?:off|offing|top|topping|end|ending|do|doing) myself(?: in)?\\b"},
    {Kind::kActive, kAct, "active_ideation", "\\b(?:end|ending|take|taking) my (?:own )?life\\b"},
    {Kind::kActive, kAct, "active_ideation", "\\bcommit(?:ting)? suicide\\b"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:should|must|gotta|got to) (?:just )?(?:end it|end it all|die|"
     "end everything|end things|kill myself)\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:suicide|death|dying|killing myself|ending it) (?:is|seems|feels|looks) "
     "(?:like )?(?:the|my) (?:only|best|last|easiest|one) (?:way|option|choice|answer|"
     "solution|way out|escape)"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:death|dying|being dead|not existing|suicide) (?:sounds|seems|feels|would be|is) "
     "(?:really |so |very |kind of |kinda )?(?:nice|peaceful|good|better|easier|"
     "like a relief|like relief|appealing|comforting|tempting|inviting|like the answer|"
     "like an escape|like freedom)"},
    {Kind::kActive, 0, "active_ideation",
     "\\ball i (?:can |ever )?(?:think|thinks) (?:about|of) is (?:dying|death|killing myself|"
     "ending it|suicide|ending my life|not being here)"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:feel|feeling|felt) like (?:ending (?:it|my life|it all|everything)|"
     "killing myself|suicide|committing suicide)"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:urge|urges|impulse|impulses) to (?:die|kill myself|end it|end my life|"
     "commit suicide)"},
    {Kind::kMention, kTopicSensitive, "active_ideation", "\\b{SUICIDAL}\\b"},
    {Kind::kMention, kTopicSensitive, "active_ideation", "\\b{SUICIDE}\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:use|using) (?:it|them|that|the gun|a gun|his gun|the rope|the knife) "
     "on myself\\b"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:voices?|my brain|my head|my mind|my thoughts) (?:\\w+ ){0,2}(?:tell|tells|telling|"
     "told) me to (?:die|kill myself|end it|hurt myself|jump)"},
    {Kind::kActive, kHyper | kAct, "active_ideation",
     "\\b(?:end|ending) it(?: all)?(?: (?:all|now|tonight|today|soon|already|for good|once and "
     "for all|forever)|{END})"},
    {Kind::kActive, kHyper, "active_ideation",
     "\\b(?:hard|easy|easier|nice|better|best|peaceful|okay|fine|quicker|simpler) to "
     "(?:just |simply )?(?:die|not exist|be dead|end it)\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:nothing|no one|nobody|noone|no reason|nothing left|not much|nothing and no one|"
     "no one and nothing) (?:left )?to live for\\b"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:don't|can't|do not|cannot|never) (?:see|imagine|picture) myself (?:living|being "
     "alive|alive|making it|surviving|getting|being here) (?:past|to|until|much longer|another|"
     "beyond|for)|\\b(?:won't|will not|not going to) (?:make it|live) (?:to|past|until) "
     "(?:\\d+|thirty|forty|twenty|my birthday|next year|christmas)"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:don't have|need|lack|wish i had|if i had|get|got|find|found|work up) the "
     "(?:courage|guts|balls|nerve) to (?:do it|end it|kill myself|die|go through with it|"
     "end my life)"},
    {Kind::kActive, kNoNeg, "active_ideation",
     "\\b(?:don't|do not|dont|can't|cannot) (?:feel safe|trust myself)(?: (?:with|around|by) "
     "myself| alone| tonight| right now| anymore| at all|{END})"},
    {Kind::kActive, kNoNeg | kFirst, "active_ideation",
     "\\b(?:i'm|im|i am|i feel) (?:not|no longer) safe(?: (?:with|around|from) myself| tonight| "
     "right now| at home| alone|{END})|\\b(?:a|such a) danger to myself\\b"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:scared|afraid|worried|terrified|frightened) (?:that )?i(?:'ll| will| might| am "
     "going to|'m going to| may| could| would)? (?:\\w+ )?(?:do something (?:stupid|dumb|bad|"
     "drastic|i can't take back|permanent)|hurt myself|kill myself|act on (?:it|them|my "
     "thoughts)|end it|not make it through the night)"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\bwhy (?:can't|cant|won't|can not|cannot|couldn't) i (?:just )?(?:die|be dead|disappear|"
     "stop existing|not exist|end it)\\b"},
    {Kind::kActive, kFirst | kHyper, "active_ideation",
     "\\bi (?:deserve|should|need) to (?:die|be dead|suffer and die)\\b"},
    {Kind::kBurden, kFirst | kNoNeg, "burden",
     "\\bi (?:don't|do not|dont) deserve to (?:live|be alive|exist|be here|be happy|breathe)\\b"},
    {Kind::kResearch, 0, "method",
     "\\b(?:is|are|would|will) (?:\\d+|twenty|thirty|fifty|a hundred) (?:\\w+ )?{PILLS} "
     "(?:be )?(?:enough|lethal|fatal|a lethal dose|an overdose)\\b|\\bhow long (?:does it|would it|"
     "will it|it|it'd|it would) (?:take|takes) to (?:bleed out|die|suffocate|drown|overdose)\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:part of me|half of me) (?:wants|wanted) (?:to )?(?:die|end it|disappear)"},
    // "anyone else constantly want to end themselves? just me?": asking whether others share it
    // is saying it of oneself.
    {Kind::kActive, kFirst | kHyper, "active_ideation",
     "\\b(?:anyone|anybody) else (?:\\w+ ){0,3}(?:{DESIRE}|{THINK}|constantly|always|secretly) "
     "(?:\\w+ ){0,2}(?:(?:kill|killing|unalive|unaliving|end|ending|off|offing) (?:themselves|"
     "themself|their life|their lives|it all)|(?:to )?(?:{DIE}|not exist|not wake up))\\b"},
    {Kind::kActive, kFirst | kAfterADeath, "active_ideation",
     "\\b(?:i|i'm|im|i've|ive|i'd|i'll|me|myself) (?:\\w+ ){0,4}(?:(?:{DESIRE}|{THINK}|{INTENT}|"
     "started thinking|keep thinking|could|should|just) )?(?:to |of |about )?(?:doing the same|"
     "do the same|do what (?:he|she|they) did|follow(?:ing)? (?:him|her|them)|join(?:ing)? "
     "(?:him|her|them)|be(?:ing)? with (?:him|her|them) again)\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:i'm|im|i am) (?:so )?(?:ready|prepared) to (?:go(?:{END}| (?:now|soon|whenever|when|"
     "home to|to (?:heaven|god|be with|sleep forever))\\b)|(?:leave this world|leave this "
     "earth)\\b)"},
    // ---- Self-harm -----------------------------------------------------------------------
    {Kind::kShUrge, kSelfHarmCat | kHyper, "self_harm_urge",
     "\\b(?:{DESIRE}|urge|urges|feel like|feeling like|felt like|{THINK}|crave|craving|"
     "itching) (?:to )?{ADV}(?:cut|cutting|self-harm|self harm|self-harming|sh|"
     "hurt myself|hurting myself|harm myself|harming myself|burn myself|burning myself|"
     "punish myself|punishing myself|bleed|bleeding|cut myself|"
     "cutting myself|scratch myself|hit myself|hitting myself|starve myself)"
     "(?: myself| again| (?:so )?(?:bad|badly|deep|deeper)| my (?:wrists?|arms?|thighs?|"
     "legs?|skin|stomach|hips?|body)| tonight| today| rn| right now| so bad| so much"
     "| (?:i|i'm|im|but|because|cause)\\b|{END})"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:urge|urges|impulse|impulses|craving|cravings) (?:to |for )?(?:cut|self-harm|sh|"
     "hurt myself|harm myself|burn|cutting|bleed|self harm)"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:feel|feeling|miss|missing) the (?:blade|razor|pain of cutting)"},
    // Keeping busy so as not to do "things that can harm me": the urge, in other words.
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:stop|keep|prevent|distract) (?:me|myself) (?:busy )?(?:from )?(?:doing )?(?:other |the "
     ")?(?:things|stuff|something|anything) (?:that |which )?(?:can |could |might |would |will "
     "|may "
     ")?(?:harm|hurt) me\\b"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\bso (?:that )?i (?:don't|dont|do not|won't|wont|will not) do (?:other |the "
     ")?(?:things|stuff|"
     "something|anything) (?:that |which )?(?:can |could |might |would |will |may )?(?:harm|hurt) "
     "me\\b"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:carve|carving|carved|cut|cutting|scratch|scratching|dig|digging) (?:into|in|at) my "
     "(?:skin|arms?|wrists?|thighs?|legs?|stomach|flesh)\\b"},
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm_act",
     "\\b(?:cut|cutting|cuttin|burned|burnt|burning|burn|hit|hitting|scratch|scratching|"
     "scratched|starve|starving|starved|punch|punched|punching|bruise|bruised|bruising|"
     "hurt|hurting|harmed|harming|harm|carved|carving|carve|stabbed|stab|stabbing|"
     "choked|choking|strangled|poisoned|bit|bite|biting|pinch|pinching|slap|slapping|"
     "slapped) (?:on )?myself\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:cut|cutting|cuttin|slice|sliced|slicing|carved|carving|scratched|scratching|"
     "burned|burning|burnt) (?:my |on my |both )?(?:wrists?|arms?|thighs?|legs?|stomach|"
     "hips?|skin|body|forearms?|ankles?)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:been |started |start |starting |began |keep |kept |i )?(?:cutting|cut|burning|"
     "self-harming|self harming|hurting myself|sh) again\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:relapsed|relapse|relapsing) (?:and cut|and hurt|with self-harm|on self-harm|"
     "on cutting|into cutting|and self-harmed|and burned)"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:self-harm|self harm|sh|cutting) relapse\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:and|i|then|just) cut (?:yesterday|today|tonight|last night|again|this morning|"
     "deep|deeper|earlier)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\buntil (?:my \\w+ |it |they |i |the skin )?(?:bleed|bled|bleeds|bruise|bruised|"
     "bruises|blister|break)"},
    {Kind::kMention, kSelfHarmCat | kTopicSensitive, "self_harm_act",
     "\\bself(?:-| )?harm(?:s|ed|ing)?\\b|\\bs / h\\b|\\bself(?:-| )?injur(?:y|e|ing|ed)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\bused to (?:cut|self-harm|self harm|sh|burn myself|hurt myself|hit myself|"
     "starve myself|scratch|cut myself)\\b"},
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm_act",
     "\\bi (?:cut|self-harmed|self harmed)(?: (?:when|as|in|for|again|yesterday|today|last|"
     "this|every|a lot|too|so|deep|daily)|{END})"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:slam|slammed|slamming|bang|banged|banging|hit|hitting|punch|punching|punched|smash|"
     "smashed|smashing) my (?:head|fists?|hands?) (?:against|into|on) (?:the |a )?(?:wall|walls|"
     "floor|door|desk|mirror)"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\bcut (?:for the first time|for the \\w+ time|again)\\b|\\b(?:picking|picked|pick|"
     "peeling|pulling|pulled) (?:at )?(?:my )?(?:skin|hair|scabs)(?: \\w+){0,2} (?:until|till) "
     "(?:it|they|i) (?:bleed|bleeds|bled|hurt|hurts)"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:been|keep|kept|started|start|starting|begin|began|still|usually|always|often) "
     "(?:cutting|self-harming|self harming|burning myself)(?: (?:every|each|again|myself|my|"
     "daily|a lot|more|deeper|since|for|at)\\b| (?:when|whenever|if|every time) (?:i|i'm|im) "
     "(?:get|feel|am|start|can't|cant|have)\\b|{END})"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:fresh|new|deep|open) (?:cuts|cut|wounds|burns|scratches)\\b|\\bcuts on my "
     "(?:arms?|wrists?|thighs?|legs?|stomach|hips?|body)\\b"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:urges?|cravings?) (?:are|is|came|have come|keep coming|coming) back\\b"},
    // Self-harm described in the words people use beside "i'm not suicidal" (2026-12-05, from
    // the training batches' misses): hitting oneself with "my own", harm done "to cope", a
    // lighter or cigarette, words carved into the skin, the chest.
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:punch|punched|punches|punching|hit|hits|hitting|smack|smacked|smacking|slap|slapped|"
     "slapping|bite|bit|biting|scratch|scratched|scratching|claw|clawed|clawing|bang|banged|"
     "banging)(?: walls?| the wall| things| stuff)?(?: and)? my own (?:\\w+ "
     ")?(?:head|face|legs?|arms?|thighs?|stomach|body|skin|hands?|wrists?|"
     "chest)\\b|\\b(?:punch|punched|punching|punches|smack|smacked|smacking) (?:myself (?:in "
     ")?(?:my|the)|my) (?:head|face|legs?|thighs?|stomach)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:cut|cuts|cutting|cuttin|carve|carved|carving|sliced|slicing|scratch|scratched|"
     "scratching|burn|burned|burnt|burning) (?:into |on |at )?my (?:chest|ribs|shoulders?|"
     "calf|calves|belly|upper arms?|inner arms?|wrists)\\b|\\b(?:carve|carved|carving|"
     "etched|etching|scratched|scratching) (?:\\w+ ){1,3}(?:into|in|on) my (?:skin|arms?|wrists?|"
     "thighs?|legs?|stomach|chest|hands?)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:cut|cuts|cutting|self-harm|self harm|self-harming|self harming|sh|burn myself|"
     "burning myself|hurt myself|hurting myself|hit myself|hitting myself) (?:just )?(?:to|so i "
     "can) (?:cope|feel (?:something|better|calm|real|in control)|calm down|numb|punish myself|"
     "get through|deal|survive|stop the (?:thoughts|noise|pain))\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\bcut (?:a bit |a little |a lot |way |much |too |so |really )?(?:deeper|too deep)\\b|"
     "\\b(?:pencil )?sharpener blades?\\b"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:that's|that is|thats|that'd be|that would be|it's|its) (?:my|my only|the only) (?:way "
     "out|exit|escape)(?: \\.| !|$| ,| and| now| for me)"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:cut|burned|burnt|burn|burning|scalded|scratched|hit|punched|bit|smashed|stabbed) "
     "(?:my|myself)(?: \\w+){0,5} (?:on purpose|deliberately|intentionally|purposely)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:burn|burned|burnt|burning) (?:my |myself |on my )?(?:\\w+ ){0,2}(?:with|on) (?:a |the |"
     "my )?(?:lighter|cigarettes?|cig|fag|match|matches|lit match)\\b"},
    {Kind::kShPast, kSelfHarmCat | kNoNeg, "past_self_harm",
     "\\b(?:haven't|have not|hasn't|havent|didn't) (?:cut|self-harmed|self harmed|hurt myself|"
     "harmed myself|relapsed|burned myself|sh'd)(?: in| for| since)"},
    {Kind::kShPast, kSelfHarmCat, "past_self_harm",
     "\\b(?:\\d+|a|one|two|three|six) (?:days?|weeks?|months?|years?) (?:clean|free) "
     "(?:from|of) (?:self-harm|self harm|cutting|sh)"},
    {Kind::kShPast, kSelfHarmCat, "past_self_harm",
     "\\b(?:self-harm|self harm|cutting) (?:scars|free)\\b"},
    // ---- Attempts ------------------------------------------------------------------------
    {Kind::kAttempt, kTopicSensitive, "attempt",
     "\\b(?:tried|try|attempted|attempting|tryed) (?:to )?(?:kill myself|suicide|end my life|"
     "take my (?:own )?life|end it|overdose|hang myself|od|commit suicide)"},
    {Kind::kAttempt, kTopicSensitive, "attempt", "\\b(?:suicide|suicidal) attempts?\\b"},
    {Kind::kAttempt, kFirst, "attempt",
     "\\bmy (?:last |first |second |third |previous |most recent )?attempt\\b"},
    {Kind::kAttempt, 0, "attempt",
     "\\b(?:made|make|had|survived) (?:an|a|another|one|two|my) (?:suicide )?attempts?"
     "(?: (?:when|in|last|years|on my|a few|at \\d+|at age|before|after|and|but)|{END})|"
     "\\battempt on my (?:own )?life\\b"},
    {Kind::kAttempt, 0, "attempt", "\\b(?:i |i've |ive )attempted\\b"},
    // ---- Methods, intent, plans ----------------------------------------------------------
    {Kind::kMethod, kFirst | kAct, "method", "\\b(?:hang|hanging|hung|hangin) myself\\b"},
    {Kind::kMethod, kFirst | kAct, "method", "\\b(?:shoot|shooting|shot) myself\\b"},
    {Kind::kMethod, kFirst | kAct, "method",
     "\\b(?:drown|drowning|gas|gassing|suffocate|suffocating|poison|poisoning|electrocute|"
     "electrocuting|stab|stabbing) myself\\b|\\bset(?:ting)? myself on fire\\b|"
     "\\bthrow(?:ing)? myself (?:off|in front of|under|onto|from)\\b"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:slit|slitting|slice|slicing|slash|slashing|cut|cutting|open) (?:my|both|open my) "
     "(?:wrists?|throat|veins|arteries)"},
    {Kind::kMethod, kAct, "method", "\\b(?:overdose|overdosing|od|oding|od'ing)(?: on| with)?\\b"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:jump|jumping|leap|leaping|throw myself|throwing myself|fall|falling) "
     "(?:off|from|in front of|into|onto|out of|under|before) (?:a |the |my |this |that |"
     "our |his |her |an |some )?(?:\\w+ )?{PLACE}"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:step|stepping|walk|walking|lie|lying|lay|laying|run|running) "
     "(?:out )?(?:in front of|into|onto|under) (?:a |the |some |oncoming )?(?:\\w+ )?"
     "(?:train|bus|traffic|truck|lorry|tracks|road|highway|car|cars|subway)"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:drive|driving|drove|crash|crashing|swerve|swerving|steer|steering) "
     "(?:my car |the car |myself |it )?(?:into|off|in front of|over) (?:a |the |an |some )?"
     "(?:tree|wall|bridge|road|cliff|truck|lorry|oncoming|pole|lake|river|barrier|"
     "edge|highway|overpass|traffic)"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:take|taking|swallow|swallowing|down|downing|chug|chugging) {COUNT} "
     "(?:\\w+ ){0,3}{PILLS}"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:take|taking|swallow|swallowing) (?:the|my|all my|all the) {PILLS} "
     "(?:i've been|i have been|i've|i have|i) (?:saving|saved|stockpiling|collecting|hoarding)"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:drink|drinking|swallow|swallowing) (?:some |the )?(?:bleach|poison|antifreeze|"
     "rat poison|drain cleaner)"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:mix|mixing|combine|combining) (?:them|it|the pills|my pills|pills|my meds|"
     "the meds|{PILLS})(?: with| and)?"},
    {Kind::kMethod, kTopicSensitive, "method", "\\bnooses?\\b"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:walk|walking|swim|swimming|wade|wading|drive|driving) (?:out )?(?:into|in|out into) "
     "(?:the )?(?:ocean|sea|lake|river|water|waves)(?: and (?:not|never) come back)?"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:and )?(?:not|never) (?:come|coming) back\\b|\\b(?:not|never) (?:driving|walking|"
     "going|getting|coming) (?:home|back) (?:this time|again)\\b|\\bthis time i'm not (?:driving|"
     "walking|going|coming) (?:home|back)\\b|\\bthat's it then\\b|\\bthat is it then\\b"},
    // A goodbye the others do not know is one; a death arranged so that nobody has to find it
    // or walk in on it.
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\b(?:it was|it's|it is|that was|this is|this was) (?:the|my) (?:last|final) (?:call|visit|"
     "hug|goodbye|time|dinner|chat|conversation)(?: \\S+){0,8} (?:they|he|she|nobody|no one|none "
     "of them)(?: just)? (?:don't|doesn't|didn't|dont|doesnt|won't) know\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\bso (?:my \\w+|mum|mom|dad|she|he|they|the kids|my family) (?:doesn't|don't|won't|"
     "wouldn't|will not|does not|dont|doesnt|wont) (?:have to )?(?:find me|find my body|be the one "
     "(?:to find|who finds) me|see my body|walk in on (?:anything|it|that|me)|walk into "
     "(?:anything|it|that)|come home to (?:it|that|me like that|the mess|a mess))\\b|\\bso "
     "(?:nobody|no one|noone) (?:has|have) to "
     "(?:find me|find my body|see my body)\\b"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:tie|tied|tying|make|made|making) (?:a|the|my) (?:noose|rope)"},
    {Kind::kMethod, 0, "method", "\\b(?:pull|pulling) the trigger\\b"},
    {Kind::kMethod, kTopicSensitive, "method", "\\blethal dose\\b"},
    {Kind::kIntent, kHyper, "intent", "\\b{INTENT} {ADV}{KILL}(?:ing|in)? {MYSELF}\\b"},
    {Kind::kIntent, kHyper, "intent",
     "\\b{INTENT} {ADV}(?:end(?:ing)? (?:my (?:own )?life|it all|it|things|everything|"
     "my suffering|this life)|tak(?:e|ing) my (?:own )?life|commit(?:ting)? suicide|"
     "off(?:ing)? myself|do myself in|top myself|go through with it|die tonight)\\b"},
    {Kind::kIntent, kHyper, "intent",
     "\\b{INTENT} {ADV}(?:hang myself|overdose|od|shoot myself|drown myself|slit my wrists|"
     "take all (?:my|the|of my) {PILLS}|jump (?:off|from|in front))\\b"},
    {Kind::kIntent, kHyper, "intent",
     "\\b{INTENT} {ADV}jump(?: (?:off|from|in front|now|right "
     "now|tonight|today|soon|again)|{END})"},
    {Kind::kIntent, kHyper | kFirst, "intent",
     "(?:\\b(?:i'm|im|i am|i'll|i will|i) (?:\\w+ )?|^)(?:going to|gonna|about to|ready to|will|"
     "planning to|decided to) (?:\\w+ )?{SUICIDE}\\b"},
    {Kind::kIntent, kFirst, "intent",
     "\\b(?:i'm|im|i am) (?:\\w+ )?(?:ending it|ending my life|killing myself|doing it|"
     "taking my life|jumping|ending things|checking out|going through with it)"
     "(?: (?:tonight|today|tomorrow|this|on|soon|now|right now|after|before|when|next|at|"
     "in)|{END})"},
    {Kind::kIntent, 0, "intent", "\\b(?:do|doing) it (?:this time|for real|finally)\\b"},
    {Kind::kIntent, kSelfHarmCat, "intent",
     "\\b{INTENT} {ADV}(?:cut|hurt myself|self-harm|self harm|burn myself|harm myself|"
     "cut myself)(?: deep| deeper| again| myself| tonight| so|{END})"},
    {Kind::kIntentBare, 0, "intent",
     "\\b{THINK} (?:using|use) (?:it|them|that|those|the gun|a gun|his gun|her gun|the rope|"
     "the pills|them all)\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\b{INTENT} go (?:there|to (?:the|that) (?:bridge|tracks|train tracks|roof|cliff|ledge|river|"
     "lake|ocean|sea|building|overpass))\\b|\\bhow (?:to|i (?:could|would|can|will|'d)) make it "
     "happen\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\b{INTENT} (?:take|swallow|down) (?:them|it|those|these) all\\b|"
     "\\b{INTENT} (?:take|swallow|down) all of (?:them|it|those|these)\\b"},
    {Kind::kIntent, 0, "intent",
     "\\b(?:going to|gonna|will|i'll|about to) use (?:my|the|a|his|her|dad's|mom's|my dad's|"
     "my mom's) (?:\\w+ )?(?:gun|rope|pills|razor|knife|belt|blade|meds|pistol|rifle)"},
    {Kind::kIntentBare, kFirst, "intent",
     "\\b(?:i've|ive|i have|i) (?:already |finally |just )?(?:made up my mind|decided|made my "
     "decision|made the decision)(?: (?:\\.|!|,|;)|$)"},
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:going to|gonna|will|i'll|ready to|about to|want to|need to) (?:finally |actually |"
     "really |just )?(?:do it|go through with it)\\b"},
    {Kind::kDoItNow, 0, "intent", "\\b(?:doing|do) it (?:now|right now|tonight|as we speak)\\b"},
    {Kind::kResearch, 0, "method",
     "\\bhow (?:many|much) (?:\\w+ )?(?:\\w+ )?(?:{PILLS}|mg|milligrams|grams|units|of "
     "(?:my|the|your) "
     "\\w+)(?: \\w+)?(?: \\w+)?(?: \\w+)? (?:to die|to kill (?:myself|you|a person|someone)|to "
     "overdose|to od|"
     "would it take|does it take|would kill|will kill|is lethal|is fatal|to end it|"
     "to not wake up|till i die|until i die|is a lethal|is an overdose|would be lethal|"
     "would be fatal|would be enough|is enough|are enough|to be enough|it would take|"
     "it takes|would do it)"},
    {Kind::kResearch, kAct, "method",
     "\\b(?:painless|easiest|quickest|best|fastest|surest|easy|quick|quiet|peaceful) "
     "(?:way|ways|method|methods) to (?:die|kill myself|end it|commit suicide|end my life|"
     "go|kill yourself|end things)"},
    {Kind::kResearch, kAct, "method",
     "\\b(?:looked up|look up|looking up|researched|researching|googled|googling|searched|"
     "searching|reading about) (?:how to |ways to |methods |how )(?:\\w+ ){0,3}"
     "(?:die|kill myself|overdose|hang|noose|od|suicide|end it|slit|jump)"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:have|got|made|make|making|had|came up with|worked out|figured out) (?:a|the|my) "
     "(?:plan|date|method)\\b"},
    {Kind::kPlan, kAct, "plan",
     "\\bplan (?:to|for how to|on how to|on) (?:{SELFKILL}|die|do it|end it|hang|overdose|"
     "jump)"},
    {Kind::kPlan, kFirst, "plan",
     "\\b(?:i've|ive|i have|i) (?:planned|planned out|worked out|figured out|got it all "
     "figured out|picked|chosen|chose|set) (?:how|when|where|the date|a date|the day|the time|"
     "the place|it all out|it out|everything|my death|my suicide|out how)"},
    {Kind::kPlan, kAct, "plan",
     "\\b(?:planning|planned|plan|plotting|organi[sz]ing|arranging) (?:out )?my (?:suicide|death|"
     "exit|way out|own death|last day)\\b"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:pick|choose|set|decide on|picking|choosing|setting) (?:a|the) (?:day|date|time)\\b"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:it's|its|it is|everything is|everything's) (?:all )?(?:planned|planned out|set|"
     "arranged|figured out|ready|in place|sorted)\\b"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:i'll|i will|going to|gonna) wait (?:until|till|til) (?:after )?(?:christmas|my "
     "birthday|the holidays|new year|after|my \\w+|the \\w+ (?:is|are) (?:over|done))|"
     "\\b(?:planning|planned|writing|drafting|thinking about|imagining) (?:out )?what i'd "
     "(?:say|write) in (?:a|my) (?:suicide |goodbye )?(?:note|letter)"},
    {Kind::kPlan, kFirst, "plan",
     "\\bi (?:already |just )?know (?:exactly |just |already )?(?:how|when|where|what i'm going to "
     "do|what to do)"
     "(?: (?:i'd|i would|i'll|i will|to)\\b|{END})"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:got|have|had) it all (?:figured out|planned|planned out|worked out)"},
    {Kind::kPlan, kFirst, "plan",
     "\\bi know (?:exactly )?(?:how|when|where|what) (?:i'm going to|im going to|i'll|i would|"
     "i'd|i will|i'm gonna|to) (?:do it|do|end it|kill myself|die)"},
    {Kind::kPlan, kAct, "plan",
     "\\b(?:picked|chosen|chose|set) (?:a|the) (?:date|day|time|place|spot) (?:to|for) "
     "(?:do it|end it|die|kill myself|it|my death|my suicide)"},
    {Kind::kPlan, 0, "plan",
     "\\b(?:for when i'm ready|for when i (?:decide|want|need|choose|finally)|when the time comes|"
     "waiting for the right (?:moment|time|day))\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:wrote|written|writing|write|finished|left|leaving|leave|typed|drafted|drafting) "
     "(?:my|a|the|out my|up my) (?:suicide|goodbye|farewell|final|last) "
     "(?:note|notes|letter|letters|message|messages)"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:wrote|written|writing|finished|left) my (?:note|notes|letters)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\bmy (?:suicide|goodbye) (?:note|notes|letter|letters)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:wrote|written|writing) (?:goodbye )?letters to (?:my|everyone|all|each|people|"
     "them|friends|family|the people)"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|"
     "stashing|stashed|storing|stored|building up|gathering|gathered) (?:up )?(?:my |all my |"
     "enough |some |a lot of |lots of |the |those |my \\w+'s |\\w+'s |all of my \\w+'s )?"
     "{PILLS}"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\benough (?:of my )?{PILLS} (?:saved|stored|stashed|to (?:die|kill|end|overdose|od|"
     "do it|not wake))"},
    {Kind::kPrepStrong, kOrdinaryPrep, "preparation",
     "\\b(?:put|putting|getting|got|have|get) (?:all )?my affairs in order\\b"},
    {Kind::kPrepWeak, kOrdinaryPrep, "preparation",
     "\\b(?:wrote|written|writing|made|making|updated|updating|doing|did) (?:a|my) will\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:bought|got|have|buy|buying|ordered|getting) (?:the|everything|what i need|all i "
     "need|the stuff|the things|everything i need|all the stuff|all the things)(?: i need)? "
     "to (?:do it|end it|kill myself|die|end my life)"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\beverything (?:i need|ready|in place|set up|prepared) (?:to |for )?(?:end it|do it|"
     "kill myself|die|end my life|it)"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:said|saying|say) my goodbyes\\b|\\b(?:i've|ive|i have) said my goodbye\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:said|saying|say) (?:my )?(?:goodbye to everyone|goodbye to my|goodbyes to)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:pills|rope|gun|razor|blades?|knife|noose|belt|poison|bleach|pistol|rifle|"
     "tablets|meds) to (?:kill myself|end (?:it|my life|things)|die|commit suicide|"
     "hang myself|do it with|overdose|od)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:bought|buying|buy|got|purchased|ordered) (?:a |the )?(?:gun|rope|noose) "
     "(?:to|for|so i can|so that i can) (?:kill|end|die|hang|do it|myself)"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:pills|rope|gun|noose|razor|razors|blades?|knife|bottle of \\w+|meds|tablets|"
     "pistol|bleach|poison|{PILLS}) (?:is |are )?(?:right )?(?:here with me|right here|here "
     "next to me|next to me|in front of me|in my hand|in my hands|beside me|on my lap|"
     "ready|lined up|counted out|laid out)\\b|\\b(?:the )?rope(?:'s| is) (?:up|tied up|hung up)"
     "(?: \\.| !|$| and| i| just| now)|\\b(?:gun|pistol|shotgun|rifle|revolver|noose)'s (?:in my "
     "hands?|on my lap|next to me|beside me|right here|ready)\\b|\\b(?:the |my "
     ")?(?:gun|pistol|shotgun|revolver)(?:'s| is) loaded\\b"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:rope|noose|belt) (?:is )?(?:tied|ready|up|set up|hung|hanging)\\b"},
    // A ligature fixed to a hanging point (not a tree or a railing: swings, boats, washing).
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:tied|tie|tying|hung|hang|hanging|attached|fixed|secured) (?:a |the |my )?(?:rope|"
     "belt|noose|cord|cable|ligature|scarf|sheet) (?:to|from|around|over|on) (?:the |a |my )?"
     "(?:beam|ceiling|banister|bannister|rafter|rafters|loft hatch|door frame|doorframe|"
     "ceiling hook|light fitting|stair rail|curtain rail)\\b"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:holding|sitting here with|staring at|looking at|counting) (?:the |my |a )?"
     "(?:pills|rope|gun|noose|razor|blade|knife|bottle of pills|{PILLS})\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\b(?:have|has|got|bought|buy|buying|found|keep|keeps|keeping|kept|hid|hidden|hiding|"
     "stashed|grabbed|own|owns|ordered|access to) (?:\\w+ ){0,3}(?:pills|rope|gun|guns|noose|means|"
     "razor|razors|razor blades|blades|blade|knife|knives|bottle of \\w+|meds|tablets|"
     "poison|bleach|pistol|rifle|firearm|shotgun|belt|hose|charcoal|helium|exit bag|{PILLS})\\b"},
    {Kind::kMeans, 0, "means_access", "\\b(?:and|have|got|with|has) the means\\b"},
    {Kind::kMethodNoun, 0, "method",
     "\\b(?:{PILLS}|rope|noose|gun|pistol|rifle|firearm|razor|razors|razor blade|blades?|"
     "knife|bridge|tracks|train tracks|roof|ledge|cliff|balcony|bleach|poison|noose|"
     "overdose|car exhaust|exhaust|wrists?)\\b"},
    {Kind::kTimeframe, 0, "timeframe",
     "\\b(?:tonight|tomorrow|this weekend|this week|next week|this friday|this saturday|"
     "this sunday|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
     "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday) (?:night|morning)|"
     "on my birthday|after (?:my|the) (?:exams?|finals|holidays|christmas|wedding|funeral|"
     "party|birthday|results|court date|shift)|soon|in a few (?:days|hours|weeks|minutes)|"
     "at midnight|when everyone(?:'s| is| goes| has gone| leaves)|"
     "when my (?:parents|family|mom|dad|roommates?) (?:are|is|go|goes|leave|leaves)|"
     "after everyone|before (?:morning|sunrise|dawn|the weekend)|by (?:friday|monday|"
     "tomorrow|the weekend|the end of the week|next week)|this month|before my birthday|"
     "new year's|new years|the weekend|the weekend's|next (?:week|month|friday|saturday|sunday|"
     "monday|tuesday|wednesday|thursday)|(?:friday|saturday|sunday|monday|tuesday|wednesday|"
     "thursday) night|by new year|after the funeral|after my shift|in \\d+ (?:mins?|minutes|"
     "hours?|hrs?)|before my next|after (?:the )?results|this week|at \\d+ ?(?:am|pm))\\b"},
    {Kind::kTimeStrong, 0, "timeframe",
     "\\b(?:tonight's the night|tonight is the night|today is the day|today's the day|"
     "tomorrow is the day|(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday) "
     "is the (?:day|night)|this is the (?:day|night)|the day i (?:die|do it|end it)|"
     "it's time)\\b"},
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\b(?:by the time (?:you|u|anyone|someone) (?:read|reads|see|sees|find|finds) this|"
     "this is my (?:last|final) (?:message|post|text|goodbye|words)|"
     "my (?:last|final) (?:words|goodbye)|goodbye forever|goodbye world|"
     "goodbye cruel world|bye forever|(?:goodnight|good night|farewell) forever|see (?:ya|you|u) "
     "never|this is goodbye|final goodbye|"
     "(?:won't|will not|wont) be (?:here|around|alive) (?:tomorrow|much longer|for long|"
     "anymore|any longer|by (?:tomorrow|morning|the weekend|next week))|"
     "(?:not going to|not gonna|won't) be (?:around|here|alive) (?:much longer|for long|"
     "tomorrow|anymore)|last time (?:you'll|you will|anyone will|you|u|y'all|you all) (?:ever )?"
     "(?:hear|see) (?:from )?me|(?:won't|wont|will not) (?:have to )?(?:hear|see) from me (?:again|"
     "anymore|ever)|(?:(?:you|u|they|everyone) (?:won't|wont|will not)|(?:nobody|no one|noone) "
     "(?:will|is gonna|is going to)|(?:nobody's|no one's|noone's) (?:gonna|going to)?) ?(?:have "
     "to|need to) (?:deal with|worry about|worry abt|worry bout|"
     "look after|put up with) me (?:anymore|any more|much longer|for long|after (?:this|next|"
     "tonight|tomorrow|friday|saturday|sunday|monday|the weekend))|(?:don't|dont|do not) (?:need|"
     "have) to worry (?:about|abt|bout) me (?:after (?:this|next|tonight|tomorrow|the weekend)|"
     "much longer)|see you on the other side|"
     "(?:tell|please tell) my (?:\\w+ ){0,2}(?:i love|that i love|i loved|i'm sorry|"
     "i am sorry)|i won't be a burden (?:anymore|much longer|for long)|"
     "i'm sorry for what i'm about to do|forgive me for what i'm about to do)"},
    {Kind::kFarewellWeak, 0, "farewell", "🪦|⚰"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:goodbye|bye|farewell) (?:everyone|everybody|all|guys|world|y'all|friends)\\b"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:(?:want|wanted|wanna) to (?:say|tell everyone) (?:thank you|thanks|goodbye|sorry)|"
     "i love you all|love you all|thank you (?:all )?for everything|thanks for "
     "everything|i'm sorry for everything|sorry for everything|i'm sorry to everyone|"
     "sorry to everyone|please forgive me|forgive me|take care of (?:my|yourselves|"
     "yourself|mom|dad))\\b"},
    {Kind::kGiving, 0, "giving_away",
     "\\b(?:giving|gave|give|given|gifting|gifted) (?:(?:my |our )?(?:sister|brother|friend|mum|"
     "mom|dad|cousin|nephew|niece|neighbou?r|flatmate|roommate|best friend|bestie) )?(?:away )?"
     "(?:all |most of )?(?:my|all my) (?:\\w+'s "
     ")?(?:stuff|things|belongings|possessions|cat|dog|pets?|guitar|games|bike|jewelry|"
     "jewellery|plants|books|clothes|car|collection|savings|money|art|fish|hamster|bird|"
     "rabbit|switch|console|ps5|xbox|laptop|records|vinyl|ring|necklace|watch|pride flag|teddy|"
     "posters)(?: and (?:my )?(?:\\w+ ){0,2}\\w+)?(?: away| to|{END})"},
    // A departure timed after an event for the family's sake ("after christmas i'm going. i
    // don't want to ruin it for the kids"): two weak signs, each ordinary alone.
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:after|once|when) (?:\\S+ ){1,8}(?:i'm|im|i am|i'll be|ill be) (?:going|gone)(?: for "
     "good)?"
     "(?: \\.| !| ,|$)"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:want|let) (?:her|him|them) (?:to )?have (?:that|this|the) (?:day|christmas|birthday|"
     "wedding|graduation) first\\b"},
    // Giving things away in secret: the recipient is not told why.
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:she|he|they|nobody|no one|noone)(?: \\w+)? (?:doesn't|does not|doesnt|don't|do "
     "not|dont) "
     "know why\\b|\\bwithout (?:her|him|them|anyone) knowing (?:why|it was (?:goodbye|the last))"
     "|\\bnow,? not later\\b"},
    {Kind::kGiving, 0, "giving_away",
     "\\b(?:giving|gave|give) away (?:all )?(?:my|all my) (?:stuff|things|belongings|"
     "possessions|pets?|cat|dog)\\b"},
    {Kind::kIntentBare, kNoNeg, "intent",
     "\\b(?:won't|will not|wont) need (?:them|it|my \\w+|these|those|anything) (?:soon|"
     "anymore|much longer|where i'm going)"},
    {Kind::kGiving, 0, "giving_away",
     "\\b(?:looked after|taken care of|cared for|in good hands) (?:when|after|once) i'm "
     "(?:gone|dead)"},
    {Kind::kGiving, 0, "giving_away",
     "\\bwho (?:should|do|will|would) (?:i )?(?:leave|give) my (?:\\w+ )?(?:to|when)\\b"},
    // ---- Warning signs in everyday words -------------------------------------------------
    // People at risk often name no method and no wish: they describe preparation, means,
    // farewells and places. Strong cues stand alone; weak ones (kPrepWeak, kFarewellWeak,
    // kIntentBare, kMeans, kLocationWeak) count when two of them meet (see risk.cc).
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|necked|popped|injected|snorted|chugged|finished|"
     "emptied|ate) (?:the|my|a|an|his|her|mum's|mom's|dad's|\\w+'s) (?:whole|entire|full) "
     "(?:\\w+ ){0,3}(?:{PILLS}|prescription|supply|stash|month|strip|blister|(?:pack|packet|box|"
     // A packet of biscuits is not a packet of pills: a container needs pills, an end or a link.
     "bottle)(?: of (?:\\S+ ){0,3}{PILLS}| of (?:them|those|these|it|meds|medication)|{END}| and| "
     "in one| at once| from| i| that| which| with| before| after| just| about| around| like| an| a "
     "few| \\d| ago| earlier| last| this| yesterday| today| tonight| now| already| so| too| but))"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|necked|popped|injected|snorted|chugged|finished) "
     "(?:all|all of|everything|the rest|half|the lot)(?: of)?(?: my| the| it| them| i had| i've "
     "got| i have| what i had| what was left)?(?: \\w+){0,3} (?:{PILLS}|pack|packet|box|bottle|"
     "bottles|prescription|supply|stash|i had|i've been saving|i saved|of them|left)\\b"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:swallowed|downed|necked|snorted|injected|shot up) (?:the rest|all|everything|the lot|"
     "them|it all)\\b|\\b(?:swallowed|downed|necked|snorted|injected|shot up) (?:half|most)(?: of)?"
     // Half of what? Not "half the sea" on a surfing lesson.
     "(?: (?:them|it|my \\w+|the (?:bottle|packet|pack|box|lot|pills|tablets|meds|rest))|{END})"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|injected) "
     "(?:[5-9]|\\d\\d+|twenty|thirty|forty|fifty|sixty) "
     "of "
     "(?:my |the |his |her )?(?:\\w+'s )?(?:\\w+ )?{PILLS}"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\bfinished (?:the|a|my) (?:bottle|pack|packet|box) of (?:\\w+ )?{PILLS}"},
    {Kind::kAttempt, kMedicalCat, "attempt",
     "\\b(?:took|taken|had|done|did|have taken) (?:an|a|another) (?:overdose|od)\\b"},
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\b(?:can|could) see (?:the )?(?:fat|bone|tendons?|muscle|stuff inside|inside)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\bclimb(?:ing|ed)? (?:over|onto|up on|up onto) (?:the |a )?(?:railing|rail|ledge|"
     "barrier|parapet|balcony|edge|wall of the bridge)\\b"},
    {Kind::kLocationWeak, 0, "attempt_in_progress",
     "(?:^|(?:\\.|!|\\?|;) )(?:up |standing |sitting |stood |sat )?(?:on|at) (?:the|a|this|top of "
     "the) (?:\\w+ )?(?:ledge|bridge|roof|rooftop|edge|cliff|platform|tracks|railing|balcony|"
     "tower|car park roof|overpass|viaduct|dam wall)\\b"},
    {Kind::kLocationWeak, 0, "attempt_in_progress",
     "\\b(?:end|edge) of the (?:platform|pier|cliff|roof|bridge)\\b|\\b(?:i'm|im|i am) going "
     "over(?: the (?:edge|railing|side))?\\b|\\bin the woods with\\b|\\b(?:walking|wading|"
     "swimming) (?:out )?into the (?:sea|ocean|river|lake|water)\\b|\\b(?:standing|sitting|"
     "waiting) (?:on|at) the (?:platform|tracks|edge)\\b|\\b(?:\\d+|\\w+)(?:th|st|nd|rd) "
     "floor (?:balcony|window|ledge|roof)\\b"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:i'm|im|i am|sitting|standing|here|i'm here|lying) (?:\\w+ ){0,6}with (?:the|a|my|"
     "\\w+'s) (?:rope|noose|gun|pistol|shotgun|revolver|rifle|handgun|pills|razor|blade|knife|"
     "charcoal|hose)\\b"},
    {Kind::kMeansStrong, 0, "means_access",
     "(?:^|(?:\\.|!|\\?|;) )(?:it's |its |the gun's |gun's |gun is |the gun is )?loaded "
     "(?:\\.|!)"},
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\b(?:this is|this'll be|this will be|it's|that's|this is the) (?:the |my )?(?:last|final) "
     "(?:time )?(?:you(?:'ll| will)? (?:ever )?(?:hear|see) (?:from )?me|message|post|text|"
     "words|thing i (?:say|write|post))\\b|\\b(?:last|final) (?:message|post|text|words|entry|"
     "journal entry) (?:from me|ever|on here|here)\\b|(?:^|(?:\\.|!|\\?|;) )(?:my )?(?:final|last) "
     "(?:post|message|words) (?:\\.|!|:)|\\bmy last words\\b|\\b(?:writing|wrote|write) my "
     "(?:last|final) (?:journal entry|entry|post|message|words)\\b"},
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\b(?:don't|do not|dont|please don't) (?:try to |come )?(?:find|look for|search for|"
     "come looking for) me\\b|\\b(?:i'll|i will|i'm going to|gonna|i'm gonna) be gone "
     "(?:soon|before|by|after|tomorrow|tonight|this|next|when)\\b|\\b(?:won't|wont|will not) "
     "be (?:anyone's|anybody's|a|your|everyone's) (?:problem|burden) (?:much longer|for long|"
     "soon|anymore|after)\\b|\\b(?:probably |definitely )?(?:won't|wont|will not|not going to|"
     "not gonna) be (?:around|here|alive) (?:after|next|by|past|beyond|for the)\\b|"
     "\\b(?:don't|dont|do not) think i'll be (?:here|around|alive) (?:next|by|after|tomorrow|"
     "much longer|for long|on)\\b|\\bnot (?:going to|gonna) (?:be alive|live|be here|be "
     "around) (?:to see|to|until|till|past|by)\\b|\\bnot (?:going to|gonna) make it to my "
     "(?:\\w+ )?(?:birthday|bday|b-day)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\bfor (?:my \\w+|my \\w+ \\w+|them|her|him|someone|everyone|the police|whoever) to "
     "find\\b|\\bwho gets my\\b|\\b(?:song|songs|music|hymn|outfit|clothes|playlist) (?:for|at) "
     "my funeral\\b|\\b(?:my )?(?:note|notes|letter|letters|will) (?:is|are) (?:written|done|"
     "finished|ready|signed)\\b|\\b(?:a|the) plan and a date\\b|\\b(?:stash|stockpile|"
     "hoard) of (?:\\w+ ){0,2}{PILLS}|\\benough (?:\\w+ ){0,2}{PILLS}(?: \\w+){0,4} to (?:do it|"
     "die|kill|end|overdose|od|not wake)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b{MEANS} (?:\\w+ )?(?:specifically |just )?(?:to|for) (?:finish it|finish myself|end it "
     "all|end it|do it with|the end)\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:cancel(?:led|ed|ling|ing)?|cancel) (?:all )?(?:my|the) (?:phone|contract|"
     "subscriptions?|gym membership|lease|accounts?|insurance|netflix|spotify|direct debits?)\\b|"
     "\\b(?:deleted|deleting|delete|wiped|wiping) (?:all )?(?:of )?my (?:socials|social media|"
     "accounts?|photos|pictures|instagram|tiktok|facebook|snapchat|twitter|browser history|"
     "search history)\\b|\\bpaid (?:back|off) (?:everyone|everybody|all my|my debts|what i owe)\\b|"
     "\\b(?:my )?bills are (?:paid|sorted)\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:tying|tie|tied) up (?:all )?(?:my |the )?loose ends\\b|\\bmade (?:my )?peace "
     "with\\b|\\bmade my peace\\b|\\blike it was the last time\\b|\\bso (?:it's|it is|it'll be|"
     "things are|it will be) easier for (?:my|them|everyone|everybody)\\b|\\b(?:put|putting) my "
     "(?:flat|house|apartment|place|car) (?:on the market|up for sale)\\b|\\b(?:arranged|"
     "arranging|made sure|making sure|asked) (?:for )?(?:my \\w+|the (?:dog|cat|pets?)|someone)"
     "(?: \\w+){0,3} (?:to take|will take|take|look after|has food|have food|is fed|are fed|"
     "is looked after|gets)\\b|\\b(?:dropped|dropping) (?:off )?(?:the|my) (?:cat|dog|pets?|"
     "rabbit|hamster) (?:off )?at\\b|\\bput (?:my|the) (?:cat's|dog's|pet's|cats|dogs|cat|dog) "
     "food out\\b|\\b(?:took|take|taking|removed) the batteries out of the (?:smoke|carbon "
     "monoxide|co) (?:alarm|detector)\\b|\\b(?:taped|sealed) (?:up )?the (?:door|doors|windows?|"
     "vents?|gaps|room)\\b|\\b(?:door|doors|windows?|vents?) (?:is |are )?(?:taped|sealed)\\b|"
     "\\bscheduled (?:them|it|the (?:emails|messages|texts|posts)|my (?:emails|messages|texts|"
     "posts)) (?:to (?:send|go out|post)|for)\\b|\\b(?:written|wrote) the (?:emails|letters|"
     "messages|texts)\\b|\\b(?:written|wrote|writing) (?:goodbye|farewell) (?:messages|texts|"
     "emails|letters)\\b|\\bleft my (?:diary|journal|phone) "
     "(?:open|unlocked)\\b|\\b(?:gave|giving|give|given) (?:away )?my (?:\\w+ ){0,2}to (?:my )?"
     "(?:little |big |younger |older )?(?:brother|sister|cousin|friend|best friend|mum|mom|dad|"
     "nephew|niece|neighbou?r|roommate)\\b|\\bdeleted all my\\b"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:it's|its|it is) (?:better|easier) (?:this way|for everyone|for everybody)\\b|"
     "\\b(?:thank you|thanks|thank u) for trying\\b|\\b(?:go|going) out on my own terms\\b|"
     "\\bi love you (?:mum|mom|mam|dad|mummy|mommy|guys|all|so much|both)\\b|\\btold (?:my \\w+|"
     "him|her|them|everyone) (?:that )?i (?:love|forgive)\\b|\\bi think that's everything\\b|"
     "\\bwish me luck\\b|\\bthis is my last (?:week|day|night|weekend|month|birthday|christmas)\\b|"
     "\\b(?:but |and )?now i'm ready(?: to go)?(?:{END})|\\bready to go now\\b|\\bplease (?:look "
     "after|take care of|feed) (?:my )?\\w+|\\b(?:look|looking) after (?:my )?(?:cat|dog|pets?) "
     "for me\\b|\\bno signal soon\\b|\\bit's been real\\b|\\bi'm sorry for everything\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\bnot sure when(?: yet)?\\b|\\bjust (?:need|needs|waiting for|need to find) (?:the )?"
     "(?:courage|nerve|guts|right (?:time|moment|day))\\b|\\bwaiting for the nerve\\b|\\bnot "
     "telling (?:you|anyone|anybody) when\\b|\\bnot for any(?:one|body) else\\b|\\bjust in "
     "case\\b|\\b(?:my )?mind(?:'s| is) made up\\b|\\b(?:made|make) (?:the|my) decision to go\\b|"
     "\\b(?:i've|ive|i have|i) (?:already |finally )?(?:chosen|picked|chose|decided) (?:how|"
     "when|where|the (?:bridge|place|spot|day|date|way|method|song|building))\\b|"
     "\\b(?:i'm|im|i am|i'll|i will|going to|gonna) (?:be )?join(?:ing)? (?:him|her|them|my "
     "(?:\\w+ )?(?:mum|mom|dad|brother|sister|son|daughter|wife|husband|friend|grandma|grandpa|"
     "nan|gran|baby))\\b|\\bdo what (?:my \\w+|he|she|they) did\\b|\\b(?:i )?keep (?:thinking|"
     "thinkin) about (?:it|that|this|doing it)\\b|\\b{THINK} (?:it|doing it|using it|that) "
     "(?:every (?:night|day|morning)|all the time|constantly|nonstop)\\b|\\b(?:i )?know what "
     "(?:i'm going to|im going to|i'll|i will|i'm gonna) do with (?:it|them)\\b|\\b(?:got|get|"
     "getting) my hands on\\b|\\b(?:supposed to be|meant to be|should be) painless\\b|"
     "\\b(?:i )?(?:finally |now |already )(?:have|got) a plan\\b|\\bmy plan is to\\b"},
    {Kind::kIntent, 0, "intent",
     "(?:^|(?:\\.|!|\\?|;) )(?:\\w+ )?(?:ending|end) (?:it|this|things|my life) (?:all "
     ")?(?:this|tonight|tomorrow|on|"
     "next|soon|after|before|at|in)\\b|\\b(?:tomorrow|tonight|friday|saturday|sunday|monday|"
     "this weekend|next week) i'll do it\\b|\\b(?:when|then) i'll do it\\b|\\bthe \\w+'s when "
     "i'm (?:going to|gonna) do it\\b|\\b(?:going to|gonna) do it in \\d+ (?:mins?|minutes|"
     "hours?|hrs?)\\b|\\b(?:i'm|im) not (?:going to|gonna) be alive by\\b|\\bcrash my car "
     "(?:\\w+ ){0,6}(?:make it look like an accident|on purpose)\\b|\\bmake it look like an "
     "accident\\b|\\bjust not wake up\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\b(?:have|has|got|bought|buy|buying|found|keep|keeps|keeping|kept|hid|hidden|hiding|"
     "stashed|grabbed|own|owns|ordered|get|getting|picked up|access to|how to get|where to get|"
     "my hands on) (?:\\w+ ){0,3}(?:glock|shotgun|handgun|revolver|ammo|bullets|charcoal|hose|"
     "helium|exit bag|rope|noose)\\b|\\b(?:where|which|how) (?:the )?(?:key|keys|gun|pills) "
     "(?:is|are)\\b|\\bi know where the (?:key|keys|gun|pills) (?:is|are)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\bsh(?:-ing|ing|'d|'ed|-ed)\\b|\\b(?:i|i've|ive|i just|just|and) shed (?:again|last "
     "night|today|yesterday|tonight|this morning|earlier)\\b|"
     "\\b(?:relapsed|relapse|relapsing) (?:with|on|into) (?:sh|self-harm|self harm|cutting|"
     "sh-ing)\\b|\\b(?:took|take|taking) (?:a|the|my) "
     "(?:razor|blade|knife|lighter|scissors|compass|sharpener) to my\\b|\\bsteri(?:-| )?strips?"
     "\\b|\\b(?:punch|punched|punching|hit|hitting|smashed|smashing) (?:the |a )?(?:brick |"
     "concrete |bathroom |bedroom )?(?:wall|walls|door|mirror)(?: \\w+){0,3} (?:until|till|til) "
     "(?:my )?(?:knuckles|hands?|fists?|it) "
     "(?:split|bled|bleed|broke|cracked|bruised)\\b|\\b(?:can't|cant|cannot|couldn't) cut "
     "(?:at home|anymore|here|because|so)\\b|\\bdid it again \\. the cutting\\b"},
    {Kind::kShAct, kSelfHarmCat | kTopicSensitive, "self_harm_act",
     "\\bcutting (?:is|has been|helps|keeps|was the only|is the only)\\b|\\b(?:the )?cutting "
     "(?:is getting|again|every)\\b"},
    {Kind::kShAct, kSelfHarmCat | kUnlessSubstance, "self_harm_act",
     "(?:^|(?:\\.|!|\\?|;|:) )(?:i |i've |ive |i just |just |so i |and i )?relapsed(?: "
     "(?:again|last night|today|yesterday|this morning|tonight)){0,2}(?: \\.| !|$)"},
    {Kind::kActive, 0, "active_ideation",
     "\\b{THINK} (?:\\w+ ){0,6}(?:making|make) (?:it|that) happen\\b|\\b{THINK} (?:dying|death|"
     "killing|not existing|ending it|suicide)(?: \\S+){0,8} (?:actually|really) (?:doing|do) "
     "it\\b|\\b{DESIRE} {TO}(?:stop|quit) (?:being alive|living|breathing)\\b|\\btoo (?:much of "
     "a )?(?:coward|scared|chicken|afraid|weak|much of a pussy) to (?:do (?:it|anything about "
     "it)|kill myself|go through with it|end it|actually do it)\\b|\\b(?:{DESIRE}|{THINK}) "
     "(?:to )?(?:go|be) where (?:she|he|they) (?:went|is|are)\\b|\\b{THINK} killing(?: every| "
     "all the time| a lot| so much| lately| again| constantly|{END})"},
    {Kind::kMethod, kAct, "method",
     "\\b(?:step|stepping|jump|jumping|fall|falling|walk|walking) (?:off|from) (?:the|a) "
     "(?:platform|edge|ledge|roof|balcony|cliff)\\b|\\b(?:not|never) (?:coming|come) up\\b"},
    {Kind::kPassive, kHyper, "passive_wish",
     "\\b(?:happier|better|more peaceful|at peace) (?:if i was |if i were |being )?dead\\b"},
    {Kind::kMarkHypothetical, 0, "",
     "\\b(?:asked|asks|asking|ask) (?:me )?(?:if|whether)\\b|\\bthe answer is no\\b|"
     "\\b(?:everyone|everybody|people|they|he|she|my (?:mum|mom|dad|parents|teacher|friends?|"
     "family)) (?:think|thinks|thought|assume|assumes|assumed|worry|worries|worried) (?:that )?"
     "(?:i'm|im|i am|i'll|i)\\b"},
    {Kind::kAccident, kInjuryScene, "medical",
     "\\b(?:chopping|cooking|shaving|mandoline|mandolin|coleslaw|grater|dog bit|bit me|"
     "bitten|slipped on|slipped and fell|onions?|kitchen|tripped|fell off|"
     "washing up|broken glass|sports|football|rugby|climbing accident|gashed|grazed|on a fence|on "
     "the farm|bike|angle grinder|grinder|circular saw|chisel|stanley knife|foreman|on site|"
     "workbench)\\b|\\bcut (?:my )?(?:foot|feet|hand|finger|thumb|toe|knee|leg|shin|heel|"
     "palm|lip|head) (?:open )?on (?:a|the|some)\\b"},
    {Kind::kAccident, 0, "medical",
     "\\b(?:instead of one|instead of 1|forgot i (?:already )?took|double dose|twice by "
     "mistake|on top of the (?:day|night|morning|evening|other) ones)\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:nobody|no one|no-one|noone) (?:will|would|is going to|gonna) find me\\b|"
     "\\bpractic\\w* (?:with )?(?:the|a|my) (?:belt|rope|noose|knot|cord|ligature)\\b|"
     "\\b(?:researching|researched|looking up|looked up|reading about|googling|googled) "
     "(?:\\w+ )?(?:methods|ways to die|how to die|lethal doses?)\\b"},
    {Kind::kPrepWeak, kOrdinaryPrep, "preparation",
     "\\b(?:sorting|sorted|sort|getting|got|put|putting) (?:out )?(?:all )?my affairs\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:when|after|once) i'm (?:gone|dead)\\b|\\b(?:put|putting|got|have) everything in "
     "order\\b|\\b(?:found|picked|chose|chosen) (?:the )?(?:perfect|right|ideal) (?:spot|place)\\b|"
     "\\b(?:looking up|looked up|researching|googling|searching) (?:tall |high )?(?:buildings|"
     "bridges|cliffs|heights|car parks)\\b|\\broof access\\b|\\b(?:check|checking|checked) (?:it|"
     "the (?:bridge|place|spot|height|drop)) out\\b|\\b(?:looked at|checked|measured) the "
     "height\\b|\\bdid the math\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\b(?:get|getting|how to get|where to get|got my hands on) (?:\\w+ ){0,3}(?:gun|pistol|"
     "rifle|firearm)\\b|\\bcharcoal (?:is )?(?:lit|burning|going)\\b|\\bwith (?:the|a|my) "
     "(?:rope|noose|gun|pistol|shotgun)\\b"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:won't|wont|will not|not going to|not gonna) (?:be )?(?:come|coming) back\\b|"
     "\\b(?:couldn't|can't|cannot|could not) wait any longer\\b|\\bi've started\\b|"
     "\\b(?:lying|laying) (?:here |down |in bed )?waiting\\b"},
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\b(?:goodbye|bye)(?: \\S+){0,4} (?:thank you|thanks) for trying\\b|\\b(?:thank you|thanks) "
     "for trying(?: \\S+){0,4} (?:goodbye|bye)\\b"},
    // "done." as the whole message: the last word of a crisis, or the answer to "tell me when
    // you're done" in a guided exercise; the safety policy tells the two apart (lone_done).
    {Kind::kFarewellStrong, kNoNeg, "lone_done",
     "^(?:i'm |im |i am |it's |its |i'm so |and )?done (?:\\.|!)$|^(?:i'm |im |i am |it's |its "
     "|and )?done$"},
    {Kind::kContextCue, 0, "farewell",
     "\\b(?:should have|should've|shoulda) done (?:this|it) (?:years|months|ages|long|a long)|"
     "\\bi (?:did|have done) it\\b|\\bi've done it\\b|\\bno going back\\b|"
     "\\b(?:i )?wanted this\\b|\\bon purpose\\b|\\bit's done\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:can't|cannot|can not|cant) swim\\b|\\bclose to doing it\\b|\\b(?:i'd|i would|would) "
     "(?:definitely |probably )?(?:not|never) survive\\b|\\b(?:got|have) (?:it|everything) (?:all "
     ")?"
     "set up\\b|\\bsaving (?:them|these|those) (?:for|until|till)\\b"},
    {Kind::kPlan, kAct | kFirst, "plan",
     "\\b(?:i've|ive|i have|i) (?:already |finally |just )?(?:chosen|picked|chose|decided on|"
     "found) (?:how|the (?:bridge|building|spot|method|place))\\b"},
    {Kind::kIntentBare, 0, "plan",
     "\\b(?:i've|ive|i have|i) (?:already |finally |just )?(?:set|picked|chosen|chose) "
     "(?:a|the|my) "
     "(?:date|day)\\b"},
    {Kind::kIntent, 0, "intent",
     "\\b(?:decided|deciding|made the decision|have decided) to (?:die|end my life|kill myself|"
     "end it|commit suicide|take my life)\\b|\\btaking (?:them|the pills|my pills|the tablets) "
     "(?:now|one by one)\\b|\\b(?:i )?(?:did|have done|done) it \\. the (?:pills|tablets|meds|"
     "rope)\\b"},
    {Kind::kIntent, 0, "intent",
     "\\b(?:tonight|today|tomorrow|this weekend|on (?:friday|saturday|sunday)) (?:i'm|im|i am|"
     "i'll|i will) (?:ending|end|doing|do) (?:it|this|things|everything)\\b|\\b(?:i'm|im|i am) "
     "ending (?:this|everything)(?: tonight| today| tomorrow| now|{END})"},
    {Kind::kMethod, kFirst, "method", "\\b(?:plastic )?bag over my head\\b"},
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:don't|do not|dont|doesn't|didn't|no longer) (?:really |even |think i )?(?:want|wanna) "
     "(?:to )?(?:be here|live|be alive|keep living|go on living) (?:anymore|any more|no more|"
     "any longer)\\b|\\b(?:googling|researching|looking up|reading) (?:things |stuff )?(?:about )?"
     "(?:dying|death|suicide|how to die)\\b"},
    // A relationship ended, not a life: "it was right to end it", "end it with him".
    {Kind::kVeto, 0, "figurative",
     "\\b(?:was|were) (?:the )?right (?:thing )?to end it(?: (?:\\.|!|\\?|;|,|and|but|when|because|"
     "after|before|with)|$)|\\bend (?:it|things) (?:with|w|w/) (?:him|her|them|my "
     "(?:ex|boyfriend|girlfriend|partner|husband|wife|bf|gf|fiance|fiancee|situationship|fwb|man|"
     "girl|guy|boo|date))\\b"},
    {Kind::kVeto, 0, "figurative",
     "\\b(?:note|notes|letter|letters) (?:to|for|about) (?:the|my|our) (?:landlord|teacher|school|"
     "boss|manager|council|doctor|gp|bank|neighbou?r|tutor|professor|lecturer|office|hr|"
     "insurance|class|coach)\\b"},
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed) (?:them|those|these) all\\b"},
    {Kind::kVeto, 0, "figurative",
     "\\b(?:jump|jumping|jumped) ship\\b|\\b(?:burn(?:ed|t)?|cut|scratched|scraped|sliced) my "
     "\\w+ (?:on|with|while|in|chopping|cooking|shaving) (?:the |a |my |some )?(?:oven|stove|pan|"
     "iron|kettle|tray|oven tray|hob|grill|griddle|salamander|fryer|chip "
     "pan|steam|toaster|bbq|barbecue|fence|nail|glass|door|car door|"
     "paper|can|knife|onions?|veg|vegetables|bread|mandoline)\\b|\\bthe game i mean\\b|"
     "\\b(?:if you|even if you|you could) put a gun to my head\\b|\\brun(?:ning|s)? suicides\\b|"
     "\\b(?:killed|killing|kills|kill) it (?:last night|tonight|today|on|at|in|out there|with)\\b|"
     "\\b(?:absolutely|totally|really|literally) (?:killed|killing|slayed|slaying|smashed) it\\b|"
     "\\b(?:die|died|dying|dead) (?:laughing|of laughter)\\b|\\bshav(?:ed|ing) (?:\\w+ "
     "){0,3}(?:and )?cut "
     "myself\\b|\\bpill "
     "(?:organi[sz]er|box|reminder)|\\bdosette\\b|\\b(?:eczema|psoriasis|rash|itchy|"
     "itching|mosquito bites?|hives|chickenpox)\\b(?: \\S+){0,14}|\\boverdos(?:e|ing) it\\b|"
     "\\bkill myself my (?:tweets|posts|account|accounts|photos|pics|comments|messages|history)\\b|"
     "\\bsuicide(?:-| )(?:barriers?|prevention|hotline|helpline|rates?|inducing|awareness|"
     "statistics|fences?|nets?)\\b"},
    // Ordinary phrases of written comments that share words with risk (found on GoEmotions'
    // comments, real text the project does not label): an attempt at a picture, a simile of
    // wounds, a thing or an excuse that "needs to die", a character's death, pulling the
    // trigger on a trade, someone else with a gun, going over to another forum.
    {Kind::kVeto, 0, "figurative",
     "\\b(?:here's|heres|here is|this is) my (?:\\w+ )?attempt\\b|\\bmy (?:\\w+ )?attempt at "
     "(?:a|an|the|this|that|making|drawing|painting|cooking|baking|writing|humou?r|being|"
     "explaining|fixing|photo\\w*|art)\\b|\\blike (?:an? )?open wounds?\\b|\\buntil it breaks\\b|"
     "\\b(?:thing|things|excuse|trend|meme|show|series|team|teams|franchise|idea|narrative|joke|"
     "format|rule|era|song|movie|storyline|argument|take|system|feed|app|server) (?:needs|need|"
     "should|must|has|have) (?:to )?(?:just )?die\\b|\\b(?:\\w+'s|\\w+\u2019s|his|her|their|name "
     "?\\]?) "
     "death is\\b|\\bpull(?:ed|ing|s)? the trigger on (?:a|an|the|this|that|it|buying|getting|"
     "selling|signing|trading)\\b|\\b(?:fo|gm|they|he|she|we|you|management|front office) "
     "(?:need|needs|should|has|have) to pull the trigger\\b|\\b(?:guy|man|woman|person|toddler|"
     "kid|kids|toddlers|guys|people|someone|somebody|cop|cops|police|officer|criminal) with a "
     "gun\\b|\\bgoing over to (?:that sub|the sub|this sub|r/|reddit|his place|her place|their "
     "place|my (?:mum|mom|dad|friend|parents|nan|gran|grandma)\\w*)|\\bcome check (?:it|us|them) "
     "out\\b|\\b(?:will|should|gonna|going to|have to|got to|must|definitely|gotta|might) "
     "check (?:it|them|this|that) out\\b"},
    // ---- Attempt in progress (imminent) --------------------------------------------------
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|chugged|have taken|i've taken|just took|"
     "just swallowed|already took|already taken|just downed|necked|popped) {BIGCOUNT} "
     "(?:\\w+ ){0,3}(?:{PILLS}|the medicine cabinet|in the medicine cabinet|"
     "my prescription)"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|ate) (?:like |about |around |over )?(?:\\d+|twenty|"
     "thirty|forty|fifty|sixty|a hundred) (?:of )?(?:them|those|these|it)\\b"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|ate) everything in the (?:medicine )?cabinet\\b"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:drank|swallowed|drunk|ate|have drunk|just drank) (?:some |the |a bottle of |a cup "
     "of |a lot of )?(?:bleach|poison|antifreeze|rat poison|drain cleaner|weed killer|"
     "weedkiller|pesticide|insecticide|herbicide|paraquat|oven cleaner|toilet cleaner)"},
    {Kind::kAttemptNow, kFirst | kMedicalCat, "attempt_in_progress",
     "\\b(?:i |just |i've |i have |i just |already )(?:overdosed|od'd|oded)\\b"},
    {Kind::kAttemptNow, kFirst | kMedicalCat, "attempt_in_progress",
     "\\b(?:i think i'm|i'm|im|i am) (?:overdosing|oding|dying right now|bleeding out)\\b"},
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\b(?:won't|wont|can't|cant|doesn't|does not|will not|cannot|can not) stop "
     "(?:the )?bleeding\\b"},
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\b(?:bleeding (?:a lot|so much|everywhere|badly|heavily|out|really bad|like crazy|"
     "won't stop|wont stop|through)|blood everywhere|so much blood|(?:lost|losing) (?:a lot "
     "of |so much )?blood|cut (?:too|way too|really|so) (?:deep|deeply)|cut deep and|"
     "cut too deep|need stitches)\\b|\\b(?:didn't|did not|never) mean(?:t)? to go (?:this|that|so) "
     "deep\\b"},
    // Bleeding that will not stop is a medical emergency whatever its cause (a nosebleed too);
    // whose risk it is, other signs say.
    {Kind::kMedical, 0, "medical",
     "\\bblood (?:won't|wont|will not|isn't|is not|doesn't|does not) stop(?:ping)?\\b|\\bsoaked "
     "(?:through )?(?:\\w+ ){0,2}(?:towels?|bandages?)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:in|into) the (?:bath|bathtub|tub) with (?:the |a |my )?(?:razor|blade|knife|toaster|"
     "hairdryer|hair dryer|pills)"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed) all of (?:them|those|these|it)\\b|"
     "\\b(?:already|just) (?:took|taken|swallowed|downed) (?:them|those|these|it) all\\b|"
     "\\b(?:took|taken|swallowed|downed) (?:them|those|these) \\. all of them\\b"},
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\bblood (?:is |all |just )?(?:everywhere|all over)\\b|\\b(?:went|cut|going) (?:way )?too "
     "deep\\b|\\btoo deep this time\\b"},
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:practic\\w*|learning|learned|looked up how to|testing|tested) (?:tying|dying|to tie|"
     "how to tie) (?:a |the )?(?:nooses?|knots? for (?:the|a|my) (?:rope|noose))\\b|"
     "\\b(?:tested|testing) the (?:rope|noose|knot)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:rope|noose|belt|cord|cable) (?:is )?(?:around|round|on) my neck\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:knife|blade|razor|glass) (?:is )?(?:on|against|to|at) my (?:wrist|wrists|throat|"
     "arm|neck|skin|vein|veins)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:gun|pistol|barrel|rifle) (?:is )?(?:in my mouth|to my head|against my head|"
     "pointed at (?:my|me)|to my temple|under my chin|loaded and)"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\b(?:pills|meds|tablets|drugs) (?:are |is )?(?:kicking in|starting to work|"
     "taking effect)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:standing|sitting|kneeling) on (?:the|a) (?:chair|stool|bucket) with (?:the|a) "
     "(?:rope|noose)"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:tied|tie|tying) (?:the|a) (?:noose|rope) and (?:i'm |im )?(?:standing|sitting|"
     "on the)"},
    {Kind::kAttemptNow, kFirst, "attempt_in_progress",
     "\\b(?:i'm|im|i am) (?:jumping|going under|fading|slipping away|pulling the trigger)"
     "(?: now| right now| (?:\\.|!)|$)"},
    {Kind::kContextCue, 0, "farewell",
     "\\b(?:it's|its|it is) (?:too late|already done)\\b|\\b(?:goodbye|bye|i'm sorry|"
     "im sorry|sorry)\\b"},
    // An overdose taken and regretted ("i took them an hour ago and now i'm scared, i don't want
    // to die"): the regret is the context that makes the pills taken an emergency.
    {Kind::kPillsTaken, kMedicalCat | kFirst, "attempt_in_progress",
     "\\b(?:i|i've|ive) (?:already |just )?(?:took|taken|swallowed|downed|have taken) (?:them|the "
     "(?:tablets|pills|lot|packet|bottle)|all (?:of )?(?:them|it))(?: \\w+){0,4} (?:ago|but "
     "now|and "
     "now|earlier|already)\\b"},
    {Kind::kContextCue, kNoNeg, "farewell",
     "\\b(?:but |and )?now (?:i'm|im|i am) (?:scared|terrified|panicking|frightened)\\b|\\b(?:but "
     "|and )?now i (?:don't|dont|do not) (?:want|wanna) (?:to )?die\\b|\\b(?:i|i've|ive) "
     "(?:changed|"
     "have changed) my mind\\b"},
    {Kind::kEngine, 0, "attempt_in_progress",
     "\\b(?:engine|car) (?:is )?running in (?:the|my|a) (?:garage|closed garage)|"
     "\\bhose (?:from|in|into) the exhaust|\\b(?:in|inside) the (?:garage|locked garage)(?: "
     "\\S+){0,3} (?:the )?(?:car's|cars|car has|car is|engine's|engine has|engine is) (?:been )?"
     "running(?:{END}| for| about| like| a while| now| already| \\d+)"},
    // ---- Calm words for a method, a plan and a setting (2026-12-06) ----------------------
    // Forms of what people at risk write that keywords miss, found in risk_train8.jsonl and
    // written here in general terms.
    // "sorted the method", "settled on the way": a method chosen is a plan.
    {Kind::kResearch, kAct, "method",
     "\\b(?:sorted|sorted out|chosen|chose|decided on|settled on) (?:the|my|a) (?:method|way to "
     "do it|way i'll do it|way i'm going to do it){END}"},
    // "gonna take the lot in one go": intent with its method.
    {Kind::kIntent, kAct, "intent",
     "\\b(?:going to|gonna|will|i'll|ill|planning to|plan to|want to|wanna) (?:\\w+ ){0,6}take "
     "(?:the lot|them all|all of them|every one of them|everything) (?:in one go|at once|"
     "together)\\b"},
    // Searching for a painless way, or wondering which way would hurt least: thinking about how,
    // with nothing chosen.
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:googled|googling|searched|searching|looked up|looking up|researched|researching|"
     "reading about|read about) (?:for )?painless (?:ways?|methods?|options?)\\b|\\bpainless "
     "(?:ways?|methods?) to (?:die|go|end it|do it|kill myself|end my life|end things)\\b|"
     "\\b(?:wondering|wonder|thinking about|think about|researching) (?:which|what) (?:way|"
     "method) (?:would|will|might) (?:hurt|be) (?:the )?(?:least|less|quickest|fastest|"
     "most painless)\\b"},
    // Telling people one is moving away when one is not: a pretext for goodbyes.
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:thinks?|think|thought|believes?|told (?:them|him|her|everyone|people)) (?:that )?"
     "(?:i'm|im|i am|i'll be|i was) (?:moving (?:away|abroad|overseas)|going (?:away|abroad|"
     "overseas)|emigrating|relocating)\\b(?: \\S+){0,8} (?:i'm|im|i am) not (?:actually |"
     "really )?(?:moving|going) (?:anywhere|away|abroad)\\b"},
    // "getting everything ready to end".
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:getting|get|got|making|make) (?:it|everything|things|it all) ready (?:to end|for the "
     "end|for when i'm gone|for when i go)\\b"},
    // The means set out, a goodbye "for real", someone told where one is: weak alone, two
    // together are preparation.
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:everything|it all|all of it)(?:'s| is| are|s) (?:laid out|set out|lined up|ready) "
     "(?:on|in) (?:the|my) (?:bed|desk|table|floor|seat)(?: (?:\\.|!|,|;)|$)"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:saying )?(?:bye|goodbye) (?:\\. )?for real\\b|\\b(?:it was|it's been|its been) nice "
     "knowing (?:you|some of you|y'all|you all|everyone|u all)\\b|\\b(?:wanted|want|needed) "
     "(?:one person|someone|somebody|one human|one human being) to know (?:i was here|i'm here|"
     "where i am|where i was)\\b"},
    // A belt or a noose tied to something it can hang from.
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:belt|belts|noose|ligature|the cord|a cord)(?:'s| is| are)? (?:tied |looped |hung |"
     "up )?(?:round|around|over|to|on) (?:the|a|that) (?:branch|beam|banister|bannister|door|"
     "rafter|hook|loft hatch|pipe|tree)\\b"},
    // Self-harm: "bit my hand till it bled".
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm_act",
     "\\b(?:bit|bite|biting|clawed|clawing|punched|punching|pinched|pinching) (?:myself|(?:the "
     "inside of |into )?my (?:own "
     ")?(?:hand|hands|arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|fingers|knuckles|"
     "stomach|hips?))(?: \\w+)? (?:till|until|til|untill) (?:it|they|i|my \\w+) (?:bled|bleed|"
     "bleeds|bleeding|bruised|went numb)\\b"},
    // The urge to lean out of a window or over an edge.
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:want|wanna|wanted|urge|tempted) to (?:lean|tip|let myself fall) (?:out|over|off)"
     "(?: of)?(?: the| my| that)? (?:window|balcony|edge|railing|ledge)\\b|\\b(?:window|balcony|"
     "edge|railing|ledge)(?: \\S+){1,10} (?:i )?(?:want|wanna|urge) to (?:lean|tip) "
     "(?:out|over)\\b"},
    // Hindi in Latin letters: "mar jaana chahta hoon", "ab jeena nahi chahti", "khud ko maar
    // dunga".
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:mar jaana|mar jana|marjana|marna|mar jaun|mar jau|mar jaaun) (?:chahta|chahti|"
     "chahte|hai|he)\\b|\\b(?:jeena|jina|jeene ka) (?:nahi|nhi|nahin) (?:chahta|chahti|chahte|"
     "mann)\\b|\\b(?:khud ko|apne aap ko) (?:maar|mar|khatam kar) (?:dunga|dungi|doon|du|"
     "lunga|lungi|dena)\\b"},
    // Nigerian Pidgin and Tagalog: "i no wan live again", "gusto ko na lang mamatay".
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:i|me|i dey) no (?:wan|want|won) (?:live|to live|dey live|continue to live)\\b|"
     "\\b(?:gusto|gusto ko|gusto ko na|gusto ko na lang|gusto ko nalang|gusto ko nang) "
     "(?:mamatay|mawala|magpakamatay)\\b|\\bmagpakamatay\\b"},
    // Tagalog: "tatapusin ko na buhay ko" (i will end my life), "paalam" (goodbye) after
    // thanks for everything, "nakahiwa ulit ako sa braso ko" (i cut my arm again).
    {Kind::kIntent, 0, "intent",
     "\\b(?:tatapusin|wawakasan|tapusin|wakasan) ko na (?:ang )?(?:buhay ko|sarili ko)\\b|"
     "\\b(?:papatayin|patayin) ko na (?:ang )?sarili ko\\b"},
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\bsalamat sa lahat(?: \\S+){0,4} paalam\\b|\\bpaalam na (?:sa inyo|sa lahat|po)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:nakahiwa|hiniwa|naghiwa|sinugatan|nagsugat)(?: \\S+){0,4} (?:braso|pulso|hita|"
     "balat)\\b"},
    // Gas turned on in a closed room.
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\bgas (?:is |'s )?(?:on|turned on|running|left on)(?: \\S+){0,6} (?:windows?|doors?|"
     "vents?) (?:are |is )?(?:all )?(?:shut|closed|sealed|taped)\\b|\\b(?:windows?|doors?|vents?) "
     "(?:are |is )?(?:all )?(?:shut|closed|sealed|taped)(?: \\S+){0,6} (?:the )?gas (?:is |'s )?"
     "(?:on|turned on|running)\\b|\\b(?:turned|put|switched) (?:the |all the )?gas (?:on|rings on)"
     "(?: \\S+){0,6} (?:shut|closed|sealed|taped)\\b"},
    // A self-inflicted cut that keeps pouring.
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\b(?:cut|sliced|slit|slashed) (?:my \\S+|myself|deep|deeper|too deep)(?: \\S+){0,8} "
     "(?:pouring|gushing|spurting|pumping)\\b"},
    // The past attempt again, "properly this time"; the how and the when known.
    {Kind::kIntent, 0, "intent",
     "\\b(?:do|try|doing|trying) (?:what i did|what i tried)(?: \\S+){0,4} (?:properly|right) "
     "this time\\b"},
    {Kind::kPlan, kAct, "plan",
     "\\bi know (?:how|where|when) and (?:i know )?(?:how|where|when){END}"},
    {Kind::kIntent, 0, "intent",
     "\\bwalk (?:in|into (?:the )?(?:sea|water|river|lake|ocean|waves))(?: and)? (?:not stop|keep "
     "(?:going|walking)|never come back|not come back|not come out)\\b"},
    // ---- Flat, indirect words of the last hours (risk_train10's classes) ----------------------
    // Last words: signing off from everything, the last conversation, the end of one's story.
    {Kind::kFarewellStrong, kNoNeg | kFinal, "farewell",
     "\\b(?:signing|sign|logging|log|checking|check) (?:off|out) (?:from|of) everything\\b|"
     "\\b(?:logging|log|signing|sign) (?:off|out) for the (?:last|final) time\\b|\\bthis is "
     "where i (?:sign|log) (?:off|out)(?: for good)?\\b|\\b(?:this was|this is|that was) my "
     "(?:last|final) (?:conversation|chat|talk)\\b|\\bthe (?:last|final) (?:voice|person|one|"
     "thing) (?:i |i'll |i will |i've )?(?:talk|speak|spoke|talked|hear|heard) "
     "(?:to|from)\\b|\\bthe end "
     "of my story\\b|\\bsorry for the mess (?:i'm|im|i am|i'll be) leaving\\b|\\bdone "
     "(?:talking|trying)(?: \\S+){0,3} done (?:with )?everything\\b|\\b(?:say|saying|said) "
     "(?:bye|goodbye) without (?:them|him|her|anyone|anybody|people|any of them) knowing\\b|"
     "\\b(?:not|won't|wont|will not|never) (?:gonna |going to )?be a (?:problem|burden) (?:to|for) "
     "(?:anyone|anybody|you|them|everyone|my \\w+) (?:after|past|by|much longer|for long)\\b|"
     "\\b(?:not going to|not gonna|won't|wont|will not) be (?:around|here|alive) for (?:the "
     "holidays|christmas|xmas|new year|results day|my birthday|next year|graduation|the "
     "summer)\\b"},
    {Kind::kFarewellStrong, kNoNeg | kFinal, "farewell",
     "\\b(?:goodnight|good night|goodbye|bye|night) forever\\b|^(?:ok |okay |right )?(?:bye|"
     "goodbye) (?:\\. |, )?for (?:real|good){END}"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:signing|logging|heading|checking) (?:off|out) for good\\b|\\bheading off for good\\b|"
     "\\bno more from me\\b|\\b(?:don't|dont|do not) bother (?:replying|answering|texting back)\\b|"
     "\\b(?:i )?(?:won't|wont|will not) (?:see|read) (?:it|your reply|the reply|this)\\b"},
    // Pills taken, all of them, said flatly: imminent beside a symptom, a goodbye or distress.
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed) (?:the lot|all of them|them all|the stuff|the whole (?:box|"
     "bottle|packet|pack|strip|lot)|a whole (?:bottle|box|packet|pack|strip)(?: of \\S+)?|both "
     "(?:boxes|packets|bottles|packs))\\b|(?:^|\\. |\\bi |\\bi've |\\bive )(?:took|taken|"
     "swallowed) (?:everything|evrything)\\b|\\bdid it (?:\\, )?the whole (?:box|bottle|packet|"
     "pack|strip)\\b"},
    {Kind::kOverdoseSymptom, 0, "overdose_symptoms",
     "\\b(?:can't|cant|cannot) feel my (?:fingers|hands|legs|feet|face|lips)\\b|\\b(?:can't|cant) "
     "see (?:properly|proper|straight|right)\\b|\\beverything(?:'s| is) going (?:slow|slowly|"
     "dark|blurry|fuzzy)\\b|\\bheart(?:'s| is) going (?:really |so )?(?:fast|crazy|mental)\\b|"
     "\\bgetting (?:sleepy|drowsy)\\b|\\bears? (?:to )?ring(?:ing)?\\b"},
    // Rehearsal and set-up of a hanging.
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:belt|rope|cord|knot|noose|scarf|cable|ligature)\\b(?: \\S+){0,10} (?:just )?(?:to see|"
     "see) (?:if|whether) (?:it|it'd|it'll|it would|it will|it could) (?:hold|take my weight)\\b"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:knot|noose) (?:is|'s) (?:done|tied|ready|up)\\b|\\bchair(?:'s| is) (?:under|below) the "
     "(?:beam|hook|rafter|banister|bannister|branch|loft hatch)\\b|\\b(?:gun|pistol|revolver|"
     "shotgun|rifle)(?:'s| is)? (?:in my (?:lap|hand|hands|mouth)|loaded (?:next to|beside) "
     "me)\\b"},
    // The engine left running, drowsy.
    {Kind::kEngine, kMedicalCat, "attempt_in_progress",
     "\\bengine(?:'s| is| has)? been (?:on|running) (?:for )?(?:\\S+ ){0,2}(?:minutes|mins|hours|"
     "hour|an hour)\\b(?: \\S+){0,6} (?:sleepy|drowsy|dizzy|headache|can't breathe|cant "
     "breathe)\\b"},
    // A self-inflicted wound that is too deep, gaping, will not stop.
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\btoo deep\\b(?: \\S+){0,6} (?:pouring|gushing|bleeding|won't stop|wont stop|can't stop|"
     "cant stop)\\b|\\bgaping(?: open| wide)?\\b(?: \\S+){0,8} (?:won't stop|wont stop|something "
     "white|see the fat|see fat|bone)\\b"},
    // Asking which way is quickest, how high, how many is too many.
    {Kind::kResearch, 0, "method",
     "\\bhow many (?:of )?(?:my |these |the |her |his )?\\S+ (?:would be|is|are|would count as) "
     "too many\\b|\\bwhich is (?:quicker|faster|less painful|more painless|more certain|surer)\\b"
     "(?: \\S+){0,6} {PILLS}|{PILLS}(?: \\S+){0,4} which is (?:quicker|faster|less painful)\\b|"
     "\\b(?:the )?(?:least messy|most painless|least painful) way(?: to go| out)?{END}|\\b(?:the )?"
     "(?:quickest|surest) way (?:to go|out){END}|\\bhow high (?:does|do|would|should|has|have) "
     "(?:a|the) (?:building|bridge|drop|fall|"
     "floor|balcony|car park) (?:have to|need to|got to) be\\b|\\btallest (?:car park|building|"
     "bridge)\\b(?: \\S+){0,6} without (?:the )?(?:mesh|nets?|fence|fences|barriers?|railings?)\\b|"
     "\\bwhich (?:ones|pills|tablets) (?:don't|dont|do not|won't|wont) hurt\\b|\\bwhich bridges "
     "(?:\\S+ ){0,3}(?:have no|don't have|dont have|without) (?:phones|nets|barriers|fences)\\b"},
    // Stockpiling one at a time ("two of the slow-release morphine each day", tablets kept back
    // from my prescriptions); pretexts for buying the means.
    {Kind::kPrepStrong, 0, "preparation",
     "\\b(?:keeping|kept|been keeping|saving|saved|putting|put|holding) (?:back|aside|by) "
     "(?:one|a couple|two|some|half) (?:of )?(?:my |the )?\\S+ (?:\\S+ )?(?:every|each) (?:night|"
     "day|morning|week|time)\\b|\\bkeeping back (?:tablets|pills|meds|medication) from my "
     "prescriptions?\\b|\\b(?:rope|hose|hosepipe|charcoal)\\b(?: \\S+){0,12} (?:asked if i "
     "was|said i was|thinks i'm|thinks im|told (?:him|her|them) i was) (?:going )?(?:camping|"
     "having a barbecue|doing a barbecue|having a bbq)\\b|\\bcharcoal\\b(?: \\S+){0,14} never "
     "(?:had|have|did|done) a (?:barbecue|bbq)\\b"},
    // Somebody who will find them; a life one is nearly ready to leave.
    {Kind::kPrepStrong, 0, "preparation",
     "\\bwhoever finds me\\b|\\b(?:nobody|no one|noone) (?:left )?to find me\\b|\\bbefore "
     "(?:anyone|anybody|someone) finds me\\b"},
    {Kind::kPrepWeak, kFirst, "preparation",
     "\\b(?:i'm|im|i am) (?:nearly|almost) ready{END}|\\bletters? (?:are )?(?:all )?(?:written|"
     "done|finished|sorted){END}|\\b(?:recorded|made|wrote|written) (?:a )?(?:video|message|"
     "letter|cards?|letters)(?: \\S+){0,4} (?:to (?:watch|read|open) when (?:he's|she's|they're|"
     "he is|she is|they are) (?:older|grown|grown up)|(?:next|future) (?:\\S+ )?birthdays)\\b"},
    {Kind::kIntent, 0, "intent",
     "\\b(?:meet|meeting) (?:god|my maker|jesus) (?:early|soon|tonight|tomorrow|this week)\\b|"
     "\\bfinal (?:week|day|night|days|weekend|month) of (?:being (?:a person|alive|here)|my "
     "life|existing)\\b|\\b(?:ticket|trip) to the void\\b"},
    {Kind::kLocationWeak, 0, "attempt_in_progress",
     "\\b(?:stepped|climbed|got) (?:over|past) the (?:barrier|railing|railings|fence|parapet)\\b|"
     "\\b(?:sitting|standing|stood|sat) on the (?:balcony )?(?:rail|railing|parapet)\\b|\\b(?:up )?"
     "on the (?:overpass|flyover)\\b"},
    // Wondering what it would be like to end it: thinking about it (active); to die or be gone:
    // a passive wish.
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:wonder|wondering|wondered|imagine|imagining|imagined) (?:what|how) it(?:'d| would|d) "
     "(?:be|feel) like to (?:just )?(?:end (?:it all|everything|my life|things|it)|kill myself|"
     "take my (?:own )?life|not be alive)\\b"},
    {Kind::kPassive, 0, "passive_wish",
     "\\b(?:wonder|wondering|wondered|imagine|imagining|imagined) (?:what|how) it(?:'d| would|d) "
     "(?:be|feel) like to (?:just )?(?:die|be dead|not exist|not wake up|stop existing|"
     "disappear forever|be gone)\\b"},
    // A goodbye said as the last thing: "this is me saying bye for real", "ok. it's time. bye x",
    // "done. thank you for everything x".
    {Kind::kFarewellStrong, kNoNeg, "farewell",
     "\\bthis is me saying (?:goodbye|bye)(?: for real| for good| to (?:you all|everyone|all of "
     "you|you))?{END}|\\b(?:it's|its|it is) time (?:now )?(?:\\. |! |, )+(?:bye|goodbye|"
     "goodnight|night|love you)\\b"},
    {Kind::kFarewellStrong, kNoNeg, "lone_done",
     "^(?:i'm |im |i am |it's |its |and )?done (?:\\.|!|,) (?:thank you|thanks|thank u|ty) for "
     "everything\\b"},
    // Something ending on a date, "and so do i".
    {Kind::kIntent, 0, "intent",
     "\\b(?:ends?|ending|runs? out|expires?|finishes|is up)\\b(?: \\S+){0,6} (?:and|&) so "
     "(?:do|will|does|am) i\\b"},
    // A life one is not staying in.
    {Kind::kIntent, 0, "intent",
     "\\blife (?:i'm|im|i am|you're|youre|you are) not (?:staying|sticking around|going to be|"
     "gonna be) (?:in|for|around)\\b"},
    // Pills got from a doctor on a pretext: stockpiling.
    {Kind::kPrepStrong, 0, "preparation",
     "\\b{PILLS}\\b(?: \\S+){0,6} (?:and )?(?:said|told (?:him|her|them|the \\w+)) (?:that )?"
     "(?:i'd|i had|id|i) lost (?:them|it|the last (?:lot|box|ones)|my \\w+)\\b"},
    // Asking about suicidal thoughts "for me".
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:think|thinks|thinking|thoughts) (?:about|of) (?:suicide|killing (?:themselves|"
     "yourself|myself)|ending (?:it|their life|your life|my life))\\b(?: \\S+){0,14} (?:i'm |im "
     "|i am )?asking for (?:me|myself)\\b"},
    // A blade used somewhere private or on the skin.
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm_act",
     "\\b(?:blade|razor|sharpener)s?(?:'s)?(?: \\S+){0,12} (?:i )?used (?:it|them) (?:again )?"
     "(?:in the (?:loos?|toilets?|bathroom|restroom|shower|stalls?)|on (?:myself|my (?:arm|leg|"
     "thigh|wrist|stomach|skin|hip)s?))\\b"},
    // Standing at a railing and thinking of going over.
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:railing|railings|ledge|balcony|edge|parapet)(?: \\S+){1,10} (?:and )?(?:i )?(?:think|"
     "thinking|thought) (?:about |of )?(?:just )?(?:go|going|jump|jumping|step|stepping|climb|"
     "climbing) over\\b"},
    // The car and a hose.
    {Kind::kMethod, kAct | kFirst, "method",
     "\\b(?:the|my) car and (?:a )?length of (?:hose|hosepipe|tubing|pipe)\\b|"
     "\\b(?:hose|hosepipe|tubing|pipe)(?: \\S+){0,4} (?:to|from|on|onto|into) the exhaust\\b"},
    // Savings emptied into someone's account; a letter to open when a child is grown: weak alone,
    // preparation together.
    {Kind::kPrepWeak, kFirst, "preparation",
     "\\b(?:emptied|moved|transferred|put) (?:all )?(?:my|the) savings (?:into|to|over to) "
     "(?:my \\S+|his|her|their|the kids'?) "
     "(?:account|accounts)\\b|\\b(?:wrote|written|writing|left) (?:him|her|them|my \\w+|each of "
     "them) (?:a )?letters? (?:for (?:him|her|them) )?to open when (?:he's|she's|they're|he is|"
     "she is|they are|he turns|she turns|they turn|he's older|she's older)\\b"},
    {Kind::kLocation, kFirst, "attempt_in_progress",
     "\\b(?:i'm|im|i am|standing|sitting|climbed|climbing|i'm standing|i'm sitting) "
     "(?:\\w+ ){0,2}(?:on|at|over|onto) (?:the |a |my |this |our )?(?:(?:back|old|top|"
     "highest|railway|motorway) ){0,2}(?:ledge|bridge|roof|rooftop|railing|cliff|tracks|"
     "train tracks|rail|dam wall|quarry edge|viaduct|edge of (?:the|a) "
     "(?:roof|bridge|cliff|building)|top of (?:a|the|my) (?:building|bridge|parking garage|"
     "cliff|tower|car park))\\b"},
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|i've taken|have taken) (?:the|my|those|these|some|a few) "
     "(?:{PILLS})\\b"},
    {Kind::kOverdoseSymptom, 0, "overdose_symptoms",
     "\\b(?:heart (?:is )?(?:racing|pounding|beating so fast)|throwing up|vomiting|can't "
     "breathe|cant breathe|hard to breathe|dizzy|faint|sleepy|drowsy|can't keep my eyes open|"
     "cant keep my eyes open|blurry|chest (?:hurts|pain|pains)|seizing|seizure|passing out|"
     "losing consciousness|ears (?:are )?ringing|numb|feel (?:really )?(?:weird|strange|"
     "sick))\\b"},
    // ---- What the flat words still hid (risk_train10's remaining misses, fifth session) --------
    // An overdose told by counting, by the time it was taken or by what is gone, not by a verb
    // beside a drug's name: "took them at 11, it's nearly 1", "both boxes of the amitriptyline",
    // "already did it, the whole box", "the sleeping ones and dad's heart ones. all gone now".
    // Each is an emergency only with a symptom, a goodbye or a plea not to be rescued.
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|swallowed|downed|necked) (?:them|the stuff|it all|all of it|the lot|"
     "everything) at (?:\\d|half|about|around)|\\b(?:the whole|a whole|both|all the|all my) "
     "(?:box|boxes|packet|packets|bottle|bottles|strip|strips|blister packs?) of (?:the |my |his |"
     "her |mum's |mom's |dad's )?(?:\\w+ )?{PILLS}\\b|\\b(?:did it|done it|it's done|its done)"
     "(?: \\S+){0,2} (?:the whole|both|all the|all my) (?:box|boxes|packet|packets|bottle|"
     "bottles|strip|strips)\\b|\\b(?:sleeping|heart|pain|anti-sickness|anti sickness|blood "
     "pressure|nerve) (?:ones|tablets|pills)(?: \\S+){0,14} (?:all )?gone\\b"},
    // "after the tablets" with a racing heart is a side effect as often as an overdose: an
    // emergency only beside a goodbye, a wish to die or "that was the point".
    {Kind::kDoItNow, 0, "attempt_in_progress",
     "\\bafter (?:the|those|all the|all my|my) (?:{PILLS}|tablets)\\b(?: \\S+){0,3} (?:\\.|,) "
     "(?:that was|that's|thats) the (?:whole )?(?:point|idea)\\b"},
    {Kind::kContextCue, 0, "farewell", "\\bthat was the (?:whole )?point(?: \\.|$)"},
    {Kind::kOverdoseSymptom, 0, "overdose_symptoms",
     "\\bheart(?:'s| is)? (?:going|beating|racing) (?:really |so |very |super )?(?:fast|quick|"
     "weird|funny)\\b|\\bheart(?:'s| is)? (?:doing a (?:weird )?flutter|pounding weird|all over|"
     "fluttering|skipping)\\b|\\bpulse(?:'s| is)? (?:all over|racing|weird|going mad)\\b|"
     "\\beverything(?:'s| is)? (?:going|gone|getting) (?:slow|slower|blurry|fuzzy|dark|far away|"
     "wobbly|soft|grey|gray)\\b|\\beverything go grey\\b|\\btongue(?:'s| is)? (?:gone |going "
     "|feels )?(?:thick|numb|heavy|fat)\\b|\\broom(?:'s| is)? (?:keeps |won't stop |wont stop "
     ")?(?:tilting|"
     "spinning|going away|moving)\\b|\\bmi belly a hurt\\b|\\bi keep sweating\\b|\\bvision(?:'s| "
     "is)? (?:doing a wobble|going|gone|wobbly|blurry|"
     "funny)\\b|\\b(?:keep|can't stop|cant stop) yawning\\b|\\bfingers? (?:feel|feels) (?:miles "
     "away|far away|numb|weird)\\b|\\bchest (?:feels |is )?tight\\b|\\blips (?:go|gone|going|are|"
     "to go) numb\\b|\\bcold hands\\b"},
    // A plea not to be rescued or found, or to be kept company till the end: context for a
    // place, pills taken or a goodbye, nothing alone.
    {Kind::kContextCue, kNoNeg, "farewell",
     "\\b(?:don't|dont|do not|dinnae|no) (?:call|ring|phone|send) (?:the )?(?:cops|police|"
     "ambulance|an ambulance|999|911|112|000|anyone|anybody)\\b|\\b(?:not|won't|wont|i'm not|im "
     "not) calling (?:anyone|anybody|an ambulance|999|911)\\b|\\b(?:don't|dont|do not) (?:trace|"
     "track) me\\b|\\b(?:don't|dont|do not) come looking\\b|\\btell (?:nobody|naebody|no "
     "one|no-one)\\b|"
     "\\b(?:don't|dont|do not|dinnae) tell me (?:to|tae) go (?:home|hame)\\b|\\bno le digas a "
     "nadie\\b|\\b(?:can|will|could) you (?:just )?(?:talk to|stay with|stay w|stay on with) me "
     "(?:about anything|till|until|while|for a bit)\\b|\\bstay (?:with|w) me (?:till|until)\\b|"
     "\\btalk to me (?:till|until) (?:it|i)\\b|\\b(?:the )?(?:fast|express|non-stop|nonstop) "
     "(?:one|train|trains)(?:'s| is| are)? (?:doesn't|doesnt|don't|dont|does not|won't|wont) "
     "stop\\b"},
    // Places named without "i'm on": a harbour wall, the end of a platform, the top of a
    // stairwell or a gorge road; a car running; the place one picked.
    {Kind::kLocationWeak, 0, "attempt_in_progress",
     "\\b(?:harbour|harbor|sea|quay|pier) wall\\b|\\b(?:end|edge) of (?:the )?platform "
     "(?:\\d+|one|two|three|four)\\b|\\btop of the (?:stairwell|multi-storey|multistorey|car "
     "park|quarry|gorge|dam|cliffs?|cliff path)\\b|\\bstairwell(?: \\S+){0,3} window\\b|"
     "\\b(?:in|inside) the (?:car|garage|van)(?: \\S+){0,2} (?:running|runing|engine(?:'s| is)? "
     "(?:on|running))(?: \\.| ,|$| now| still)|\\b(?:driven|drove|walked|come|came|got|went) "
     "(?:out |up |down )?to the (?:place|spot) i(?:'ve| have)? (?:picked|chose|chosen|found|"
     "decided on)\\b"},
    {Kind::kLocation, kFirst, "attempt_in_progress",
     "\\b(?:i'm|im|i am) up on (?:the|a) (?:overpass|flyover|bridge|roof|ledge|railing|parapet|"
     "viaduct)\\b"},
    {Kind::kPrepWeak, 0, "preparation", "(?:^|\\. )shoes off(?: \\.|$)"},
    // Pills set out in rows beside a glass of water; "just finishing this message first"; the
    // fireworks that will cover the shot.
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:the )?(?:fireworks|thunder|storm) (?:will|would|'ll|should) (?:cover|drown out|"
     "hide|mask) the (?:noise|sound|bang|shot|gunshot){END}"},
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:laid|lined|counted|set) (?:out|up)(?: \\S+){0,6} in rows\\b|\\b(?:{PILLS}|tablets) "
     "(?:laid|lined|counted|set) (?:out|up)\\b"},
    {Kind::kFarewellStrong, kNoNeg | kFinal, "farewell",
     "\\b(?:just )?finishing this (?:message|text|post) first(?: \\.|$)"},
    // Last words without "goodbye": who to tell, what is written, the phone put away.
    {Kind::kFarewellWeak, 0, "farewell",
     "\\btell (?:the |my )?(?:\\w+ )?(?:i tried|i'm sorry|im sorry|i love (?:her|him|them)|it "
     "(?:wasn't|wasnt|was not) (?:her|his|their) fault)\\b|\\b(?:wrote|written|messaged|texted) "
     "(?:to )?everyone i (?:needed|wanted|had) to\\b|\\b(?:texted|rang|called|messaged|phoned|"
     "told) (?:the kids|the boys|the girls|my \\w+|everyone|them|him|her|mum|mom|dad)(?: "
     "\\w+){0,2} "
     "(?:just )?to say i love (?:them|you|her|him)\\b|\\b(?:i've |ive |i have )?(?:written|wrote) "
     "to (?:the kids|my kids|everyone|them all)(?: \\.|$| and)|\\b(?:they'll|they will|everyone "
     "will|people will|\\w+ will) say (?:they|she|he) (?:didn't|did not|never) see it coming\\b"},
    {Kind::kContextCue, 0, "farewell",
     "\\b(?:didn't|didnt|did not) (?:say|tell (?:them|him|her)) why\\b"},
    {Kind::kFarewellStrong, kNoNeg | kFinal, "farewell",
     "\\bno more (?:from me|messages from me|texts from me)(?: \\S+){0,3} ever\\b|\\b(?:i'm|im|i "
     "am|mi|me) (?:not|nah|never) (?:coming|comin|come|gonna come|going to come) back (?:from "
     "(?:this|dis)|this time|dis time)\\b"},
    {Kind::kAttemptNow, 0, "attempt_in_progress",
     "\\b(?:suicide|suicide attempt|ctb|catching the bus) in progress\\b"},
    // Bleeding that will not stop from a cut the writer made.
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\bcut (?:my|myself|into my)(?: \\S+){0,10} (?:soaking|soaked|bleeding|bled) (?:right )?"
     "through\\b|\\bpressing (?:on )?(?:it|the cut)(?: for)? (?:\\d+|ten|fifteen|twenty|half an "
     "hour)(?: \\S+){0,3} (?:and nothing|still bleeding|won't stop|wont stop|not stopping)\\b"},
    // Self-harm in other words: burns, bites, a band snapped till the skin breaks, "lines" on a
    // hip, a clean streak gone, scabs kept open, blood hidden, hunger deserved.
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:cigarette|lighter) burns? (?:on|into) my\\b|\\b(?:a |the )?lighter (?:on|to|against) "
     "my (?:\\w+ )?(?:ankle|arm|wrist|thigh|leg|skin|hand|stomach|hip)\\b|\\b(?:been|keep|kept) "
     "burning my (?:\\w+ )?(?:fingertips|fingers|arm|arms|wrist|thigh|skin|hand)\\b|\\b(?:used|"
     "using|use) the lighter (?:anyway|again)\\b|\\bbit my (?:arm|hand|wrist|forearm) so hard\\b|"
     "\\b(?:snap|snapping|snapped|flick|flicking) (?:the |a |my )?(?:hair band|hairband|hair "
     "tie|rubber band|elastic band|elastic) (?:on|against) my wrists?(?: \\S+){0,3} (?:till|until) "
     "(?:it )?(?:breaks|broke|bleeds|bled)\\b|\\b(?:did|do|doing|done) (?:a (?:few|couple of) "
     "|some |more )?lines (?:on|into|across) my (?:hip|hips|thigh|thighs|arm|arms|wrist|leg|legs|"
     "stomach|skin)\\b|\\bday (?:1|one) again with the (?:blade|razor|lighter)\\b|\\b(?:pulling|"
     "picking) (?:at )?(?:the|my) scabs? so (?:they|it) (?:don't|dont|won't|wont|can't|cant) "
     "heal\\b|\\bhiding (?:the )?(?:bloody|blood-stained|bloodstained) (?:tissues|towels|"
     "plasters|sheets|clothes)\\b|\\bsh tally\\b|\\bbecause of the sh\\b|\\binstead of (?:a|the|"
     "my) (?:blade|razor)\\b|\\blong sleeves(?: \\S+){0,8} (?:because of|to hide|so no one sees|"
     "so nobody sees) (?:what's|whats|what is) under (?:them|it)\\b|\\bnag-?cut (?:ulit )?ako\\b"},
    {Kind::kShAct, kSelfHarmCat | kUnlessSubstance, "self_harm_act",
     "\\b(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:days?|weeks?|"
     "months?) clean gone\\b"},
    {Kind::kShUrge, kSelfHarmCat, "self_harm_urge",
     "\\b(?:because|cos|cause|since) i (?:don't|dont|do not) (?:think i(?:'ve| have) )?(?:earned|"
     "deserve) (?:them|it|food|to eat)\\b|\\bi deserve to (?:feel hungry|starve|be hungry|bleed|"
     "feel pain)\\b"},
    // Active thoughts in other words: death offered as an option, the daydream where I'm gone,
    // the button I'd press, "not in a passive way"; and in Spanish and Tagalog.
    {Kind::kActive, kHyper, "active_ideation",
     "\\bwhat if (?:we|i) (?:just )?(?:died(?: '|{END}| every| and)|die\\b|didn't wake up\\b|ended "
     "it\\b)|\\b(?:offering|"
     "offers|suggesting|suggests|presents|presenting) (?:me )?(?:death|dying|suicide|ending it) "
     "(?:as|like) (?:an )?option\\b|\\b(?:daydream|fantasy|dream)(?: \\S+){0,8} (?:where|in "
     "which) (?:i'm|im|i am) (?:gone|dead|not here|not alive|not around)\\b|\\b(?:button|"
     "switch)(?: \\S+){0,6} (?:stop existing|not exist|disappear|just stop|be gone|end it|die)"
     "(?: \\S+){0,4} (?:i'd|i would|id) (?:press|push|hit|flip) it\\b|\\beasier it(?:'d| would|d) "
     "be if i (?:just )?(?:ended it|ended things|died|killed myself)\\b|\\b(?:done|finished) with "
     "being alive\\b|\\bgiving up on (?:being alive|staying alive)\\b|\\bnot in a passive "
     "way\\b|\\bnot a specific (?:way|method)(?: \\S+){0,3} (?:reading|"
     "looking|read|looked) about (?:people|others|those) who did it\\b|"
     "\\bi(?:'d| would|d) have ended it (?:already|by now|long ago)\\b|\\b(?:can't|cant|cannot) "
     "see myself (?:staying|being|still being) (?:alive|here)\\b|\\b(?:wanted|want|wanting|wanna) "
     "to "
     "kill (?:since|for (?:weeks|months|years|ages)|every (?:day|night))\\b"},
    // Spanish and Tagalog: the negation is part of the wish ("no quiero vivir", "ayoko na").
    {Kind::kActive, kNoNeg, "active_ideation",
     "\\bno quiero (?:estar aqu|vivir|seguir viviendo|existir)|\\bquiero morir|\\bganas de "
     "morir|\\bme quiero matar\\b|\\bayoko na (?:mabuhay|mabuhay pa)\\b|\\bgusto ko (?:na |nang "
     ")?(?:mamatay|magpakamatay)\\b"},
    {Kind::kIntent, 0, "intent", "\\bme voy a matar\\b|\\bmagpapakamatay na ako\\b"},
    {Kind::kAttemptNow, kMedicalCat, "attempt_in_progress",
     "\\bme (?:tome|tomé) (?:todas )?(?:las|mis) (?:pastillas|pildoras|píldoras)"},
    // A timeframe tied to a decision or an event: "friday is the day", "that's my signal", "so it
    // doesn't ruin christmas", "after prom". Weak alone.
    {Kind::kTimeStrong, 0, "timeframe",
     "\\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow|the "
     "weekend|weekend) (?:it is|is the day|is the night){END}|\\b(?:that's|thats|that is) my "
     "(?:signal|cue){END}|\\bis my deadline{END}|\\bso (?:it|i) (?:doesn't|doesnt|don't|dont|"
     "won't|wont) (?:ruin|spoil) (?:it|christmas|the wedding|her day|his day|their day|the day|"
     "everything)\\b|\\b(?:won't|wont|will not|don't want to|dont want to) (?:ruin|spoil) (?:her|"
     "his|their) (?:big )?day\\b|\\bnot long now(?: \\.|$)"},
    {Kind::kTimeframe, 0, "timeframe",
     "\\bafter (?:prom|graduation|my graduation|her wedding|his wedding|their wedding|results "
     "day|new year)\\b|\\b(?:new year's eve|bonfire night)\\b|(?:^|\\. )(?:the )?weekend(?: "
     "\\.|$)"},
    // A decision, a method known, a reason gone: weak alone, high beside another sign.
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:i can|then i can|i'll|i will) finally go(?: \\.| ,|$)|\\b(?:there's|theres|there is) "
     "nothing (?:stopping|"
     "holding) me\\b|\\bknows? (?:what's|whats|what is|how much is|how many is|how many are) "
     "enough\\b|\\bnot a cry for help\\b|\\b(?:the|my) (?:choice|decision)(?:'s| is| has been) "
     "made\\b"},
    {Kind::kHopeless, 0, "hopelessness",
     "\\b(?:the )?only (?:reason|thing) (?:i was|i'm|im|i am|keeping me) (?:still )?(?:here|"
     "holding on|alive|going|hanging on)\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:last|final) loose ends?\\b|\\bunsubscribed from everything\\b|\\b(?:took|taken|"
     "returned|gave) (?:the |my )?(?:library books|work laptop|work phone)(?: back)?\\b|\\btying "
     "up (?:the |my )?(?:last )?loose ends\\b|"
     "\\b(?:letters|the letters|notes|the notes) (?:are )?(?:written|sealed)(?: "
     "\\.|$)|\\b(?:he'll|she'll|they'll|he will|she will|they will) know what to do\\b|\\bin "
     "a folder for (?:my|the) \\w+\\b|\\b(?:she'll|he'll|they'll|mum'll|she will|he will) be on "
     "(?:her|his|their) own (?:after|from)\\b|\\b(?:looking|looked|look) (?:at|down at|over) the "
     "(?:drop|height|fall)\\b|\\bmeasured the (?:height|drop|beam|beams)\\b|\\blooking at the "
     "(?:\\w+ ){0,4}differently\\b|\\b(?:nicked|stole|pocketed|swiped|kept back|saved|hid|"
     "hoarded)(?: \\S+){0,3} (?:blister packs?|strips?|tablets|pills|boxes)(?: or two)? (?:each|"
     "every) (?:shift|night|day|week|visit)\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\b(?:the )?{PILLS} (?:are|is) (?:in|hidden in) my (?:coat |jacket |school )?(?:pocket|"
     "bag|drawer)\\b|\\b(?:the "
     ")?(?:shed|garage|barn|loft)(?:'s| has) got everything i need\\b"},
    {Kind::kGiving, 0, "giving_away",
     "\\b(?:told|said to) (?:my )?(?:\\w+ ){1,2}(?:she|he|they) can have (?:my|the) "
     "\\w+|\\b(?:take "
     "care of|look after|have|keep) my (?:\\w+ ){0,2}(?:when|after|once) i'm gone(?: \\.| ,|$)"},
    // Research: the insurance's suicide clause, whether one would wake up.
    {Kind::kResearch, 0, "method",
     "\\blife insurance(?: \\S+){0,3} (?:pays out|pay out|covers it|will pay)(?: \\S+){0,3} after "
     "(?:\\d+|one|two|three|a) (?:years?|months?)\\b|\\binsurance(?: \\S+){0,6} suicide(?: "
     "\\S+){0,10} (?:my (?:family|wife|husband|kids|children|partner) (?:will|would|'ll) "
     "need|asking because|asking for me)\\b|\\bwill i (?:definitely|actually|really|for sure) "
     "(?:not|never) wake up\\b|\\bwill i never wake up\\b|\\bafter (?:u|you|i|someone) "
     "(?:take|takes|took|swallow|"
     "swallows) (?:a whole|the whole|a full) (?:bottle|box|packet)\\b"},
    {Kind::kIntent, kAfterADeath, "intent",
     "\\b(?:going to|gonna|will|i'll) (?:go and see|go see|see|be with) my (?:brother|sister|mum|"
     "mom|dad|son|daughter|wife|husband|nan|gran|grandad|grandma|partner|friend|best friend) "
     "(?:soon|again)\\b"},
    {Kind::kPrepStrong, kOrdinaryPrep, "preparation",
     "\\b(?:wrote|written|writing|bought|left) (?:\\w+ )?(?:cards|letters) for(?: \\S+){0,3} "
     "(?:next|future)(?: \\w+)? birthdays\\b"},
    // ---- The last hours in other words again (risk_train11's classes) ----------------------
    // What was taken, told by the empty container, the count or the body: "the box is empty",
    // "the month's supply is in me now", "every blister in both packs popped", "all 32 gone".
    // An emergency with a symptom, a goodbye or a plea (kPillsTaken).
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:the|that|my) (?:box|packet|pack|bottle|tub|strip|blister pack|medicine cabinet)"
     "(?:'s| is| was) (?:empty|gone|finished)\\b|\\b(?:supply|pills|tablets|lot|box|packet|"
     "bottle|all of (?:them|it))(?: \\S+){0,8} (?:is|are) in me\\b|\\b(?:every|each) "
     "(?:blister|tablet|pill)(?: \\S+){0,4} popped\\b|\\ball \\d+ (?:gone|down|taken)(?: now)?(?: "
     "\\.|$)|"
     "\\bcleared out the (?:whole )?(?:medicine cabinet|meds drawer|medicine drawer|first aid "
     "box)\\b|\\bused everything i had (?:left )?in one go\\b|\\b(?:took|taken|had|swallowed) "
     "(?:like |about |around )?\\d+ of (?:the|my|those|his|her|mum's|mom's|dad's)\\b"},

    // Means in place: a ligature on the door handle or the beam, pockets full of stones.
    {Kind::kMeansStrong, 0, "means_access",
     "\\b(?:belt|cord|cable|noose|scarf|dressing gown cord)(?:'s| is)? (?:already (?:on|round|"
     "around|over|up on)|tied (?:to|round|around)|looped (?:over|round)) the (?:door "
     "handle|door|beam|banister|bannister|hook|rail|pipe|"
     "loft hatch|tree|wardrobe)\\b|\\brope(?:'s| is) (?:up )?(?:on|over|round) the (?:beam|"
     "rafter|banister|bannister|loft hatch)(?: \\S+){0,4} chair under it\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\b(?:(?:pockets?|rucksack|backpack|bag) (?:full of|filled with|loaded with)|fill(?:ing|ed)? "
     "my pockets with) (?:stones|rocks|"
     "bricks)\\b"},
    {Kind::kLocation, kFirst, "attempt_in_progress",
     "\\b(?:lying|lay|laying|lie|lie down) (?:across|on|between|down on) the (?:rails|tracks|"
     "railway line|train tracks)\\b"},
    {Kind::kLocationWeak, 0, "attempt_in_progress",
     "\\bwater(?:'s| is) (?:at|up to|past) my (?:knees|waist|chest|neck|thighs)\\b|(?:^|\\. "
     ")(?:canal lock|the weir|reservoir car "
     "park)\\b|\\b(?:edge|far end|end) of the (?:\\w+ )?(?:steps|pier|jetty|"
     "breakwater|quarry|lock)\\b|\\b(?:already|just) (?:climbed|stepped|got) over\\b"},
    {Kind::kContextCue, 0, "farewell",
     "\\b(?:shoes|coat|phone) off,? (?:going|walking|getting) in\\b|\\bnobody's home "
     "(?:till|until)\\b"},
    // Last words without goodbye: who must not come in first, whose fault it never was, who to
    // look after, the account going quiet.
    {Kind::kFarewellStrong, kNoNeg | kFinal | kFirst, "farewell",
     "\\b(?:don't|dont|do not) let (?:\\w+ ){1,2}(?:come in|go in) first\\b|\\btell (?:\\w+ "
     "){1,2}(?:it|this) (?:was|is|wasn't|wasnt|was not|isn't|is not)(?: never)?(?: ever)? "
     "(?:her|his|their|your|anyone's) fault(?: \\.|$|,)|\\b(?:not|never) (?:coming|getting|gonna "
     "come|"
     "going to come) out (?:of|from) (?:this|it) (?:one|time)(?: \\.|$|,)"},
    {Kind::kFarewellWeak, 0, "farewell",
     "\\b(?:look after|take care of) (?:my|the) (?:\\w+ ){0,2}(?:brother|sister|cat|dog|kids|"
     "boys|girls|mum|mom|son|daughter|babies) for me\\b|\\b(?:this account|my account|this page|"
     "my page) (?:goes|is going|will go) (?:quiet|dark|silent)\\b|\\bwhoever finds my "
     "(?:phone|body|stuff)\\b|\\btell (?:the |my )?\\w+ no hard feelings\\b|\\bthank you for "
     "(?:all )?the (?:chats|talks|other "
     "nights|late nights)\\b|\\bif you(?:'re| are)? read(?:ing)? this\\b|\\byou were the best "
     "(?:part|thing)\\b"},
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\b(?:letter|note|letters|notes)(?:'s| is| are) on the (?:kitchen )?(?:table|side|bed|"
     "pillow|desk)(?: \\.|$|,| for (?:mum|mom|dad|you|him|her|them|my \\w+))"},
    // ---- Thoughts, self-harm and plans in other voices (risk_train11's classes) -------------
    // Scots, Hinglish, Spanish and Tagalog forms of the commonest sentences; dropped g's.
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:thinkin|thinking) (?:aboot|about|bout) (?:endin|ending|toppin|topping|killin|killing) "
     "(?:it|masel|mysel|myself)\\b|\\b(?:marna|mar jaana|mar jana) (?:chahta|chahti) "
     "(?:hoon|hu|hun)\\b|\\bjeena nahi (?:chahta|chahti)\\b|\\bkhudkushi\\b|\\bsab khatam kar "
     "(?:doon|du|dun|dena)\\b|\\b(?:tempted|want|wanna) to just go\\b(?: \\S+){0,2} (?:like )?"
     "(?:from life|for good|permanently)\\b|\\bevery time i take my (?:meds|pills|tablets) i think "
     "about taking (?:all|the lot|all of them)\\b|\\bwhat if(?: ['\"])? "
     "(?:thoughts?|thinking)\\b(?: \\S+){0,14} (?:less|not) (?:['\"] )?what "
     "if(?: ['\"])? (?:and )?more (?:['\"] )?why not\\b|\\b(?:less|not) (?:['\"] )?what if(?: "
     "['\"])? "
     "(?:and )?more (?:['\"] )?why not\\b"},
    {Kind::kIntent, 0, "intent",
     "\\b(?:chhat|chat|terrace|roof|building|bridge|pul) se kood (?:jaunga|jaungi|jaaunga|"
     "jaaungi|jaoonga)\\b"},
    {Kind::kShAct, kSelfHarmCat, "self_harm_act",
     "\\b(?:hackin|hacking) (?:at )?(?:ma|my) (?:legs|arms|thighs|wrists)\\b|\\b(?:haath|hath|"
     "baazu|kalai) (?:pe|par) (?:blade|razor|chaku) (?:chala|chalaya|maara|mara)\\b|\\bme "
     "(?:corté|corte|lastimé|lastime) (?:otra vez|de nuevo)\\b|\\bnaglaslas (?:ulit )?ako\\b|"
     "['\"] (?:doing|did|done) art ['\"] on my (?:arms|arm|legs|thighs|wrists)\\b|"
     "\\bcatscratch\\b|\\bgone past (?:a|the) "
     "(?:band|elastic)\\b|\\bdug (?:my nails|into)(?: \\S+){0,4} (?:till|until) (?:it|they|my "
     "\\w+) (?:bled|opened|bleeds)\\b"},
    // An intrusive image of a means that keeps coming back: the bathroom cabinet, the car and
    // the wall.
    {Kind::kActive, 0, "active_ideation",
     "\\bintrusive thought(?: \\S+){0,4} (?:was|is) (?:my|the) (?:car|train|bridge|wall|"
     "window|pills|knife)\\b|\\bthe (?:bathroom cabinet|medicine cabinet|pills|knife drawer) "
     "keeps? coming into my head\\b"},
    // Plans told sideways: a pretext at the till, a schedule for the last message, a date on a
    // spreadsheet, a cover story, nothing left for anyone to deal with.
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\b(?:said|told (?:him|her|them|the \\w+)) it was for (?:balloons|a party|camping|the "
     "garden|work|a project)(?: \\S+){0,2} (?:\\.|,) (?:it's|its|it is) not(?: "
     "\\.|$)|\\b(?:it's|its) "
     "for me not (?:anyone|anybody) else\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:note|message|goodbye)(?:'s| is)? (?:typed|written|pinned|saved)(?: \\S+){0,6} (?:set|"
     "scheduled) (?:it )?(?:to send|for)\\b|\\bscheduled for the (?:morning|day|night) after "
     "my\\b|\\bwho gets what\\b(?: \\S+){0,12} the date\\b|\\bnothing left for (?:anyone|them|my "
     "\\w+) to (?:deal with|sort out|chase|clear)\\b|\\bso they don't ask questions after\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\bi'll know when the day is\\b|\\bwaiting for the (?:flat to be empty|house to be "
     "empty)\\b|\\bsomewhere you don't come back from\\b|\\b(?:if|in case) anything "
     "happens\\b(?: \\S+){0,6} (?:i didn't|i did not|already boxed)\\b|\\bwon't need a bag\\b|"
     "\\bwhen i'm gone(?: \\.| ,)? soon\\b|\\bthen i go(?: \\.|$)|\\b(?:dont|don't) want to spoil "
     "the\\b"},
    {Kind::kMeans, 0, "means_access",
     "\\bmy stash is\\b|\\b(?:rope|knife|blade|pills|tablets|stuff)(?:'s| is)? in (?:my|the) "
     "(?:boot|bag)\\b"},
    {Kind::kResearch, 0, "method",
     "\\bhow many (?:{PILLS}|of (?:them|those|my \\w+)) (?:is|are|would be) definitely enough\\b|"
     "\\bneed to know if i need another way\\b|\\b(?:tallest|highest)(?: \\S+){0,6} (?:lock|close|"
     "shut) the roof\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:don't|dont|do not) (?:try (?:and |to )?)?talk me out of it\\b|\\bwhen i do it(?: "
     "\\.|$)|"
     "\\b(?:i don't|i dont|ion|i ain't) (?:got|have) (?:much|long) (?:time )?left (?:on "
     "here|here)\\b|"
     "\\b(?:the )?character is (?:basically |just |literally )?me\\b|\\bwon't be needing a "
     "(?:parking )?ticket\\b|\\bsomewhere quiet when i go\\b"},
    // ---- The twelfth batch's classes (risk_train12: a chat half and a posts half) -------------
    // A goodbye the other person does not know is one; "it was nobody's fault . bye"; "this is
    // it . bye"; "it's happening . i love you mum".
    {Kind::kFarewellStrong, kNoNeg | kFinal | kFirst, "farewell",
     "\\b(?:doesn't|don't|didn't|doesnt|dont|didnt) know (?:it's|its|it is|it was|this is|this "
     "was|that it's|that this is) (?:the )?(?:last time (?:i'll|ill|i will|i get to|i'm|we'll|"
     "(?:she|he|they|you)(?:'ll| will) (?:see|hear|hug) me)|goodbye|a goodbye|my goodbye)\\b"},
    {Kind::kFarewellStrong, kNoNeg | kFinal, "farewell",
     "\\b(?:wasn't|wasnt|isn't|isnt|was not|is not) (?:anyone's|anyones|anybody's|anybodys|any "
     "of your|any of ur|nobody's) fault\\b(?: \\S+){0,6} (?:bye|goodbye)(?: x+)?(?: \\.|$)|"
     "(?:^|\\. |, )this is it (?:\\. |, )?(?:bye|goodbye)(?: x+| all| everyone| now)?(?: "
     "\\.|$)"},
    {Kind::kDoItNow, 0, "intent",
     "(?:^|\\. |, |okay |ok )(?:it's|its|it is) (?:happening|time)(?: now)? \\. i love "
     "(?:you|u)\\b"},
    // Thoughts in other words: the wheel on the flyover, the ways, the fight given up, the only
    // thing stopping me, a wish to do something about it, a coward's "if".
    {Kind::kActive, 0, "active_ideation",
     "\\b(?:think|thinking|thought|urge|tempted) (?:about |of )?(?:to )?(?:just )?(?:turning|"
     "yanking|jerking|swerving|pulling|letting go of) the (?:steering )?wheel\\b|"
     "\\b(?:think|thinking|thought|urge|tempted) (?:about |of )?(?:to )?(?:just )?(?:swerv\\w*|"
     "steer\\w*|veer\\w*|driv\\w*|crash\\w*) (?:the car )?(?:into|off) (?:the |a |an )?"
     "(?:oncoming (?:traffic|lorry|truck|car|bus)|wall|tree|barrier|lorry|truck|pillar|river|"
     "central reservation|median)\\b|"
     "\\b(?:think|thinking|thought) (?:about|of) (?:the |all the )?(?:different|possible|best|"
     "easiest|quickest|least painful) ways(?: \\.|$)|"
     "\\b(?:stop|stopped|give up|gave up|quit) fighting (?:the|these|my|those) (?:thoughts?|"
     "urges?)(?: \\.| \\?| ,|$| anymore| any more)|"
     "\\b(?:stop|stopped|stopping) existing on purpose\\b|"
     "\\b(?:anyone else|anybody else)(?: \\S+){0,12} (?:stop|stopped|give up|gave up) fighting "
     "(?:the|these|their|those) (?:thoughts?|urges?)(?: \\.| \\?| ,|$)|"
     "\\b(?:i'd|id|i would) (?:do it|have done it|go through with it)(?: \\S+){0,2} if (?:i "
     "wasn't|i wasnt|i weren't|i was not|i were not) (?:such |so )?(?:a )?(?:wimp|coward|chicken|"
     "scared|pussy|weak)\\b"},
    {Kind::kActive, kFirst | kNoNeg, "active_ideation",
     "\\bthe only (?:thing|reason|one|person|people) (?:stopping|holding|keeping) me (?:back )?"
     "(?:is|are|was) (?:my|the thought of my|the thought of|knowing) (?:\\w+ ){0,2}(?:dog|dogs|cat|"
     "cats|kids?|son|daughter|mum|mom|dad|family|pets?|nan|gran|sister|brother|parents|wife|"
     "husband|partner|faith|religion|mam)\\b|"
     "\\b(?:used to be|it was|it started as|it used to be) (?:just )?(?:wishing|wanting|hoping)"
     "(?: \\S+){0,8} (?:but )?now (?:it's|its|it is) (?:more like |more )?(?:i want to|i wanna|"
     "wanting to|planning)\\b"},
    // Asking what an autopsy finds, how high, whether forty of them would do.
    {Kind::kResearch, 0, "method",
     "\\b(?:show|shows|showing|turn|turns) up (?:in|on) (?:a |an )?(?:post mortem|postmortem|"
     "autopsy|tox screen|toxicology(?: report)?)\\b|\\b(?:undetectable|untraceable|detectable|"
     "traceable) (?:in|on|at|after) (?:a |an )?(?:post mortem|postmortem|autopsy)\\b|"
     "\\bhow (?:high|tall|far) (?:a |the )?(?:fall|drop|jump|building|bridge|balcony)(?: "
     "\\S+){0,3} "
     "(?:to|would|will) (?:\\S+ ){0,2}(?:not survive|be fatal|kill you|kill me|be enough)\\b|"
     "\\b(?:would|will|is|are) (?:\\d+|twenty|thirty|forty|fifty|a hundred) (?:of )?(?:the |my |"
     "these |those )?(?:\\d+ ?mg )?(?:ones|{PILLS}) (?:be )?enough\\b"},
    // A date now, and the calm it brings; a stash counted at night; the note in a pocket.
    {Kind::kIntentBare, 0, "timeframe",
     "\\bi (?:have|'ve got|got|picked|chose|set|finally have) (?:a|the) date(?: now)?(?: \\.|$)|"
     "\\b(?:it )?feels? (?:easier|better|calmer|lighter|more peaceful|peaceful) (?:now "
     ")?knowing(?: "
     "\\.|$| when)"},
    {Kind::kMeans, 0, "means_access",
     "\\b{PILLS} (?:\\S+ ){0,4}(?:under|in) my (?:bed|mattress|pillow)\\b"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\bi count (?:them|the {PILLS}|my {PILLS}) (?:when|every|at)\\b|\\b(?:did|done|wrote|written|"
     "finished) (?:the|my) note (?:this|last|on|today|tonight)\\b|\\bnote(?:'s| is)? (?:folded )?"
     "in my (?:coat |jacket |back )?pocket\\b|\\b(?:it's|its|it is) folded (?:up )?in my (?:coat "
     "|jacket "
     "|back )?pocket\\b|\\bi know "
     "which (?:river|bridge|building|cliff|car "
     "park|tree|train|one)(?: \\.|$)"},
    // Taken, told in other voices: Tagalog "nainom ko na lahat", patois "mi tek dem all", "all 3
    // packs of the co-codamol", "after the pills".
    {Kind::kPillsTaken, kMedicalCat | kFirst, "attempt_in_progress",
     "\\b(?:nainom|ininom|nilunok) ko (?:na )?(?:lahat|ang lahat)\\b|\\bmi (?:tek|take|tek weh|"
     "swallow) (?:dem|them|di|de) (?:all|whole)\\b|\\b(?:it was|was|took|taken|had) (?:all "
     ")?(?:\\d+|"
     "two|three|four|five|both) (?:packs|packets|boxes|bottles|strips) of (?:the |my )?{PILLS}\\b|"
     "\\bafter (?:the|all the|those|my) {PILLS} (?:\\. )?(?:i )?think it was (?:like |about "
     "|around )?\\d+\\b"},
    {Kind::kContextCue, 0, "farewell", "\\bsalamat sa lahat\\b"},
    // A bare apology as the last words ("... . sorry mum"): a goodbye, weak alone.
    {Kind::kFarewellWeak, 0, "farewell",
     "(?:^|\\. )(?:i'm |im |so )?sorry (?:mum|mom|mam|dad|mummy|daddy|everyone|all|guys)(?: "
     "x+)?(?: \\.)?$"},
    // Self-harm in the ways real posts tell it, usually beside "it's not about wanting to die":
    // cigarettes stubbed out on an arm, a heated spoon, a word carved with a pin, a blade on the
    // thighs. (Knuckles split on a brick wall and teeth in "the inside of my arm" are the older
    // punch and bite patterns, widened.)
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm_act",
     "\\b(?:stub(?:bing|bed)?|put(?:ting)?) (?:\\S+ "
     "){0,2}(?:fags|cigarettes|cigs|ciggies|cigarette|"
     "fag|joints?) out on my (?:upper |inner |lower |left |right "
     ")?(?:arm|arms|forearm|forearms|hand|hands|wrist|wrists|thigh|thighs|leg|legs|stomach|belly|"
     "hip|hips|chest|ankle|ankles|skin|shoulder|shoulders)\\b|\\bheat(?:ing|ed)? (?:up )?(?:a|the) "
     "(?:teaspoon|spoon|knife|key|"
     "coin|lighter|metal \\w+)(?: \\S+){0,10} (?:press|pressing|pressed|hold|holding|held|put|"
     "putting) it (?:onto|on|into|against|to) my\\b|"
     "\\bcarv(?:e|ing|ed) (?:\\S+ ){0,5}(?:into|on) my (?:upper |inner |lower |left |right "
     ")?(?:arm|arms|forearm|forearms|hand|hands|wrist|wrists|thigh|thighs|leg|legs|stomach|belly|"
     "hip|hips|chest|ankle|ankles|skin|shoulder|shoulders)\\b|\\b(?:using|use|used) (?:a|the|my) "
     "(?:safety pin|pin|compass|scissors|knife|lighter|blade|sharpener blade) on my (?:upper "
     "|inner |lower |left |right "
     ")?(?:arm|arms|forearm|forearms|hand|hands|wrist|wrists|thigh|thighs|leg|legs|stomach|belly|"
     "hip|hips|chest|ankle|ankles|skin|shoulder|shoulders)\\b|"
     "\\b(?:using|use|used) (?:a|the|my) razor on my (?:upper legs|thighs|arms|wrists|stomach|"
     "hips|inner arms?)\\b"},
    // Deeper than ever and not stopping.
    {Kind::kAttemptNow, kSelfHarmCat | kMedicalCat, "attempt_in_progress",
     "\\b(?:gone|went|it's|its|it is|cut is) (?:really |too |so |very )?deep(?: \\S+){0,10} "
     "(?:not stopping|won't stop|wont stop|isn't stopping|can't stop it|keeps bleeding)\\b"},
    // Counted in words and someone else's box: "about forty of my nan's co-codamol".
    {Kind::kPillsTaken, kMedicalCat, "attempt_in_progress",
     "\\b(?:took|taken|had|swallowed) (?:like |about |around |maybe )?(?:twenty|thirty|forty|fifty|"
     "sixty|seventy|eighty|a hundred|\\d+) of (?:my (?:\\w+'s|\\w+s')|(?:his|her) \\w+)\\b"},
    {Kind::kContextCue, 0, "farewell",
     "\\bjust wanted (?:someone|somebody|anyone) to know(?: \\.|$)"},
    // Found by someone: "I don't want anyone I love to be the one who finds me".
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\b(?:don't|dont|do not) want (?:\\S+ ){0,5}to be the (?:one|ones|person|people) "
     "(?:who|that) "
     "finds? me\\b|\\bby the time (?:they|he|she|you|my \\w+) (?:read|reads|open|opens|see|sees) "
     "(?:them|these|it|this|the \\w+)(?: \\S+){0,2} (?:it'll|it will|i'll|i will) be (?:over|"
     "gone|done|dead)\\b"},
    {Kind::kIntentBare, 0, "intent",
     "\\b(?:i've|ive|i have|i) (?:not|haven't|havent) (?:yet )?(?:settled|decided) on when\\b|"
     "\\bi think i'm (?:nearly|almost|about|finally) ready(?: \\.|$)|\\b(?:i'm|im|i am) (?:nearly|"
     "almost) ready(?: \\.|$)"},
    {Kind::kPrepWeak, 0, "preparation",
     "\\b(?:box|bag|envelope) (?:labelled|labeled|marked) for (?:my|the) \\w+\\b|\\btold (?:people|"
     "everyone|them|her|him|the \\w+) (?:it was|i was \\S+ (?:\\S+ ){0,4}because of) (?:because "
     "of )?(?:allergies|my heart|my health|a move|work)\\b|\\bthe last round of (?:visits|"
     "goodbyes|calls)\\b|\\bthere's nothing wrong with my (?:heart|health|chest|lungs)(?: \\.|$)"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:wondering|wonder|wondered) how (?:people|someone|anyone|they) (?:actually |even "
     "|really )?(?:go through with (?:it|killing|suicide|ending)|do it)\\b"},
    // Deaths counted are talk of the topic ("a viaduct that's had a number of suicides"; the
    // normaliser writes the plural as the singular).
    {Kind::kVeto, 0, "figurative",
     "\\b(?:a number of|several|many|multiple|two|three|four|\\d+|lots of|a lot of|more|fewer) "
     "suicides?(?: \\.| ,| on| at| in| there| here| since| this| last| every| a year| per)"},
    // An accidental double dose: a cold remedy that also holds paracetamol (the same drug twice
    // is no method and no means).
    {Kind::kVeto, 0, "figurative",
     "\\b(?:without (?:thinking|realising|realizing)|didn't realise|didn't realize|didnt realise|"
     "didnt realize|forgot) (?:that )?(?:it|they|the \\w+) (?:also )?(?:has|have|had|contains?|"
     "contained) {PILLS}\\b"},
    // A screening question asked is not an answer ("asked the question about harming myself").
    {Kind::kVeto, 0, "figurative",
     "\\b(?:question|questions) about (?:harming|hurting|killing) (?:myself|yourself|"
     "themselves)\\b"},
    // Letters for a grandchild's eighteenth birthday; means locked away from someone at risk;
    // a medicine asked about for what it treats; a bereavement group's name.
    {Kind::kVeto, 0, "figurative",
     "\\bletters? (?:to|for) my (?:\\w+ ){0,2}for (?:their|his|her) (?:\\w+ )?(?:birthdays?|"
     "weddings?|graduations?)\\b|\\b(?:keeping|kept|keep|locked|locking|lock|hid|hidden|hiding) "
     "(?:up |away )?(?:all )?(?:the|her|his|their) (?:\\w+ )?(?:{PILLS}|knives|guns?|rope|razors|"
     "blades) (?:locked|away|hidden|in a lockbox|in the safe|out of (?:reach|the house))\\b|"
     "\\b(?:tried|trying|try|taking|take|takes|prescribed|on) {PILLS} for (?:my |the |driving "
     "test |exam |performance )?(?:anxiety|nerves|migraines?|pain|sleep|insomnia|depression|adhd|"
     "blood pressure|tremors?|headaches?|period pain)\\b|\\b(?:bereavement|bereaved|loss|losses|"
     "survivors?) (?:by|of|after|from) suicide\\b|\\bsuicide (?:bereavement|loss|survivors?|"
     "awareness|prevention)\\b"},
    // ---- The thirteenth batch's classes (risk_train13: long posts and late-night chat) --------
    // Thoughts in other words: Pidgin "i wan comot for dis world", a coward's "if i had the guts",
    // "stop being", "how to" typed and deleted, forgiveness asked for those who do it.
    {Kind::kActive, kFirst, "active_ideation",
     "\\bi (?:wan|want|wanna|go) (?:comot|commot|comot go) (?:for|from|comot) (?:dis|this|di|the) "
     "world\\b|"
     "\\b(?:i'd|id|i would) (?:take myself out|do it|end it|go through with it|{SELFKILL})(?: "
     "\\S+){0,2} if i (?:had|found|got) the (?:guts|balls|nerve|courage|bottle|stomach)\\b|"
     "\\b(?:should|going to|gonna|want to|wanna|i'll|will|could) (?:just )?(?:actually )?stop "
     "being(?: \\.| ,|$| alive| here| at all| anymore)|\\bactually stop being(?: \\.| ,|$)|"
     "\\b(?:typing|typed|type|search|searched|searching|googl\\w*) ' ?how to ' ?(?:in|into) "
     "(?:google|the search\\w*|my phone|safari|chrome)(?: \\S+){0,2} (?:and|then) "
     "(?:deleting|delete|deleted|clearing|cleared)\\b"},
    {Kind::kActive, kFirst, "active_ideation",
     "\\b(?:god|allah|jesus) (?:forgives?|forgive) (?:people|someone|those|anyone|ppl|ones) who "
     "(?:do it|did it|kill themselves|take their own lives?|end it)(?: \\S+){0,6} i (?:think "
     "about|think of|consider|keep thinking about) (?:it|doing it)\\b|"
     "\\bif (?:you|u) (?:want|wanna) to (?:suicide|kill (?:yourself|urself)|die)(?: \\S+){0,2} "
     "(?:\\.|,|\\?) (?:well |and |yes |yeah )?i (?:do|really do)(?: want to| wanna)?(?: \\.|$)"},
    // Research asked "for me" or "for a plan": the liver shut down, how long until passing out.
    {Kind::kResearch, kFirst, "method",
     "\\bhow long (?:does it take|do they take|till|until|before)(?: \\S+){0,3} (?:to )?(?:shut "
     "down|destroy|wreck|fail|kill)(?: \\S+){0,1} (?:your|my|the|a) (?:liver|kidneys?|heart)"
     "(?: \\S+){0,3} (?:,|\\.)? ?asking for (?:me|myself)\\b|"
     "\\bhow long (?:till|until|before|does it take (?:to|till|until|before)) (?:you|u|i|someone|"
     "a person) (?:pass out|passes out|lose consciousness|black out)(?: \\S+){0,6} (?:\\.|,) "
     "(?:for|it's for) (?:a|the|my) plan\\b"},
    {Kind::kResearch, kFirst, "method",
     "\\bworking out where i'd (?:go over|jump|step off|go off)\\b|\\bso (?:it|i) (?:wouldn't|"
     "won't|doesn't|wouldnt|wont) land on (?:anyone|anybody|someone|a car|the road|people)\\b"},
    {Kind::kActive, kFirst, "active_ideation", "\\bkill thoughts\\b"},
    // Preparation told as logistics: a branch tested in the woods, goodbye videos made, a note
    // written and hidden, the door left unlocked so nobody has to break it, nobody looking
    // there, a letter timed to arrive after, tablets counted, how much of a medicine it takes.
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\b(?:already |i've |i have |i )?(?:checked|tested) (?:the|a|which) (?:branch|beam|rafter|"
     "hook)(?: already)?(?: \\.|$| will hold| holds| is strong| it'll hold)"},
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\bgoodbye (?:videos?|messages?|letters?|notes?|texts?|emails?) (?:are |is )?(?:all )?"
     "(?:filmed|recorded|written|done|ready|made|sorted)\\b|"
     "\\b(?:wrote|written|write|left) (?:a|the|my) (?:note|letter) (?:and|then) (?:hid|hidden|"
     "hide|put|left|tucked) it\\b|"
     "\\b(?:left|leaving|leave|unlocked) the (?:\\w+ )?door (?:unlocked|open) so (?:that )?(?:the "
     "|my |they |nobody |no one |someone )?(?:\\w+ )?(?:doesn't|don't|won't|wont|dont|doesnt|"
     "does not|will not|do not) (?:have to|need to) (?:break|kick|force|smash)\\b|"
     "\\b(?:nobody|no one|no-one) will (?:go )?(?:look|looking|think to look)(?: for me)? "
     "there\\b|"
     "\\bpost (?:the|my|a) (?:letter|letters|card|note) (?:to \\w+ )?(?:on (?:the )?\\S+ )?so "
     "(?:it|they) (?:arrives?|gets? there|lands?) (?:after|afterwards)(?: \\.|$| i'm gone| i've "
     "gone)"},
    {Kind::kPrepStrong, kFirst, "preparation",
     "\\b(?:i've|i have|i) (?:counted|added them up|worked it out)(?: them)? and (?:there's|there "
     "is|i have|i've got) enough(?: now)?\\b|"
     "\\bhow much of my {PILLS}(?: and the other \\w+)? (?:it )?(?:would|will|it'd) take\\b"},
    // Places, and being at them: the end of the platform past the sign, the trains that don't
    // slow down, a parapet with the legs on the outside.
    {Kind::kLocation, kFirst, "location",
     "\\b(?:i'm|i am|im) (?:at|on) the (?:far )?end of (?:the )?platform\\b|"
     "\\bpast the (?:sign|line|barrier|fence|railing) where (?:you're|you are|we're|people are) "
     "not (?:meant|supposed|allowed) to (?:stand|be|go|climb)\\b|"
     "\\bmy legs are (?:on the outside|over the (?:railing|railings|parapet|barrier))\\b|"
     "\\b(?:i'm|i am|im) (?:sitting|standing) on the (?:parapet|railing|railings|ledge|edge of the "
     "(?:roof|bridge|cliff|building|platform|car park|multi-storey))\\b"},
    {Kind::kIntent, kFirst, "intent",
     "\\b(?:doesn't|doesnt|don't|dont|won't|wont) (?:slow down|stop) at my station(?: \\S+){0,2} "
     "(?:\\.|,) (?:i'll|ill|i will|i'm gonna|gonna) be there\\b|"
     "\\b(?:take|taking) her out on my own(?: \\S+){0,3} and (?:no|not|never|won't|wont) come "
     "back\\b|"
     "\\bi want to do it (?:while|before) my (?:hands|body|legs|arms|mind) (?:still )?(?:work|"
     "works|can|fails?|goes?)\\b|"
     "\\bi've chosen my (?:\\S+ )?birthday(?: \\S+){0,8} (?:fitting|right|good|best) to stop\\b"},
    // Taken, told by what it does: "must be the 30 or so co-codamol".
    {Kind::kPillsTaken, kMedicalCat | kFirst, "attempt_in_progress",
     "\\b(?:must be|it's|its|that's|probably) the (?:\\d+|twenty|thirty|forty|fifty|whole box of|"
     "whole packet of) (?:or so |odd )?{PILLS}\\b"},
    {Kind::kOverdoseSymptom, 0, "overdose_symptoms",
     "\\b(?:lips|fingers|hands|face|tongue|mouth) (?:are |is |going |keep )?(?:tingling|tingly|"
     "going numb)\\b"},
    // Self-harm told by what it does for them: keys dragged across a wrist, "the only thing that
    // takes the edge off is cutting".
    {Kind::kShAct, kSelfHarmCat | kFirst, "self_harm",
     "\\b(?:drag|dragged|dragging|scrape|scraped|scraping|rake|raked|run|ran) my (?:keys?|nails|"
     "compass|house key|car key) (?:across|along|down|over|into) my (?:wrist|wrists|arm|arms|"
     "thigh|thighs|stomach|skin|legs?)\\b|"
     "\\bthe only thing that (?:takes the edge off|helps|works|calms me|stops it) is (?:cutting|"
     "burning myself|hurting myself|scratching myself)\\b"},
    // A goodbye to a place or a stage of life, a medal-winner's last exam, a forum left for a
    // good reason; an older sibling's attempt told in Tagalog.
    {Kind::kVeto, 0, "figurative",
     "\\b(?:goodbye|bye|farewell) (?:to )?(?:my |our |the )?(?:childhood |old |family )?(?:home|"
     "house|flat|school|uni|university|college|office|job|city|town)(?: forever)?\\b|"
     "\\bstop living (?:my|our|your) life (?:around|for|by|in)\\b"},
    {Kind::kMarkBenignFarewell, 0, "", "\\bi'll pop back\\b"},
    // An exam passed on the third attempt; a screening question asked and answered; a quota
    // cut again; a belt off a live wire.
    {Kind::kVeto, 0, "figurative",
     "\\b(?:passed|cleared|got|made|won|did|finished|got in|got through) (?:it |the \\w+ |my \\w+ "
     ")?(?:on|at|in) (?:my|the|his|her|our) (?:first|second|third|fourth|fifth|sixth|\\d+(?:st|nd|"
     "rd|th)) attempt\\b|\\b(?:asked|asks|ask|asking) (?:me )?(?:straight out |directly |outright "
     "|point blank )?(?:whether|if) i'd (?:had|been having|ever had) (?:any )?(?:thoughts of "
     "(?:suicide|killing myself|self-harm|harming myself)|suicidal thoughts)\\b|\\b(?:quota|quotas|"
     "budget|budgets|funding|hours|pay|wages|salary|benefits|prices?|rates?|staff|jobs|power|"
     "electricity|internet|wifi)(?:'s| has| have| is| are| was| were| got)? (?:been )?cut "
     "again\\b|\\b(?:got|get|getting|gave me|took) a belt (?:off|from) (?:a|the) (?:live )?(?:wire|"
     "socket|circuit|cable|fence|plug|mains)\\b"},
    // Real support chats' idioms (read on ESConv's seekers, evaluation only): burned out, "a bit
    // myself", pressure taken off oneself, a relationship others think should end or that "we
    // decided to end", an exit strategy from a job, a new medication begun, letters to friends
    // as a way of keeping in touch.
    {Kind::kVeto, 0, "figurative",
     "\\b(?:burn|burned|burnt|burning|burns) (?:myself|me) out\\b|\\b(?:a|a little|quite a|a "
     "tiny) bit myself\\b|\\b(?:take|taking|took|get|getting|got|lift|lifting) (?:some |the |a "
     "bit of |a little )?(?:pressure|weight|load|stress|heat|burden) off (?:of )?myself\\b|"
     "\\b(?:thinks?|think|says?|said|told me) i (?:need|should|have|ought) to end things\\b|"
     "\\bwe (?:have |had |'ve )?(?:\\w+ ){0,5}decided to end (?:things|it)\\b|\\bexit "
     "strategy\\b(?: "
     "\\S+){0,8} (?:work|job|company|boss|career|office|there)\\b|\\b(?:begun|began|started|"
     "starting|start|begin|beginning) (?:a |my |the |on )?(?:new )?(?:medication|meds|"
     "antidepressants?|tablets|pills)\\b|\\bletters? to (?:my )?(?:friends|family|pen ?pals?)(?: "
     "\\S+){0,2} (?:serves|helps|keeps|works)\\b|\\b(?:who|that) (?:want|wants|wanted|are "
     "trying|is trying|tried|try) to kill me\\b|\\bescape the noose\\b"},
    {Kind::kThirdParty, 0, "third_party",
     "\\b(?:kuya|ate|kapatid|pinsan|tita|tito|nanay|tatay|mama|papa|bestfriend|jowa) ko "
     "(?:nag-?try|nagtangka|sinubukan)(?: daw)? (?:mag-?suicide|magpakamatay)\\b"},
    {Kind::kVeto, 0, "figurative",
     "\\blegs? (?:are|is) (?:dead|killing me)\\b|\\bleg day (?:killed|is killing|"
     "destroyed|murdered) me\\b|\\b(?:jump|jumping|jumped) off the (?:high dive|high board|top "
     "board|diving board)\\b|\\bphone (?:go|gonna|will|is going to|about to|wan) (?:die|dead)\\b|"
     "\\b(?:rope|ropes|paracord) for (?:camping|climbing|the tarp|a tarp|the tent|a hammock|the "
     "hammock|towing|the boat|sailing)\\b"},
    // ---- Categories ----------------------------------------------------------------------
    {Kind::kThirdParty, 0, "third_party",
     "\\b(?:kill|killing|killed|hurt|hurting|hurts|cut|cutting|cuts|harm|harming|harms|"
     "hang|hanging|hanged|hung|shoot|shot|shooting|end|ending|starve|starving|burn|burning|"
     "burns|off|offing|drown|drowning) (?:himself|herself|themselves|themself)\\b"},
    {Kind::kThirdParty, 0, "third_party",
     "\\b(?:end|ending|take|taking|took) (?:his|her|their) (?:own )?life\\b"},
    {Kind::kThirdParty, 0, "third_party",
     "\\b(?:better off|happier|fine) without (?:him|her|them)\\b"},
    {Kind::kHarmOthers, kHyper, "harm_to_others",
     "\\b(?:want|wanna|wants|going to|gonna|will|i'll|thinking about|think about|urge to|"
     "urges to|fantasize about|fantasizing about|plan to|planning to|need to) (?:\\w+ ){0,2}"
     "(?:kill|killing|hurt|hurting|stab|stabbing|shoot|shooting|murder|murdering|strangle|"
     "strangling|beat up|poison|poisoning|choke|choking) (?:him|her|them|someone|somebody|"
     "people|everyone|everybody|my \\w+|other people|others|a person|that (?:guy|girl|man|"
     "woman|bitch|bastard))\\b"},
    {Kind::kHarmOthers, 0, "harm_to_others",
     "\\bshoot up (?:the|my|a|our) (?:school|work|office|class|mall|church|college)\\b"},
    {Kind::kHarmOthers, 0, "harm_to_others",
     "\\b(?:hurting|hurt|harm|harming|killing) (?:other people|others|someone else)\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:he|she|they|him|my (?:\\w+ )?(?:dad|father|mom|mum|mother|stepdad|stepfather|"
     "stepmom|stepmother|boyfriend|girlfriend|husband|wife|partner|ex|uncle|aunt|brother|"
     "sister|grandpa|grandfather|grandma|parents|teacher|coach|boss|cousin|bf|gf|"
     "fiance|fiancé)) (?:\\w+ ){0,2}(?:hits|hit|beats|beat|punches|punched|slaps|slapped|"
     "chokes|choked|kicks|kicked|strangled|strangles|rapes|raped|molests|molested|touches|"
     "touched|abuses|abused|hurts|hurt|burns|burned|locks|locked|lock|forces|forced|"
     "threatens|threatened|grabbed|grabs|pushed|pushes|shoved|shoves|whips|whipped|"
     "starves|starved|assaulted|assaults) me\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:threaten|threatens|threatened|threatening) to (?:kill|hurt|beat|hit|take) me\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:i was|i've been|i got|i have been|getting|being|i'm being|im being) "
     "(?:\\w+ )?(?:raped|molested|sexually assaulted|sexually abused|abused|assaulted|groped|"
     "trafficked|groomed)\\b"},
    {Kind::kAbuse, 0, "abuse", "\\b(?:the|my|after the|since the) (?:rape|assault|abuse)\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:won't|wont|doesn't|does not|will not) let me (?:leave|go out|see my|have my "
     "phone|talk to|eat|sleep)\\b"},
    {Kind::kAbuse, 0, "abuse", "\\b(?:scared|afraid|terrified) (?:to go|of going) home\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:scared|afraid|terrified) of my (?:dad|father|mom|mum|mother|stepdad|stepfather|"
     "husband|boyfriend|partner|wife|girlfriend|parents|uncle)\\b"},
    {Kind::kAbuse, 0, "abuse",
     "\\b(?:domestic violence|domestic abuse|child abuse|sexual abuse)\\b"},
    {Kind::kAbuse, 0, "abuse", "\\b(?:lock|locks|locked) me (?:in|out)\\b"},
    {Kind::kSubstance, 0, "substance",
     "\\b(?:drunk|wasted|hammered|blackout|blacking out|blacked out|hungover|high on|"
     "so high|i'm high|im high|getting high|got high|stoned|relapsed on|using again|"
     "drinking (?:every|again|alone|heavily|too much|a lot|to cope|until|so much)|"
     "been drinking|can't stop drinking|addicted to|addiction|heroin|cocaine|meth|"
     "fentanyl|opioids|weed|alcohol|vodka|whiskey|sober|sobriety|booze|alcoholic|"
     "smoking weed|high every day|drinking problem|pills to get high|"
     "xanax|ketamine|mdma)\\b"},
    {Kind::kMedical, 0, "medical",
     "\\b(?:chest (?:pain|pains|hurts)|arm is numb|can't breathe|cant breathe|"
     "having a seizure|seizures?|unconscious|won't wake up|wont wake up|not breathing|"
     "blood sugar|double dose|took too much of my|allergic reaction|anaphylaxis|"
     "stroke|heart attack)\\b"},
    {Kind::kAccident, 0, "medical",
     "\\b(?:accidentally|by accident|by mistake|accidental|mistakenly)\\b"},
    {Kind::kProtective, 0, "protective",
     "\\b(?:won't|would never|will never|wouldn't|not going to|never going to|don't plan to|"
     "have no plan to|no plans to|not planning to) (?:ever )?act on (?:it|them|those|these)|"
     "\\b(?:reasons to live|reason to live|for my (?:kids|children|family|mom|dog|cat)|"
     "i'm safe|im safe|i am safe|i'll be okay|won't do anything|not going to do anything|"
     "wouldn't do anything|i'll be ok|i promise|my therapist|"
     "safety plan|crisis line|called the hotline|doing better|feel hopeful|"
     "glad i'm still here|glad to be alive|happy to be alive)\\b"},
    // ---- Vetoes: fixed figurative phrases ------------------------------------------------
    {Kind::kVeto, 0, "figurative",
     "\\b(?:die|dye|dying|dyed) (?:my|your|her|his|our|the) (?:hair|clothes|shirt|beard)|"
     "\\bdie (?:of|from) (?:cringe|embarrassment|laughter|laughing|boredom|shame|happiness|"
     "cuteness|excitement|hunger|heat|thirst|secondhand embarrassment|old age|natural causes)|"
     "\\b(?:kill(?:ing)?|kms|killed) myself (?:laughing|in (?:minecraft|the game|fortnite|"
     "roblox|game|sims|gta)|(?:at|in) (?:the gym|work|training|practice|the office|school)|"
     "(?:working|studying|training|working out|at work))|\\bsuicide "
     "(?:squad|mission|doors?|run|runs|drill|drills|lane|wings|knob|seat|hot wings|"
     "sprint|sprints|burpees|king|boys|silence|note by|girls|forest|season)|"
     "\\b(?:social|career|political|commercial|financial|electoral|brand) suicide|"
     "\\bend(?:ing|ed|s)? (?:it|things|stuff) (?:off )?with\\b|\\bhang(?:ing|in)? (?:out|on|up|in "
     "there|with|around)\\b|"
     "\\bhung (?:out|up|around)\\b|"
     "\\boverdos(?:e|ed|ing) (?:of|on) (?:netflix|cuteness|sugar|caffeine|coffee|candy|"
     "chocolate|tiktok|anime|memes|love|cute|kdramas|k-dramas|vitamins|tv|gaming)|"
     "\\bhurt myself (?:at|playing|doing|lifting|while|during|skiing|skating|running|in the "
     "gym|on the|working out|by accident|accidentally|falling|when i fell)|"
     "\\b(?:drop dead|dead serious|bored to death|scared me to death|"
     "scared to death|death of me|do or die|die hard|laughed myself to death|"
     "(?:is|are|was|were|looks|look|smells|tastes|be) to die for|"
     "worked myself to death|love (?:\\w+ ){0,2}to death)|"
     "\\bcut (?:myself|my \\w+) (?:shaving|cooking|chopping|on (?:a|the) (?:glass|paper|can|"
     "knife|fence)|by accident|accidentally|while)|"
     "\\bburn(?:ed|t)? myself (?:cooking|on the (?:stove|oven|pan|iron|kettle)|with (?:the )?"
     "(?:curling iron|straightener|hot water|coffee|tea))|"
     "\\b(?:jump|jumping) (?:off|from|into|in|on) (?:the |a )?(?:diving board|pool|boat|dock|"
     "trampoline|couch|bed|call|zoom|meeting|shower|lake|water|sea|ocean|river)|"
     "\\bhit me up\\b|\\bshoot me a\\b|\\bend (?:it|things) (?:on a|with a|early|here|there)\\b|"
     "\\bwake up (?:late|early|on time|in time|at \\d)\\b|\\b(?:tired|sick|exhausted) of living "
     "(?:with|in|at|near|here|there|alone|like this with|paycheck)\\b|\\b(?:shoot|shooting|shot) "
     "myself in the foot\\b|"
     "\\b(?:almost|nearly) (?:killed|kill|killing) myself (?:on|tripping|falling|when|by|with|in|"
     "at|trying|doing)\\b|\\bhurt myself laughing\\b|\\bdie on (?:this|that|the) hill\\b|"
     "\\bkilling myself with (?:all )?(?:this|the|my|so much|all the) \\w+|"
     "\\bhopeless (?:about (?:the|my \\w+'s|this|that|our|his|her|their)|romantic|case|at)\\b|"
     "\\bdisappear (?:into|in) (?:a|the|my)\\b|\\bdisappear for (?:a|the) (?:week|weekend|day|"
     "few days|bit|while)\\b|"
     "\\b(?:i'd|i would|would|i'll|i will) (?:literally |honestly |totally |so )?(?:jump off a "
     "(?:cliff|bridge|building)|die|kill|take a bullet|walk into traffic) for\\b|"
     "\\blast (?:message|post|text|words) (?:for|before|of the)\\b"},
    // ---- Sentence markers ----------------------------------------------------------------
    {Kind::kMarkLaugh, 0, "",
     "\\b(?:lol|lols|lolol|lmao+|lmfao|rofl|haha\\w*|hehe\\w*|ahah\\w*|jk|just kidding|"
     "only kidding|i'm kidding|xd|lel|kek|joking|jokingly|as a "
     "joke|respectfully|i'm deceased|i am deceased|im "
     "deceased)\\b|🎉|🥳|😁|😄|😂|🤣|💀|😆|🙃"},
    {Kind::kMarkTrivial, 0, "",
     "\\b(?:exams?|test|tests|quiz|quizzes|homework|hw|class|classes|lecture|lectures|"
     "assignments?|essays?|finals|midterms?|math|maths|calculus|chemistry|physics|algebra|"
     "meeting|meetings|workshop|workshops|webinar|webinars|powerpoint|training "
     "day|zoom|shift|boss|coworkers?|traffic|commute|songs?|music|playlist|"
     "game|games|team|match|movie|show|episode|ads?|commercials?|wifi|internet|mondays|monday "
     "mornings?|"
     "sundays|sunday scaries|weather|heat|cold|line|queue|cringe|crush|tripped|embarrass\\w*|fries|"
     "dishes|laundry|minecraft|fortnite|roblox|sims|gta|grades|taxes|paperwork|emails|"
     "group project|presentation|deadline|spreadsheet|zoom call|lecturer|professor|"
     "customer|customers|noise|neighbors|neighbours|printer|laptop|phone|wifi|netflix|"
     "tiktok|spider|pizza|coffee|crocs|party|dentist|alarm|8am|flight|diet|gym|overtime|church|"
     "chores|in-laws|inlaws|family dinner|karaoke|group chat|voice note|ex's photo|"
     "accidentally|the ref|referee|penalty|pineapple|favourite show|fav show|form|forms|permit|"
     "parking|spoilers?|charger|lunch|toast|duvet|leg day|pt|personal trainer)\\b"},
    {Kind::kMarkMishap, 0, "",
     "\\b(?:the|my|this) (?:\\w+ ){0,2}i mean\\b|\\bkaraoke\\b|\\bbanger\\b"},
    {Kind::kMarkMishap, 0, "",
     "\\b(?:wrong group chat|wrong chat|accidentally (?:liked|sent|replied|called|texted|"
     "posted|unmuted|waved)|called my (?:teacher|professor|boss|lecturer|manager) (?:\" )?"
     "(?:mum|mom|dad|mommy|mummy|babe)|in front of (?:everyone|the whole class)|pineapple on|"
     "on my pizza|liked my ex's|left my mic on|unmuted|reply all|in front of my "
     "(?:crush|class|boss)|"
     "glass door|same (?:dress|outfit|shirt) as|salt in my (?:tea|coffee)|instead of sugar|"
     "duolingo|streak|my tweets|the cringe)\\b"},
    {Kind::kMarkCryLaugh, 0, "", "😭|😩|🥲|😅|🫠"},
    {Kind::kMarkTopic, 0, "",
     "\\b(?:essay|assignment|coursework|dissertation|seminar|paper|research|prevention|awareness|"
     "statistics|stats|rates?|"
     "documentary|article|articles|film|book|novel|character|characters|lyrics|squad|"
     "hotline|lifeline|helpline|lecture|podcast|(?:the|this|that|last|next|latest|new|an|one|"
     "every|first|final) episode|episode (?:of|where|\\d+)|news|"
     "presentation|counselor|counsellor|volunteer|contagion|"
     "werther|warning signs|training|course|intervention|first aid|asist|safetalk|module|"
     "webinar|jokes?|memes?|discord|asks about|asked about|asking about|the form|leading cause|"
     "risk factors|is it true|detect|programmed|researching|recruiting|study|studies|we learned|"
     "in chem|in class|in biology|in science|what does|what do \\w+ mean|meaning of|"
     "psych class|nursing|nurse|plot|fiction|movie|show|musical|poem|"
     "documentaries|thesis|dissertation|seminar|workshop|campaign|fundraiser|scene|western|"
     "how do you help|how to help|how do i help|how can i help|someone who|people who|"
     "talk to teens|sign of|signs of|difference between|what are the|psychology|"
     "discussed|talked about|learned about|learning about|reading about|read about|"
     "heard about|lecture on|genre|playlist|never the answer|not the answer|isn't the answer|"
     "reach out|if you're struggling|you are not alone|you're not alone|suicide loss|"
     "common in|are common|are normal|is common|my doctor told me|doctor said|"
     "loss survivor|died by suicide|died of suicide|lost (?:\\w+ ){1,3}to suicide|"
     "committed suicide|talked to us about|told us about|taught us about|"
     "lesson on|lesson about|if i (?:say|said|tell|told|mention|mentioned|talk about)|"
     "something about|just asking|asking for later|teacher|health class|assembly|is that "
     "true|i "
     "read that|read that|i "
     "heard that)\\b"},
    {Kind::kMarkPast, 0, "",
     "\\b(?:used to|years ago|year ago|months ago|month ago|when i was|as a (?:kid|teen|"
     "teenager|child)|in (?:high|middle|elementary|primary|secondary) school|"
     "back in (?:19|20)\\d\\d|back in (?:high school|college|school|the day|uni)|"
     "back then|in the past|at the time|at that time|last year|a while ago|a while back|"
     "long time ago|long ago|in (?:19|20)\\d\\d|when i was younger|as a teenager|"
     "in my teens|years back|for a while there|at \\d+ i|when i was \\d+)\\b"},
    {Kind::kMarkRecovery, 0, "",
     "\\b(?:doing (?:a lot |so much |much )?better|better now|therapy helped|meds helped|"
     "is better since|feel better|feeling better|much better|better these days|"
     "in a better place|better place now|in a good place|good place now|"
     "days clean|months clean|years clean|weeks clean|clean for|clean from|clean since|"
     "i'm clean|im clean|i survived|survivor|recovered|in recovery|recovering|"
     "i'm okay now|im okay now|i'm ok now|got help|getting help|haven't since|"
     "never again|i'm proud|im proud|proud of myself|got through it|"
     "made it through)\\b"},
    {Kind::kMarkPresentStrong, 0, "",
     "\\b(?:again|are back|is back|came back|coming back|relapsed|relapse|"
     "lately|these days|right now|currently|still)\\b"},
    {Kind::kMarkPresentWeak, 0, "",
     "\\b(?:now|today|this week|last night|yesterday|this morning|earlier|recently|"
     "this weekend|last week|a few days ago|days ago|hours ago|minutes ago|just|"
     "this afternoon|tonight)\\b"},
    {Kind::kMarkImmediacy, 0, "",
     "\\b(?:now|right now|rn|as we speak|this is it|here i go|about to|"
     "the train is coming|no turning back|can't stop me|in \\d+ (?:mins?|minutes)|counting to|"
     "one by one|comes in \\d+|going over|climbing over|already started|i've started|"
     "goodbye|bye)\\b"},
    {Kind::kMarkBenign, 0, "",
     "\\b(?:photos?|pictures?|pics|selfies?|view|views|sunset|sunrise|scenery|waiting "
     "for|fishing|the rods|angling|(?:train|bus)(?:'s| is) (?:late|delayed|cancelled)|"
     "with my friends|with friends|walk|walking|hike|hiking|running|tourist|enjoying|"
     "beautiful|gorgeous|stargazing|fireworks|party|bbq|barbecue|braai|picnic|fixing|"
     "cleaning the gutters|clearing the "
     "gutters|gutters|ladder|roofer|tiles|aerial|repair|shingles|antenna|drone|trip|vacation|"
     "holiday|"
     "visiting|travelling|traveling|dentist|flight|conference|camping|business trip|climbing|"
     "bouldering|abseiling|sailing|boat|tent|crossfit|tow|towing|tree swing|garden|hammock|"
     "so hyped|the move|moving (?:abroad|house|out|away|to)|relocat\\w+|emigrat\\w+|"
     "(?:get|getting|got|fetch|fetching|retrieve|retrieving) (?:\\S+ ){0,3}(?:ball|football|"
     "frisbee|kite|shuttlecock|drone|cat|kitten)s?)\\b"},
    {Kind::kMarkBenignFarewell, 0, "",
     "\\b(?:speak tomorrow|talk tomorrow|off to bed|stepping down|step down|as (?:a )?(?:moderator|"
     "mod|admin|captain|chair|editor)|going to bed|heading to bed|early start|"
     "night night|goodnight|good night|speak soon|"
     "talk soon|ttyl|new owners|old house|at the funeral|lovely service|memorial|work family|"
     "old car|moving out|moved "
     "out|exams?|revision|revising|(?:disappear|offline|away|gone) for (?:a|the) (?:week|weekend|"
     "month|few days|bit|while)|retire|retiring|retired|retirement|staff room|staffroom|leaving "
     "do|handed in my (?:badge|notice|keys)|onwards and upwards|new job|last day at (?:the "
     "\\w+|work|"
     "the office|school|uni)|years of (?:teaching|service|working)|anniversary|surprise|"
     "valentine's|treasure hunt|i'm deceased|i am deceased|im deceased|salad era|"
     "(?:goodbye|bye)(?: \\S+){1,5} hello|leaving card|retirement card|leaving (?:present|gift)|"
     // Leaving a group chat or a course, not life.
     // (Not "turning my notifications off" or "changing my number": withdrawing can be a sign.)
     "(?:leaving|left|exiting|muting|muted|quitting) (?:the|this|our) (?:group|group chat|gc|"
     "chat|server|channel)|(?:because of|cos of|coz of) (?:all )?(?:the )?notifications|the "
     "notifications (?:are|were)|(?:dropping|dropped|quitting) (?:the|my|this) (?:course|class|"
     "module)|my new (?:phone )?number is)\\b"},
    {Kind::kMarkBenignFarewell, 0, "",
     "\\bsee (?:you|u|ya|y'all) (?:in|next|soon|later|after|tomorrow|at|then|in a|on (?:monday|"
     "tuesday|wednesday|thursday|friday|saturday|sunday|the \\d))|\\b(?:going|go|went) offline\\b|"
     "\\blogging off\\b|\\btaking a break from\\b|\\b(?:to|gotta|have to|need to) revise\\b|"
     "\\bback (?:in|on|next|after) \\w+|\\bfor the (?:summer|holidays|semester|week|weekend)\\b"},
    // Why people who are not at risk put their affairs in order or make a will.
    {Kind::kMarkOrdinaryReason, 0, "",
     "\\b(?:before|ahead of|for) (?:my |the |our |his |her |a |an )?(?:\\w+ )?(?:surgery|"
     "operation|op|procedure|transplant|move|emigration|deployment|posting|tour|wedding|"
     "honeymoon|retirement|due date|birth)\\b|"
     "\\b(?:solicitor|solicitors|lawyer|lawyers|attorney|notary|accountant|financial "
     "(?:adviser|advisor|planner)|estate planning|probate|power of attorney|life insurance|"
     "mortgage|executor|inheritance tax)\\b|"
     "\\bnow (?:that )?(?:the baby|the twins|the kids are|we're married|we are married|we have "
     "kids|we've got kids|i've got kids|i have kids|we bought|we own|i own)\\b|"
     "\\b(?:since|as|because) (?:we|i) (?:bought|got married|had (?:a|the|our) baby|own)\\b|"
     "\\beveryone should (?:have|do|make|write) (?:one|it|this|a will)\\b|"
     "\\bjust being (?:organised|organized|sensible|responsible|practical|prepared)\\b|"
     "\\b(?:fit as a fiddle|in good health|healthy as a horse|nothing wrong with me)\\b|"
     "\\b(?:cancer|terminal|terminally ill|palliative|hospice|oncologist|chemo|bypass|the "
     "surgeon|death cleaning)\\b|"
     "\\b(?:emigrat\\w+|relocat\\w+|moving (?:abroad|overseas|countries|house|to))\\b"},
    {Kind::kMarkLyrics, 0, "",
     "\\b(?:banger|karaoke|chorus|lyrics?|song|songs|sings|sang|singing|quote|quoting|line "
     "from|lines from|"
     "comments?|youtube|tiktok|movie|film|book|character|episode|show|says in|album|"
     "rapper|band|poem|meme|memes|twitter|reddit post|post said)\\b"},
    {Kind::kMarkHypothetical, 0, "",
     "\\b(?:if i ever|if i were ever|if i was ever|what if|hypothetically|hypothetical|"
     "what would you|how would you|imagine if|just imagine|suppose|supposing|"
     // "let's pretend", not "i pretend to laugh" (masking is not a hypothetical).
     "let's say|let's pretend|lets pretend|pretend (?:you|you're|ur|for a (?:second|moment|minute)|"
     "we're|we are|i'm a|im a|i am a)|in a dream|in my dream|what happens if|if someone|"
     "if a person|if a user|if somebody|if a friend|how do you|how do i help|"
     "what do you do when|what should i say)\\b"},
    {Kind::kMarkCausal, 0, "",
     "\\b(?:makes? me|made me|making me|if i have to|if i hear|if i see|if i fail|"
     "if i get|if i don't get|one more|another|if they|if he|if she|if this|if my|"
     "when i have to|every time i|before i have to|for (?:eating|saying|doing|forgetting|being|"
     "wearing|buying|liking|watching|missing))\\b"},
};

}  // namespace

std::span<const PatternDef> Patterns() { return kPatterns; }

std::string ExpandPattern(std::string_view regex) {
  std::string out(regex);
  // Placeholders may nest (e.g. {PILLS} inside a placeholder); expand until none is left.
  for (int pass = 0; pass < 4; ++pass) {
    bool changed = false;
    for (const auto& [name, value] : kPlaceholders) {
      size_t pos = 0;
      while ((pos = out.find(name, pos)) != std::string::npos) {
        out.replace(pos, name.size(), value);
        pos += value.size();
        changed = true;
      }
    }
    if (!changed) break;
  }
  return out;
}

}  // namespace haven::nlp::risk_internal
