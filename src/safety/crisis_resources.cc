#include "safety/crisis_resources.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace haven::safety {
namespace {

using nlohmann::json;

// Collects the first error with its location; every check returns false once it failed.
class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  bool Fail(const std::string& where, const std::string& problem) {
    if (error_.empty()) error_ = source_ + ": " + where + ": " + problem;
    return false;
  }
  bool failed() const { return !error_.empty(); }
  Status status() const { return InvalidArgument(error_); }

  bool OnlyKeys(const json& obj, const std::string& where,
                std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Fail(where, "unknown field \"" + key + "\"");
      }
    }
    return true;
  }

  // A string member; `required` members must be present and non-empty.
  bool String(const json& obj, const std::string& where, const char* key, bool required,
              std::string& out) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) return Fail(where + "." + key, "missing");
      return true;
    }
    if (!it->is_string()) return Fail(where + "." + key, "must be a string");
    out = it->get<std::string>();
    if (required && out.empty()) return Fail(where + "." + key, "must not be empty");
    return true;
  }

 private:
  std::string source_;
  std::string error_;
};

bool IsPhoneNumber(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 2;
}

bool IsRegionCode(std::string_view s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool ParseLine(Checker& ck, const json& j, const std::string& where, CrisisLine& line) {
  if (!j.is_object()) return ck.Fail(where, "must be an object");
  if (!ck.OnlyKeys(j, where,
                   {"id", "name", "call", "text", "text_keyword", "url", "hours", "note"})) {
    return false;
  }
  if (!ck.String(j, where, "id", true, line.id) || !ck.String(j, where, "name", true, line.name) ||
      !ck.String(j, where, "call", false, line.call) ||
      !ck.String(j, where, "text", false, line.text) ||
      !ck.String(j, where, "text_keyword", false, line.text_keyword) ||
      !ck.String(j, where, "url", false, line.url) ||
      !ck.String(j, where, "hours", false, line.hours) ||
      !ck.String(j, where, "note", false, line.note)) {
    return false;
  }
  if (line.call.empty() && line.text.empty() && line.url.empty()) {
    return ck.Fail(where, "needs at least one of call, text or url");
  }
  if (!line.call.empty() && !IsPhoneNumber(line.call)) {
    return ck.Fail(where + ".call", "not a phone number");
  }
  if (!line.text.empty() && !IsPhoneNumber(line.text)) {
    return ck.Fail(where + ".text", "not a phone number");
  }
  if (!line.text_keyword.empty() && line.text.empty()) {
    return ck.Fail(where + ".text_keyword", "set without a text number");
  }
  if (!line.url.empty() && (line.url.rfind("https://", 0) != 0 || line.url.size() <= 8 ||
                            line.url.find_first_of(" \t\r\n") != std::string::npos)) {
    return ck.Fail(where + ".url", "must be an https:// address without spaces");
  }
  return true;
}

bool ParseRegion(Checker& ck, const json& j, const std::string& where, bool is_fallback,
                 RegionResources& out) {
  if (!j.is_object()) return ck.Fail(where, "must be an object");
  if (!ck.OnlyKeys(j, where, {"country", "emergency", "lines"})) return false;
  if (!ck.String(j, where, "country", !is_fallback, out.country)) return false;
  auto em = j.find("emergency");
  if (em == j.end()) return ck.Fail(where + ".emergency", "missing");
  if (!em->is_array()) return ck.Fail(where + ".emergency", "must be an array of strings");
  for (size_t i = 0; i < em->size(); ++i) {
    const std::string w = where + ".emergency[" + std::to_string(i) + "]";
    if (!(*em)[i].is_string()) return ck.Fail(w, "must be a string");
    std::string number = (*em)[i].get<std::string>();
    if (!IsPhoneNumber(number)) return ck.Fail(w, "not a phone number");
    out.emergency.push_back(std::move(number));
  }
  if (out.emergency.empty() && !is_fallback) {
    return ck.Fail(where + ".emergency", "needs at least one emergency number");
  }
  auto lines = j.find("lines");
  if (lines == j.end()) return ck.Fail(where + ".lines", "missing");
  if (!lines->is_array()) return ck.Fail(where + ".lines", "must be an array");
  if (lines->empty()) return ck.Fail(where + ".lines", "needs at least one line");
  for (size_t i = 0; i < lines->size(); ++i) {
    CrisisLine line;
    if (!ParseLine(ck, (*lines)[i], where + ".lines[" + std::to_string(i) + "]", line)) {
      return false;
    }
    out.lines.push_back(std::move(line));
  }
  return true;
}

}  // namespace

std::string CrisisLine::Describe() const {
  std::string out = name + ":";
  if (!call.empty() && call == text && text_keyword.empty()) {
    out += " call or text " + call;
  } else {
    if (!call.empty()) out += " call " + call;
    if (!text.empty()) {
      if (!call.empty()) out += " or";
      out += " text ";
      if (!text_keyword.empty()) out += text_keyword + " to ";
      out += text;
    }
  }
  if (call.empty() && text.empty() && !url.empty()) {
    std::string_view host(url);
    host.remove_prefix(8);  // "https://"
    if (host.size() > 1 && host.back() == '/') host.remove_suffix(1);
    out += " ";
    out += host;
  }
  if (!hours.empty()) out += " (" + hours + ")";
  return out;
}

std::string RegionResources::EmergencyNumber() const {
  return emergency.empty() ? std::string("your local emergency number") : emergency.front();
}

