// Topics from a phrase lexicon over the canonical tokens.
//
// Each lexicon entry is a phrase of one to six canonical tokens (written with "{a|b}" choices)
// with a topic and a weight (1.0 for an unambiguous word like "landlord", less for words with
// other senses like "work" or "pain"). Single words also match with a plural "s", and "dad's"
// matches "dad". Matching looks up every token n-gram in a hash map, so it is word-boundary
// aware and linear in the text. A longer phrase silences the weak or same-topic phrases inside
// it ("broke up" is about a relationship, not money), and blocker phrases silence what they
// contain ("tired of" is not about sleep). A topic's score is 1 - exp(-1.2 * weight), where
// weight sums its distinct phrases (a repeated phrase adds a quarter of its weight); topics
// under 0.35 are dropped.
#include "nlp/topics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

struct Entry {
  std::string_view phrase;
  float weight;
};

struct TopicLexicon {
  std::string_view topic;
  std::vector<Entry> entries;
};

// Weights: 1 = the word is about the topic; 0.5 = usually; 0.3 = only with other evidence.
const std::vector<TopicLexicon>& Lexicon() {
  static const auto* k = new std::vector<TopicLexicon>{
      {"work", {{"job", 0.95},        {"boss", 1},        {"work", 0.6},      {"working", 0.5},
                {"workplace", 1},     {"coworker", 1},    {"co-worker", 1},   {"colleague", 1},
                {"manager", 0.8},     {"promotion", 0.9}, {"career", 1},      {"interview", 0.6},
                {"job interview", 1}, {"shift", 0.4},     {"shifts", 0.6},    {"office", 0.6},
                {"salary", 0.5},      {"overtime", 1},    {"my employer", 1}, {"hr", 0.6},
                {"deadline", 0.5},    {"workload", 1},    {"internship", 1},  {"quit my job", 1},
                {"at work", 1},       {"my team", 0.4},   {"payslip", 0.6},   {"burnout", 0.5},
                {"clients", 0.4},     {"customers", 0.4}, {"employer", 1},    {"hired", 0.6}}},
      // Losing a job or looking for one (ESConv's "job crisis"): not the same conversation as
      // stress in a job ("talk to your manager" is no help to someone laid off).
      {"job_loss", {{"lost my job", 1},      {"losing my job", 1},
                    {"lose my job", 0.8},    {"laid off", 1},
                    {"fired", 0.9},          {"sacked", 0.9},
                    {"made redundant", 1},   {"redundant", 0.7},
                    {"redundancy", 1},       {"unemployed", 1},
                    {"unemployment", 1},     {"out of work", 1},
                    {"jobless", 1},          {"job hunting", 1},
                    {"job hunt", 1},         {"job search", 1},
                    {"job searching", 1},    {"looking for a job", 1},
                    {"looking for work", 1}, {"looking for a new job", 1},
                    {"find a job", 1},       {"find a new job", 1},
                    {"finding a job", 1},    {"getting a new job", 1},
                    {"get a new job", 1},    {"new job", 0.6},
                    {"apply for jobs", 1},   {"applying for jobs", 1},
                    {"job applications", 1}, {"job application", 1},
                    {"jobcentre", 1},        {"job centre", 1},
                    {"job center", 1},       {"my resume", 0.8},
                    {"my cv", 0.8},          {"job offer", 0.6}}},
      {"school",
       {{"school", 1},
        {"uni", 1},
        {"university", 1},
        {"college", 1},
        {"exam", 1},
        {"exams", 1},
        {"test", 0.3},
        {"homework", 1},
        {"assignment", 0.8},
        {"teacher", 1},
        {"class", 0.5},
        {"classes", 0.6},
        {"lecture", 1},
        {"lecturer", 1},
        {"professor", 1},
        {"grades", 1},
        {"gcse", 1},
        {"gcses", 1},
        {"a-levels", 1},
        {"a levels", 1},
        {"degree", 0.7},
        {"dissertation", 1},
        {"thesis", 1},
        {"essay", 0.8},
        {"coursework", 1},
        {"semester", 1},
        {"student", 0.8},
        {"studying", 0.8},
        {"study", 0.5},
        {"revision", 0.8},
        {"revising", 1},
        {"detention", 1},
        {"headteacher", 1},
        {"campus", 1},
        {"dorm", 1},
        {"tutor", 0.6},
        {"classmates", 1},
        {"sixth form", 1},
        {"high school", 1},
        {"middle school", 1},
        {"finals", 0.6},
        {"midterms", 1},
        {"gpa", 1},
        {"sats", 0.6},
        {"course", 0.4},
        {"lessons", 0.6},
        {"failed my exam", 1},
        {"year 11", 1}}},
      {"relationships",
       {{"boyfriend", 1},     {"girlfriend", 1}, {"bf", 1},        {"gf", 1},
        {"partner", 0.8},     {"husband", 1},    {"wife", 1},      {"ex", 0.8},
        {"breakup", 1},       {"break-up", 1},   {"broke up", 1},  {"break up", 1},
        {"breaking up", 1},   {"dating", 1},     {"date", 0.3},    {"relationship", 0.9},
        {"marriage", 1},      {"married", 0.8},  {"divorce", 1},   {"divorced", 1},
        {"cheated", 1},       {"cheating", 1},   {"crush", 0.8},   {"fiance", 1},
        {"fiancé", 1},        {"fiancee", 1},    {"engaged", 0.6}, {"wedding", 0.8},
        {"tinder", 1},        {"hinge", 0.5},    {"bumble", 0.6},  {"situationship", 1},
        {"dumped", 1},        {"love life", 1},  {"spouse", 1},    {"my man", 0.6},
        {"in love", 0.7},     {"ghosted", 0.6},  {"affair", 0.8},  {"jealous", 0.3},
        {"anniversary", 0.2}, {"single", 0.3},   {"my girl", 0.5}}},
      {"family",
       {{"mum", 1},
        {"mom", 1},
        {"mother", 1},
        {"dad", 1},
        {"father", 1},
        {"parents", 1},
        {"parent", 0.8},
        {"sister", 1},
        {"brother", 1},
        {"sibling", 1},
        {"siblings", 1},
        {"family", 1},
        {"son", 1},
        {"daughter", 1},
        {"kids", 0.5},
        {"children", 0.6},
        {"child", 0.5},
        {"grandma", 1},
        {"grandmother", 1},
        {"grandad", 1},
        {"granddad", 1},
        {"grandpa", 1},
        {"grandfather", 1},
        {"nan", 1},
        {"nana", 1},
        {"gran", 1},
        {"granny", 1},
        {"aunt", 1},
        {"auntie", 1},
        {"uncle", 1},
        {"cousin", 1},
        {"stepdad", 1},
        {"step {dad|mum|mom|father|mother|brother|sister|son|daughter}", 1},
        {"my {kids|children|child|baby|family}", 1},
        {"stepmom", 1},
        {"stepmum", 1},
        {"stepfather", 1},
        {"stepmother", 1},
        {"in-laws", 1},
        {"mother-in-law", 1},
        {"niece", 1},
        {"nephew", 1},
        {"mummy", 1},
        {"daddy", 0.7},
        {"mam", 1},
        {"ma", 0.5},
        {"twin", 0.6},
        {"relatives", 1},
        {"my baby", 0.5},
        {"foster", 0.6}}},
      {"friends",
       {{"friend", 1},
        {"friends", 1},
        {"best friend", 1},
        {"bff", 1},
        {"bestie", 1},
        {"mates", 0.8},
        {"friendship", 1},
        {"friend group", 1},
        {"hang out", 0.5},
        {"hanging out", 0.5},
        {"falling out", 0.4},
        {"fell out", 0.5},
        {"my mate", 0.8},
        {"buddy", 0.6},
        {"pals", 0.6},
        {"squad", 0.4}}},
      {"health",
       {{"doctor", 1},
        {"doctors", 1},
        {"gp", 1},
        {"hospital", 1},
        {"pain", 0.5},
        {"ill", 0.6},
        {"illness", 0.8},
        {"sick", 0.4},
        {"chronic", 0.8},
        {"cancer", 1},
        {"diabetes", 1},
        {"surgery", 1},
        {"operation", 0.5},
        {"injury", 1},
        {"injured", 1},
        {"headache", 1},
        {"headaches", 1},
        {"migraine", 1},
        {"migraines", 1},
        {"fever", 1},
        {"covid", 1},
        {"disease", 1},
        {"symptoms", 0.8},
        {"physio", 1},
        {"back pain", 1},
        {"my back", 0.6},
        {"chest pain", 1},
        {"blood test", 1},
        {"scan", 0.4},
        {"appointment", 0.4},
        {"flu", 1},
        {"asthma", 1},
        {"disability", 0.8},
        {"disabled", 0.6},
        {"nurse", 0.8},
        {"a&e", 1},
        {"er", 0.3},
        {"ambulance", 0.8},
        {"infection", 1},
        {"virus", 0.6},
        {"allergy", 1},
        {"allergies", 1},
        {"stomach", 0.6},
        {"nausea", 0.8},
        {"vomiting", 0.8},
        {"throwing up", 0.6},
        {"dizzy", 0.6},
        {"fibromyalgia", 1},
        {"arthritis", 1},
        {"epilepsy", 1},
        {"seizure", 1},
        {"seizures", 1},
        {"heart attack", 1},
        {"stroke", 0.6},
        {"broken leg", 1},
        {"broke my", 0.6},
        {"tumour", 1},
        {"tumor", 1},
        {"chemo", 1},
        {"body aches", 1},
        {"physical health", 1},
        {"medical", 0.8},
        {"treatment", 0.4},
        {"my health", 1},
        {"long covid", 1}}},
      {"mental_health",
       {{"therapy", 1},
        {"therapist", 1},
        {"counselling", 1},
        {"counseling", 1},
        {"counsellor", 1},
        {"counselor", 1},
        {"psychiatrist", 1},
        {"psychologist", 1},
        {"medication", 0.7},
        {"meds", 0.8},
        {"antidepressants", 1},
        {"antidepressant", 1},
        {"sertraline", 1},
        {"prozac", 1},
        {"fluoxetine", 1},
        {"citalopram", 1},
        {"diagnosis", 0.6},
        {"diagnosed", 0.6},
        {"depression", 1},
        {"depressed", 0.7},
        {"anxiety", 1},
        {"panic attack", 1},
        {"panic attacks", 1},
        {"ocd", 1},
        {"ptsd", 1},
        {"adhd", 1},
        {"bipolar", 1},
        {"bpd", 1},
        {"mental health", 1},
        {"mental illness", 1},
        {"breakdown", 0.7},
        {"psych ward", 1},
        {"cbt", 1},
        {"trauma", 0.8},
        {"schizophrenia", 1},
        {"psychosis", 1},
        {"autism", 0.6},
        {"autistic", 0.6},
        {"dissociation", 1},
        {"dissociating", 1},
        {"intrusive thoughts", 1},
        {"mental", 0.4},
        {"crisis team", 1},
        {"cmht", 1},
        {"self-harm", 0.6},
        {"self harm", 0.6},
        {"suicidal", 0.5},
        {"flashbacks", 0.8},
        {"mood swings", 1},
        {"lithium", 1},
        {"sectioned", 1},
        {"anxious", 0.5}}},
      {"sleep",
       {{"sleep", 1},       {"sleeping", 1},       {"slept", 1},         {"insomnia", 1},
        {"nightmares", 1},  {"nightmare", 0.3},    {"tired", 0.4},       {"awake", 0.7},
        {"bed", 0.4},       {"bedtime", 1},        {"nap", 0.8},         {"naps", 0.8},
        {"exhausted", 0.3}, {"sleepless", 1},      {"oversleeping", 1},  {"asleep", 1},
        {"3am", 0.7},       {"4am", 0.7},          {"all night", 0.6},   {"sleep schedule", 1},
        {"melatonin", 1},   {"sleeping pills", 1}, {"can't sleep", 1},   {"restless", 0.4},
        {"dreams", 0.3},    {"snoring", 1},        {"night terrors", 1}, {"fall asleep", 1}}},
      {"money",
       {{"money", 1},
        {"rent", 0.6},
        {"bills", 1},
        {"debt", 1},
        {"debts", 1},
        {"loan", 1},
        {"loans", 1},
        {"broke", 0.6},
        {"pay", 0.3},
        {"paycheck", 1},
        {"paycheque", 1},
        {"salary", 0.5},
        {"afford", 1},
        {"can't afford", 1},
        {"bank", 0.6},
        {"overdraft", 1},
        {"credit card", 1},
        {"benefits", 0.7},
        {"universal credit", 1},
        {"poverty", 1},
        {"poor", 0.4},
        {"savings", 1},
        {"mortgage", 0.6},
        {"finances", 1},
        {"financial", 1},
        {"financially", 1},
        {"cost of living", 1},
        {"budget", 0.8},
        {"gambling", 0.6},
        {"bailiffs", 1},
        {"cash", 0.7},
        {"wages", 0.8},
        {"food bank", 1},
        {"student loan", 1},
        {"expensive", 0.5},
        {"payday", 1},
        {"owe", 0.7},
        {"bankrupt", 1},
        {"in debt", 1},
        {"dollars", 0.5},
        {"pounds", 0.3},
        {"£", 0.5},
        {"$", 0.5},
        {"tax", 0.5}}},
      {"loneliness",
       {{"lonely", 1},
        {"loneliness", 1},
        {"alone", 0.6},
        {"isolated", 1},
        {"isolation", 1},
        {"no friends", 1},
        {"no one to talk to", 1},
        {"nobody to talk to", 1},
        {"by myself", 0.4},
        {"on my own", 0.4},
        {"left out", 0.8},
        {"excluded", 0.7},
        {"friendless", 1},
        {"no one cares", 0.6},
        {"nobody cares", 0.6},
        {"all alone", 1},
        {"feel alone", 1},
        {"so alone", 1},
        {"lonley", 1},
        {"invisible", 0.5},
        {"don't have anyone", 1},
        {"have no one", 1},
        {"no one understands", 0.5},
        {"no one to", 0.5},
        {"nobody understands", 0.5},
        {"outcast", 0.8}}},
      {"grief",
       {{"died", 1},
        {"passed away", 1},
        {"death", 0.8},
        {"dead", 0.5},
        {"funeral", 1},
        {"grief", 1},
        {"grieving", 1},
        {"mourning", 1},
        {"loss", 0.6},
        {"lost {my|his|her|their|our|a} "
         "{mum|mom|mother|dad|father|brother|sister|son|daughter|baby|husband|wife|partner|friend|"
         "best "
         "friend|grandma|grandad|grandpa|grandmother|grandfather|nan|gran|uncle|aunt|cousin|dog|"
         "cat|pet|child|boyfriend|girlfriend}",
         1},
        {"{mum|mom|dad|father|mother|brother|sister|grandma|grandad|grandpa|nan|friend|husband|"
         "wife|dog|cat|son|daughter} {died|passed|passed away}",
         1},
        {"bereavement", 1},
        {"bereaved", 1},
        {"widow", 1},
        {"widowed", 1},
        {"rip", 0.6},
        {"put down", 0.7},
        {"put to sleep", 0.8},
        {"pet died", 1},
        {"dog died", 1},
        {"cat died", 1},
        {"miscarriage", 0.6},
        {"anniversary of", 0.6},
        {"since she died", 1},
        {"since he died", 1},
        {"killed himself", 1},
        {"killed herself", 1},
        {"took his own life", 1},
        {"took her own life", 1},
        {"lost him", 1},
        {"lost her", 1},
        {"passing", 0.5},
        {"losing her", 0.6},
        {"losing him", 0.6},
        {"memorial", 0.8},
        {"grave", 0.8},
        {"miss her", 0.5},
        {"miss him", 0.5},
        {"dying", 0.5},
        {"terminal", 0.6}}},
      {"identity", {{"gender", 1},        {"trans", 1},        {"transgender", 1},
                    {"nonbinary", 1},     {"non-binary", 1},   {"gay", 1},
                    {"lesbian", 1},       {"bisexual", 1},     {"bi", 0.5},
                    {"queer", 1},         {"lgbt", 1},         {"lgbtq", 1},
                    {"lgbtq+", 1},        {"coming out", 1},   {"come out", 0.7},
                    {"came out", 0.8},    {"sexuality", 1},    {"pronouns", 1},
                    {"dysphoria", 1},     {"race", 0.6},       {"racism", 1},
                    {"racist", 1},        {"religion", 1},     {"religious", 1},
                    {"faith", 0.6},       {"church", 0.5},     {"mosque", 0.8},
                    {"muslim", 0.8},      {"christian", 0.6},  {"jewish", 0.8},
                    {"hindu", 0.8},       {"culture", 0.6},    {"immigrant", 0.8},
                    {"ethnicity", 1},     {"identity", 0.8},   {"asexual", 1},
                    {"in the closet", 1}, {"homophobic", 1},   {"transphobic", 1},
                    {"homophobia", 1},    {"who i am", 0.5},   {"sexual orientation", 1},
                    {"deadname", 1},      {"transition", 0.6}, {"transitioning", 1},
                    {"god", 0.3},         {"skin colour", 1},  {"skin color", 1}}},
      {"substance_use",
       {{"drinking", 0.8},   {"drunk", 1},       {"alcohol", 1},    {"alcoholic", 1},
        {"booze", 1},        {"beer", 0.8},      {"beers", 0.8},    {"wine", 0.7},
        {"vodka", 1},        {"whisky", 1},      {"weed", 1},       {"cannabis", 1},
        {"marijuana", 1},    {"smoking", 0.8},   {"cigarettes", 1}, {"cigarette", 1},
        {"vaping", 1},       {"vape", 1},        {"drugs", 1},      {"cocaine", 1},
        {"coke", 0.5},       {"addicted", 1},    {"addiction", 1},  {"relapse", 1},
        {"relapsed", 1},     {"sober", 1},       {"sobriety", 1},   {"rehab", 1},
        {"hangover", 1},     {"hungover", 1},    {"heroin", 1},     {"meth", 1},
        {"mdma", 1},         {"ecstasy", 1},     {"ketamine", 1},   {"xanax", 0.8},
        {"getting high", 1}, {"got high", 1},    {"stoned", 1},     {"pills", 0.3},
        {"overdose", 0.6},   {"drink", 0.4},     {"drank", 0.7},    {"aa meeting", 1},
        {"clean for", 0.6},  {"using again", 1}, {"dealer", 0.8},   {"smoke", 0.5}}},
      {"self_image",
       {{"body", 0.6},
        {"weight", 0.8},
        {"fat", 1},
        {"ugly", 1},
        {"appearance", 1},
        {"looks", 0.4},
        {"the way i look", 1},
        {"how i look", 1},
        {"mirror", 0.8},
        {"skinny", 0.8},
        {"overweight", 1},
        {"eating", 0.5},
        {"food", 0.3},
        {"binge", 0.8},
        {"binging", 1},
        {"purge", 1},
        {"purging", 1},
        {"starving myself", 1},
        {"diet", 0.8},
        {"calories", 1},
        {"anorexia", 1},
        {"anorexic", 1},
        {"bulimia", 1},
        {"eating disorder", 1},
        {"acne", 1},
        {"self-esteem", 1},
        {"self esteem", 1},
        {"confidence", 0.5},
        {"insecure", 0.5},
        {"body image", 1},
        {"gained weight", 1},
        {"lose weight", 1},
        {"losing weight", 1},
        {"my body", 1},
        {"my face", 0.7},
        {"my nose", 0.7},
        {"pretty enough", 1},
        {"not pretty", 1},
        {"unattractive", 1},
        {"thighs", 0.8},
        {"stomach", 0.3},
        {"hate my body", 1},
        {"bmi", 1},
        {"thin", 0.5},
        {"{haven't|have not|not|can't|cannot|didn't|stopped|barely} {eaten|eating|eat|been eating}",
         0.8},
        {"when i eat", 0.8},
        {"{throw|throwing|threw} up after {eating|i eat|meals}", 1},
        {"skipping meals", 1},
        {"{hate|hating} my {body|face|thighs|stomach|arms|legs|nose|skin|looks|appearance|weight}",
         1}}},
      {"bullying",
       {{"bullied", 1},
        {"bully", 1},
        {"bullies", 1},
        {"bullying", 1},
        {"picked on", 1},
        {"pick on me", 1},
        {"picking on me", 1},
        {"make fun of me", 1},
        {"made fun of me", 1},
        {"making fun of me", 1},
        {"mocked", 0.8},
        {"laughed at me", 1},
        {"laugh at me", 1},
        {"teased", 0.8},
        {"harassed", 1},
        {"harassment", 1},
        {"cyberbullying", 1},
        {"called me names", 1},
        {"trolled", 0.8},
        {"beat me up", 1},
        {"tormented", 0.7},
        {"spread rumours", 1},
        {"spreading rumours", 1},
        {"spread rumors", 1},
        {"push me around", 1},
        {"excluded me", 0.6},
        {"{make|makes|making|made} fun of", 1},
        {"{exclude|excludes|excluding} me", 0.5},
        {"{laugh|laughs|laughing|laughed} at {me|my}", 1}}},
      {"housing", {{"rent", 0.6},          {"landlord", 1},      {"landlady", 1},
                   {"evicted", 1},         {"eviction", 1},      {"homeless", 1},
                   {"homelessness", 1},    {"housing", 1},       {"flat", 0.4},
                   {"apartment", 0.7},     {"house", 0.3},       {"moving out", 0.8},
                   {"move out", 0.8},      {"kicked out", 0.8},  {"roommate", 0.8},
                   {"flatmate", 0.8},      {"flatmates", 0.8},   {"housemate", 0.8},
                   {"housemates", 0.8},    {"mortgage", 0.6},    {"lease", 0.8},
                   {"tenancy", 1},         {"sofa surfing", 1},  {"couch surfing", 1},
                   {"shelter", 0.8},       {"council house", 1}, {"somewhere to live", 1},
                   {"nowhere to live", 1}, {"place to live", 1}, {"deposit", 0.5},
                   {"neighbours", 0.5},    {"neighbors", 0.5},   {"mould", 0.7},
                   {"mold", 0.5},          {"hostel", 0.7}}},
      {"legal",
       {{"court", 1},
        {"lawyer", 1},
        {"solicitor", 1},
        {"police", 0.7},
        {"arrested", 1},
        {"charged", 0.6},
        {"sued", 1},
        {"lawsuit", 1},
        {"custody", 0.8},
        {"prison", 1},
        {"jail", 1},
        {"probation", 1},
        {"criminal record", 1},
        {"legal", 1},
        {"visa", 0.8},
        {"immigration", 0.8},
        {"deportation", 1},
        {"deported", 1},
        {"restraining order", 1},
        {"court case", 1},
        {"attorney", 1},
        {"tribunal", 1},
        {"sentenced", 1},
        {"convicted", 1},
        {"trial", 0.5},
        {"the law", 0.6},
        {"illegal", 0.6}}},
      {"pregnancy",
       {{"pregnant", 1},     {"pregnancy", 1},       {"miscarriage", 1},      {"miscarried", 1},
        {"abortion", 1},     {"expecting", 0.3},     {"morning sickness", 1}, {"trimester", 1},
        {"ivf", 1},          {"fertility", 1},       {"infertility", 1},      {"infertile", 1},
        {"postpartum", 1},   {"postnatal", 1},       {"due date", 1},         {"period is late", 1},
        {"my period", 0.4},  {"contraception", 0.8}, {"pregnancy test", 1},   {"midwife", 1},
        {"ultrasound", 0.8}, {"newborn", 0.7},       {"giving birth", 1},     {"gave birth", 1},
        {"baby", 0.3},       {"the baby", 0.5}}},
      // Phrases that mean none of the topics; they only stop their shorter parts from counting
      // ("tired of" is not about sleep, "how do you work" is not about a job).
      {"",
       {{"{tired|sick} of", 1},
        {"sick and tired", 1},
        {"so {tired|sick} of", 1},
        {"how do you work", 1},
        {"how does {this|it} work", 1},
        {"{doesn't|didn't|won't|does not|did not|will not} work", 1},
        {"{work|worked|working|works} out", 1},
        {"{not|isn't|wasn't|aren't|weren't|stopped|it's|is|been|start|started} working", 1},
        {"{it|this|that|nothing|something|what} {works|worked}", 1},
        {"how {did|do|would|will|could} {it|this|that|they|those|these} work", 1},
        {"{does|did|will|would|could|can|might} {it|this|that|they|those|these} work", 1},
        {"{work|works|worked} {best|better|well|wonders}", 1},
        {"{work|works|worked} for {you|me|us|them|her|him|everyone|anyone|some people}", 1},
        {"work it out", 1},
        {"{every|one|a} single", 1},
        {"{a|my} nightmare", 0.0001},
        {"sick to my stomach", 1},
        {"dying to", 1},
        {"killing me", 1},
        {"on my mind", 1},
        {"in my head", 1},
        {"mental note", 1},
        {"test {it|this|you}", 1},
        {"broke {down|into}", 1},
        {"the point", 1}}},
      {"abuse",
       {{"abuse", 1},
        {"abused", 1},
        {"abusive", 1},
        {"abuser", 1},
        {"domestic violence", 1},
        {"hits me", 1},
        {"{hits|hit|beats|beat|hurts|chokes|choked|punched|punches|slaps|slapped|kicks|kicked} {my "
         "mum|my mom|my mother|my sister|my brother|my dad|us|her|him|my wife|my husband}",
         1},
        {"domestic abuse", 1},
        {"hit me", 0.8},
        {"beats me", 1},
        {"raped", 1},
        {"rape", 1},
        {"assaulted", 1},
        {"molested", 1},
        {"grooming", 0.8},
        {"groomed", 0.8},
        {"coercive", 1},
        {"controlling", 0.5},
        {"hurts me", 0.7},
        {"threatens me", 1},
        {"threatened me", 1},
        {"violent", 0.6},
        {"sexual assault", 1},
        {"touched me", 0.8}}},
  };
  return *k;
}

