#include "reply/content.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace haven::reply {
namespace {

constexpr std::string_view kFamilies[] = {
    "sad",   "anxious", "angry",    "lonely",       "stressed", "grief",    "hurt",
    "shame", "guilt",   "confused", "disappointed", "tired",    "positive", "relieved"};
constexpr std::string_view kTopics[] = {"work",          "school",     "relationships", "family",
                                        "friends",       "health",     "mental_health", "sleep",
                                        "money",         "loneliness", "grief",         "identity",
                                        "substance_use", "self_image", "bullying",      "housing",
                                        "legal",         "pregnancy",  "abuse",         "job_loss"};
constexpr std::string_view kSlotNames[] = {"feeling",   "situation", "person", "topic", "name",
                                           "emergency", "line",      "choice", "step"};

template <size_t N>
bool InList(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

Status Error(const std::string& file, const std::string& where, const std::string& problem) {
  return InvalidArgument(file + ": " + where + ": " + problem);
}

// Reads a scalar string member; error when present but not a scalar.
Status ReadString(const YAML::Node& node, const std::string& file, const std::string& where,
                  std::string* out) {
  if (!node.IsScalar()) return Error(file, where, "must be a string");
  *out = node.Scalar();
  return Status::Ok();
}

Status ReadStringList(const YAML::Node& node, const std::string& file, const std::string& where,
                      std::vector<std::string>* out) {
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    return Status::Ok();
  }
  if (!node.IsSequence()) return Error(file, where, "must be a list of strings");
  for (size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) {
      return Error(file, where + "[" + std::to_string(i) + "]", "must be a string");
    }
    out->push_back(node[i].Scalar());
  }
  return Status::Ok();
}

// A `words` entry: lower-case ASCII words (letters, digits, apostrophes, hyphens) joined by
// single spaces, as the engine matches them against the person's lower-cased messages.
bool IsWordPhrase(std::string_view w) {
  if (w.empty() || w.front() == ' ' || w.back() == ' ') return false;
  char prev = 0;
  for (char c : w) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '-' ||
                    (c == ' ' && prev != ' ');
    if (!ok) return false;
    prev = c;
  }
  return true;
}

// Checks braces and slot names of a text.
Status CheckText(std::string_view text, const std::string& file, const std::string& where) {
  if (text.empty()) return Error(file, where, "is empty");
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '}') return Error(file, where, "has a '}' without '{'");
    if (text[i] != '{') {
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    size_t next_open = text.find('{', i + 1);
    if (close == std::string_view::npos ||
        (next_open != std::string_view::npos && next_open < close)) {
      return Error(file, where, "has a '{' without '}'");
    }
    std::string_view slot = text.substr(i + 1, close - i - 1);
    if (!InList(kSlotNames, slot)) {
      return Error(file, where,
                   "unknown slot {" + std::string(slot) +
                       "} (known: {feeling}, {situation}, {person}, {topic}, {name}, {emergency}, "
                       "{line})");
    }
    i = close + 1;
  }
  return Status::Ok();
}