StatusOr<CrisisResources> CrisisResources::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot read the crisis resources file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return NotFound(path + ": cannot read the crisis resources file");
  return Parse(buf.str(), path);
}

std::string CrisisResources::DefaultPath(const std::string& data_dir) {
  return data_dir + "/crisis/resources.json";
}

StatusOr<CrisisResources> CrisisResources::Parse(std::string_view text, std::string_view source) {
  Checker ck(source);
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    ck.Fail("(document)", "not valid JSON");
    return ck.status();
  }
  if (!root.is_object()) {
    ck.Fail("(document)", "must be an object");
    return ck.status();
  }
  if (!ck.OnlyKeys(root, "(document)", {"version", "reviewed", "aliases", "regions", "fallback"})) {
    return ck.status();
  }
  auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() || version->get<int64_t>() != 1) {
    ck.Fail("version", "must be 1");
    return ck.status();
  }
  std::string reviewed;
  if (!ck.String(root, "(document)", "reviewed", false, reviewed)) return ck.status();

  CrisisResources out;
  auto regions = root.find("regions");
  if (regions == root.end() || !regions->is_object() || regions->empty()) {
    ck.Fail("regions", "must be a non-empty object keyed by region code");
    return ck.status();
  }
  std::set<std::string> ids;
  for (const auto& [code, value] : regions->items()) {
    const std::string where = "regions." + code;
    if (!IsRegionCode(code)) {
      ck.Fail(where, "key must be a two-letter upper-case region code");
      return ck.status();
    }
    RegionResources region;
    region.region = code;
    if (!ParseRegion(ck, value, where, false, region)) return ck.status();
    for (size_t i = 0; i < region.lines.size(); ++i) {
      if (!ids.insert(region.lines[i].id).second) {
        ck.Fail(where + ".lines[" + std::to_string(i) + "].id", "repeats an earlier id");
        return ck.status();
      }
    }
    out.regions_.push_back(std::move(region));
  }
  std::sort(out.regions_.begin(), out.regions_.end(),
            [](const RegionResources& a, const RegionResources& b) { return a.region < b.region; });

  auto fallback = root.find("fallback");
  if (fallback == root.end()) {
    ck.Fail("fallback", "missing");
    return ck.status();
  }
  if (!ParseRegion(ck, *fallback, "fallback", true, out.fallback_)) return ck.status();
  out.fallback_.region.clear();
  for (size_t i = 0; i < out.fallback_.lines.size(); ++i) {
    if (!ids.insert(out.fallback_.lines[i].id).second) {
      ck.Fail("fallback.lines[" + std::to_string(i) + "].id", "repeats an earlier id");
      return ck.status();
    }
  }

  auto aliases = root.find("aliases");
  if (aliases != root.end()) {
    if (!aliases->is_object()) {
      ck.Fail("aliases", "must be an object");
      return ck.status();
    }
    for (const auto& [alias, target] : aliases->items()) {
      const std::string where = "aliases." + alias;
      if (!IsRegionCode(alias)) {
        ck.Fail(where, "key must be a two-letter upper-case region code");
        return ck.status();
      }
      if (!target.is_string() || out.ForRegion(target.get<std::string>()) == nullptr) {
        ck.Fail(where, "must name a region in \"regions\"");
        return ck.status();
      }
      if (out.ForRegion(alias) != nullptr) {
        ck.Fail(where, "is already a region");
        return ck.status();
      }
      out.aliases_.emplace_back(alias, target.get<std::string>());
    }
  }
  return out;
}

CrisisResources CrisisResources::BuiltinFallback() {
  CrisisResources out;
  CrisisLine line;
  line.id = "findahelpline";
  line.name = "Find A Helpline";
  line.url = "https://findahelpline.com";
  out.fallback_.lines.push_back(std::move(line));
  return out;
}

const RegionResources* CrisisResources::ForRegion(std::string_view region) const {
  auto it = std::lower_bound(
      regions_.begin(), regions_.end(), region,
      [](const RegionResources& r, std::string_view code) { return r.region < code; });
  if (it != regions_.end() && it->region == region) return &*it;
  return nullptr;
}

const RegionResources& CrisisResources::ForLocale(std::string_view locale) const {
  std::string region = RegionOfLocale(locale);
  if (region.empty()) return fallback_;
  for (const auto& [alias, target] : aliases_) {
    if (alias == region) {
      region = target;
      break;
    }
  }
  const RegionResources* r = ForRegion(region);
  return r != nullptr ? *r : fallback_;
}

std::string RegionOfLocale(std::string_view locale) {
  // language ["-" script] ["-" region] ["-" variant]* ...: the region is the first subtag after
  // the language that is 2 letters or 3 digits; singletons ("x", "u") end the search.
  if (locale.size() > 128) return "";
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= locale.size(); ++i) {
    if (i == locale.size() || locale[i] == '-' || locale[i] == '_') {
      parts.push_back(locale.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() < 2 || parts[0].size() < 2 || parts[0].size() > 8) return "";
  for (char c : parts[0]) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return "";
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (p.size() <= 1) return "";  // empty subtag or an extension singleton
    bool alpha = std::all_of(p.begin(), p.end(),
                             [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    bool digit = std::all_of(p.begin(), p.end(),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (i == 1 && alpha && p.size() == 3) continue;  // extended language ("zh-yue-HK")
    if (i <= 2 && alpha && p.size() == 4) continue;  // script
    if ((alpha && p.size() == 2) || (digit && p.size() == 3)) return Upper(p);
    return "";
  }
  return "";
}

}  // namespace haven::safety