// Topics scoring below this are not reported: one weak word ("test", "house") is not enough.
constexpr double kMinScore = 0.35;

struct Sense {
  int topic;
  float weight;
};

bool IsAsciiPunct(std::string_view t) {
  for (unsigned char c : t) {
    if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Expands "{a|b|}" choices into all phrases (an empty choice drops the slot).
void Expand(std::string_view pattern, std::vector<std::string>* out) {
  std::vector<std::string> partial = {""};
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos) close = pattern.size();
      std::string_view body = pattern.substr(i + 1, close - i - 1);
      std::vector<std::string> next;
      size_t from = 0;
      while (true) {
        size_t bar = body.find('|', from);
        std::string_view choice =
            body.substr(from, bar == std::string_view::npos ? body.size() - from : bar - from);
        for (const std::string& p : partial) next.push_back(p + std::string(choice));
        if (bar == std::string_view::npos) break;
        from = bar + 1;
      }
      partial = std::move(next);
      i = close + 1;
    } else {
      size_t brace = pattern.find('{', i);
      if (brace == std::string_view::npos) brace = pattern.size();
      for (std::string& p : partial) p.append(pattern.substr(i, brace - i));
      i = brace;
    }
  }
  for (const std::string& p : partial) {
    std::string clean;
    for (char c : p) {
      if (c == ' ' && (clean.empty() || clean.back() == ' ')) continue;
      clean.push_back(c);
    }
    while (!clean.empty() && clean.back() == ' ') clean.pop_back();
    if (!clean.empty()) out->push_back(std::move(clean));
  }
}