Status ParseVariant(const YAML::Node& v, const std::string& file, const std::string& base,
                    Variant* out) {
  if (!v.IsMap()) return Error(file, base, "must be a map");
  static constexpr std::string_view kKeys[] = {"id",     "strategy",   "tag",       "emotions",
                                               "topics", "not_topics", "intensity", "painful",
                                               "words",  "not_words",  "text"};
  std::string where = base;
  if (v["id"] && v["id"].IsScalar()) where += " (" + v["id"].Scalar() + ")";
  for (const auto& kv : v) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (!InList(kKeys, key)) {
      return Error(
          file, where + "." + key,
          "unknown key (known: id, strategy, tag, emotions, topics, not_topics, intensity, "
          "painful, words, not_words, text)");
    }
  }
  if (!v["id"]) return Error(file, where + ".id", "is missing");
  if (Status s = ReadString(v["id"], file, where + ".id", &out->id); !s.ok()) return s;
  if (out->id.empty()) return Error(file, where + ".id", "is empty");
  if (!v["strategy"]) return Error(file, where + ".strategy", "is missing");
  std::string strategy;
  if (Status s = ReadString(v["strategy"], file, where + ".strategy", &strategy); !s.ok()) {
    return s;
  }
  auto parsed = ParseStrategy(strategy);
  if (!parsed) {
    return Error(file, where + ".strategy",
                 "unknown strategy '" + strategy +
                     "' (question, restatement, reflection, self_disclosure, affirmation, "
                     "suggestion, information, crisis, handoff, other)");
  }
  out->strategy = *parsed;
  if (v["tag"]) {
    if (Status s = ReadString(v["tag"], file, where + ".tag", &out->tag); !s.ok()) return s;
    if (!IsKnownTag(out->tag)) return Error(file, where + ".tag", "unknown tag '" + out->tag + "'");
  }
  if (v["emotions"]) {
    if (Status s = ReadStringList(v["emotions"], file, where + ".emotions", &out->emotions);
        !s.ok()) {
      return s;
    }
    for (const std::string& e : out->emotions) {
      if (!IsKnownFamily(e)) {
        return Error(file, where + ".emotions", "unknown feeling family '" + e + "'");
      }
    }
  }
  for (const auto& [key, list] :
       {std::pair<const char*, std::vector<std::string>*>{"topics", &out->topics},
        {"not_topics", &out->not_topics}}) {
    if (!v[key]) continue;
    const std::string at = where + "." + key;
    if (Status s = ReadStringList(v[key], file, at, list); !s.ok()) return s;
    for (const std::string& t : *list) {
      if (!IsKnownTopic(t)) return Error(file, at, "unknown topic '" + t + "'");
    }
  }
  if (v["intensity"]) {
    std::vector<std::string> names;
    if (Status s = ReadStringList(v["intensity"], file, where + ".intensity", &names); !s.ok()) {
      return s;
    }
    for (const std::string& n : names) {
      auto i = ParseIntensity(n);
      if (!i) {
        return Error(file, where + ".intensity",
                     "unknown intensity '" + n + "' (mild, moderate, strong)");
      }
      out->intensities.push_back(*i);
    }
  }
  if (v["painful"]) {
    std::string flag;
    if (Status s = ReadString(v["painful"], file, where + ".painful", &flag); !s.ok()) return s;
    if (flag != "true" && flag != "false") {
      return Error(file, where + ".painful", "must be true or false");
    }
    out->painful = flag == "true";
  }
  for (const auto& [key, list] :
       {std::pair<const char*, std::vector<std::string>*>{"words", &out->words},
        {"not_words", &out->not_words}}) {
    if (!v[key]) continue;
    const std::string at = where + "." + key;
    if (Status s = ReadStringList(v[key], file, at, list); !s.ok()) return s;
    if (list->empty()) return Error(file, at, "is empty (leave the key out instead)");
    for (const std::string& w : *list) {
      if (!IsWordPhrase(w)) {
        return Error(file, at,
                     "'" + w +
                         "' is not a lower-case word or phrase (letters, digits, apostrophes, "
                         "hyphens, single spaces)");
      }
    }
  }
  if (!v["text"]) return Error(file, where + ".text", "is missing");
  if (Status s = ReadString(v["text"], file, where + ".text", &out->text); !s.ok()) return s;
  return CheckText(out->text, file, where + ".text");
}

Status ParsePack(const std::string& file, const std::string& yaml, std::vector<Variant>* variants,
                 std::map<std::string, std::vector<std::string>, std::less<>>* feelings,
                 std::map<std::string, std::string, std::less<>>* topics,
                 std::vector<std::pair<std::string, int>>* packs) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Error(file, "line " + std::to_string(e.mark.line + 1), "not valid YAML");
  }
  try {
    if (!root.IsMap()) return Error(file, "(top)", "must be a map with version, pack, variants");
    static constexpr std::string_view kKeys[] = {"version", "pack",     "feelings",
                                                 "topics",  "variants", "notes"};
    for (const auto& kv : root) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      if (!InList(kKeys, key)) {
        return Error(file, key,
                     "unknown key (known: version, pack, feelings, topics, variants, notes)");
      }
    }
    if (!root["version"]) return Error(file, "version", "is missing");
    int version = 0;
    if (!root["version"].IsScalar()) return Error(file, "version", "must be a positive integer");
    try {
      version = root["version"].as<int>();
    } catch (const YAML::Exception&) {
      return Error(file, "version", "must be a positive integer");
    }
    if (version <= 0) return Error(file, "version", "must be a positive integer");
    if (!root["pack"]) return Error(file, "pack", "is missing");
    std::string pack;
    if (Status s = ReadString(root["pack"], file, "pack", &pack); !s.ok()) return s;
    if (pack.empty()) return Error(file, "pack", "is empty");
    packs->push_back({pack, version});

    if (const YAML::Node f = root["feelings"]) {
      if (!f.IsMap()) return Error(file, "feelings", "must be a map of family -> 3 phrases");
      for (const auto& kv : f) {
        std::string family = kv.first.Scalar();
        std::string where = "feelings." + family;
        if (!IsKnownFamily(family)) return Error(file, where, "unknown feeling family");
        std::vector<std::string> phrases;
        if (Status s = ReadStringList(kv.second, file, where, &phrases); !s.ok()) return s;
        if (phrases.size() != 3) {
          return Error(file, where, "needs exactly three phrases: mild, moderate, strong");
        }
        for (const std::string& p : phrases) {
          if (p.empty() || p.find('{') != std::string::npos) {
            return Error(file, where, "phrases must be plain, non-empty text");
          }
        }
        if (feelings->count(family)) return Error(file, where, "defined twice");
        (*feelings)[family] = phrases;
      }
    }
    if (const YAML::Node t = root["topics"]) {
      if (!t.IsMap()) return Error(file, "topics", "must be a map of topic -> phrase");
      for (const auto& kv : t) {
        std::string topic = kv.first.Scalar();
        std::string where = "topics." + topic;
        if (!IsKnownTopic(topic)) return Error(file, where, "unknown topic");
        std::string phrase;
        if (Status s = ReadString(kv.second, file, where, &phrase); !s.ok()) return s;
        if (phrase.empty()) return Error(file, where, "is empty");
        if (topics->count(topic)) return Error(file, where, "defined twice");
        (*topics)[topic] = phrase;
      }
    }
    if (const YAML::Node vs = root["variants"]) {
      if (!vs.IsSequence()) return Error(file, "variants", "must be a list");
      for (size_t i = 0; i < vs.size(); ++i) {
        Variant v;
        if (Status s = ParseVariant(vs[i], file, "variants[" + std::to_string(i) + "]", &v);
            !s.ok()) {
          return s;
        }
        v.pack = pack;
        v.version = version;
        variants->push_back(std::move(v));
      }
    }
  } catch (const YAML::Exception& e) {
    return Error(file, "line " + std::to_string(e.mark.line + 1), "unexpected structure");
  }
  return Status::Ok();
}