struct Match {
  size_t first;  // token index
  size_t len;
  int topic;
  float weight;
  std::string_view phrase;
};

// A phrase's senses, and whether some longer phrase starts with it plus a space.
struct PhraseEntry {
  std::vector<Sense> senses;
  bool is_prefix = false;
};

}  // namespace

struct TopicDetector::Impl {
  std::vector<std::string> topics;
  // Every phrase, and every proper token prefix of one: matching extends a word sequence only
  // while it is still a prefix of something.
  StringTable<PhraseEntry> phrases;
};

StatusOr<TopicDetector> TopicDetector::Create() {
  auto impl = std::make_shared<Impl>();
  const auto& lex = Lexicon();
  for (size_t t = 0; t < lex.size(); ++t) {
    impl->topics.emplace_back(lex[t].topic);
    for (const Entry& e : lex[t].entries) {
      if (e.weight <= 0) continue;
      auto add = [&](const std::string& p) {
        for (size_t sp = p.find(' '); sp != std::string::npos; sp = p.find(' ', sp + 1)) {
          impl->phrases[std::string_view(p).substr(0, sp)].is_prefix = true;
        }
        auto& senses = impl->phrases[p].senses;
        for (const Sense& s : senses) {
          if (s.topic == static_cast<int>(t)) return;
        }
        senses.push_back({static_cast<int>(t), e.weight});
      };
      std::vector<std::string> expanded;
      Expand(e.phrase, &expanded);
      for (const std::string& phrase : expanded) {
        add(phrase);
        size_t tokens = 1 + std::count(phrase.begin(), phrase.end(), ' ');
        // single words: plural
        if (tokens == 1 && phrase.size() > 2 && phrase.back() != 's' &&
            std::isalpha(static_cast<unsigned char>(phrase.back()))) {
          add(phrase + "s");
        }
      }
    }
  }
  TopicDetector d;
  d.impl_ = std::move(impl);
  return d;
}

std::vector<Topic> TopicDetector::Detect(const NormalizedText& text) const {
  std::vector<Topic> out;
  try {
    // Canonical tokens with their canonical offsets.
    std::string_view canon = text.canonical;
    std::vector<std::pair<size_t, std::string_view>> tokens;
    size_t pos = 0;
    while (pos < canon.size()) {
      size_t sp = canon.find(' ', pos);
      if (sp == std::string_view::npos) sp = canon.size();
      if (sp > pos) tokens.push_back({pos, canon.substr(pos, sp - pos)});
      pos = sp + 1;
    }
    for (const auto& token : tokens) {
      std::string_view word = token.second;
      if (word.size() > 2 && word.ends_with("'s")) word.remove_suffix(2);
      impl_->phrases.Prefetch(word);
    }
    std::vector<Match> matches;
    std::string key;
    for (size_t i = 0; i < tokens.size(); ++i) {
      key.clear();
      for (size_t len = 1; i + len <= tokens.size(); ++len) {
        std::string_view tok = tokens[i + len - 1].second;
        if (len > 1 && IsAsciiPunct(tok) && tok != "&") break;
        // possessives match their word: "dad's" -> "dad"
        if (tok.size() > 2 && tok.substr(tok.size() - 2) == "'s") tok.remove_suffix(2);
        if (len > 1) key.push_back(' ');
        key.append(tok);
        std::string_view phrase;
        const PhraseEntry* entry = impl_->phrases.Find(key, &phrase);
        if (entry == nullptr) break;  // no phrase starts with these words
        for (const Sense& s : entry->senses) {
          matches.push_back({i, len, s.topic, s.weight, phrase});
        }
        if (!entry->is_prefix) break;
      }
    }
    if (matches.empty()) return out;
    // A longer phrase overrides the shorter phrases inside it when they are of its own topic,
    // weak (weight under 1: "broke" inside "broke up") or it is a blocker ("tired of"); a clear
    // word of another topic still counts ("mum" inside "lost their mum").
    std::vector<bool> dropped(matches.size(), false);
    {
      std::vector<size_t> best_len(tokens.size(), 0), best_idx(tokens.size(), 0);
      for (size_t i = 0; i < matches.size(); ++i) {
        const Match& m = matches[i];
        for (size_t k = m.first; k < m.first + m.len; ++k) {
          if (m.len > best_len[k]) {
            best_len[k] = m.len;
            best_idx[k] = i;
          }
        }
      }
      for (size_t i = 0; i < matches.size(); ++i) {
        const Match& m = matches[i];
        for (size_t k = m.first; k < m.first + m.len; ++k) {
          if (best_len[k] <= m.len) continue;
          const Match& o = matches[best_idx[k]];
          if (o.topic == m.topic || impl_->topics[o.topic].empty() || m.weight < 1.0f) {
            dropped[i] = true;
            break;
          }
        }
      }
    }
    struct Acc {
      double weight = 0;
      std::map<std::string_view, int> seen;
      std::vector<Span> evidence;
    };
    std::map<int, Acc> acc;
    for (size_t i = 0; i < matches.size(); ++i) {
      if (dropped[i] || impl_->topics[matches[i].topic].empty()) continue;
      const Match& m = matches[i];
      Acc& a = acc[m.topic];
      int& times = a.seen[m.phrase];
      a.weight += times == 0 ? m.weight : 0.25 * m.weight;
      ++times;
      size_t cstart = tokens[m.first].first;
      size_t cend = tokens[m.first + m.len - 1].first + tokens[m.first + m.len - 1].second.size();
      if (a.evidence.size() < 32) a.evidence.push_back(text.OriginalSpan(cstart, cend));
    }
    for (auto& [topic, a] : acc) {
      double score = 1.0 - std::exp(-1.2 * a.weight);
      if (score < kMinScore) continue;
      Topic t;
      t.label = impl_->topics[topic];
      t.score = std::round(score * 1000.0) / 1000.0;
      std::sort(a.evidence.begin(), a.evidence.end(), [](const Span& x, const Span& y) {
        return x.start != y.start ? x.start < y.start : x.end < y.end;
      });
      a.evidence.erase(std::unique(a.evidence.begin(), a.evidence.end()), a.evidence.end());
      t.evidence = std::move(a.evidence);
      out.push_back(std::move(t));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Topic& x, const Topic& y) { return x.score > y.score; });
  } catch (...) {
    out.clear();
  }
  return out;
}

}  // namespace haven::nlp