bool IsSentenceEnd(char c) { return c == '.' || c == '!' || c == '?'; }

}  // namespace

bool IsKnownTag(std::string_view tag) { return InList(kTags, tag); }
bool IsKnownFamily(std::string_view family) { return InList(kFamilies, family); }
bool IsKnownTopic(std::string_view topic) { return InList(kTopics, topic); }

std::vector<std::string> SlotsIn(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = text.find('{', i)) != std::string_view::npos) {
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) break;
    out.emplace_back(text.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return out;
}

std::optional<std::string> FillSlots(std::string_view text, const Slots& slots) {
  // "So this is about your sister, and your sister read it again": a variant that names the
  // person beside a situation that already names them says it twice; another variant fits.
  if (text.find("{person}") != std::string_view::npos &&
      text.find("{situation}") != std::string_view::npos && !slots.person.empty() &&
      slots.situation.find(slots.person) != std::string::npos) {
    return std::nullopt;
  }
  if (slots.topic_in_situation && text.find("{topic}") != std::string_view::npos &&
      text.find("{situation}") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() + 64);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view slot = text.substr(i + 1, close - i - 1);
    const std::string* value = slot == "feeling"     ? &slots.feeling
                               : slot == "situation" ? &slots.situation
                               : slot == "person"    ? &slots.person
                               : slot == "topic"     ? &slots.topic
                               : slot == "name"      ? &slots.name
                               : slot == "emergency" ? &slots.emergency
                               : slot == "line"      ? &slots.line
                               : slot == "choice"    ? &slots.choice
                               : slot == "step"      ? &slots.step
                                                     : nullptr;
    if (value == nullptr || value->empty()) return std::nullopt;
    out += *value;
    i = close + 1;
  }
  // Every sentence starts with a capital letter (a slot may have opened one).
  bool start = true;
  for (size_t k = 0; k < out.size(); ++k) {
    unsigned char c = static_cast<unsigned char>(out[k]);
    if (start && std::isalpha(c)) {
      out[k] = static_cast<char>(std::toupper(c));
      start = false;
    } else if (IsSentenceEnd(out[k]) && (k + 1 == out.size() || out[k + 1] == ' ')) {
      start = true;
    } else if (!std::isspace(c) && c != '"' && c != '(') {
      start = false;
    }
  }
  return out;
}

StatusOr<ContentLibrary> ContentLibrary::Parse(
    const std::vector<std::pair<std::string, std::string>>& files) {
  ContentLibrary lib;
  for (const auto& [name, yaml] : files) {
    if (Status s = ParsePack(name, yaml, &lib.variants_, &lib.feelings_, &lib.topics_, &lib.packs_);
        !s.ok()) {
      return s;
    }
  }
  std::set<std::string, std::less<>> ids;
  for (const Variant& v : lib.variants_) {
    if (!ids.insert(v.id).second) {
      return InvalidArgument(v.pack + ": variant " + v.id + ": id used twice");
    }
  }
  return lib;
}

StatusOr<ContentLibrary> ContentLibrary::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(dir + ": content folder not found");
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) return NotFound(dir + ": cannot list the content folder");
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) return NotFound(dir + ": no *.yaml content packs");
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return NotFound(p + ": cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({p, ss.str()});
  }
  return Parse(files);
}

std::string ContentLibrary::DefaultDir(const std::string& data_dir) {
  return data_dir + "/content";
}

const Variant* ContentLibrary::Find(std::string_view id) const {
  for (const Variant& v : variants_) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

std::string ContentLibrary::FeelingPhrase(const Feeling& feeling) const {
  if (feeling.family.empty()) return "";
  if (!feeling.own_word.empty()) return feeling.own_word;
  auto it = feelings_.find(feeling.family);
  if (it == feelings_.end()) return "";
  return it->second[static_cast<size_t>(feeling.intensity)];
}

std::string ContentLibrary::TopicPhrase(std::string_view topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? "" : it->second;
}

std::string ContentLibrary::Versions() const {
  std::string out;
  for (const auto& [name, version] : packs_) {
    if (!out.empty()) out += ", ";
    out += name + " v" + std::to_string(version);
  }
  return out;
}

}  // namespace haven::reply
