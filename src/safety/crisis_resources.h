// Crisis lines and emergency numbers by locale, loaded from data/crisis/resources.json.
//
// These numbers are life-critical. The file is validated as a whole when it is loaded: any
// malformed or missing field fails the load with the file's path and the JSON path of the field
// ("data/crisis/resources.json: regions.GB.lines[0].call: ..."), so a bad edit is caught at
// startup and never shows a person a broken number. See data/crisis/README.md for the sources.
//
// A CrisisResources is immutable after loading; every method is const and thread-safe. It owns
// its data; the references it returns live as long as it does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"

namespace haven::safety {

// One service a person can reach. At least one of call, text or url is set.
struct CrisisLine {
  std::string id;            // stable, unique in the file ("gb-samaritans")
  std::string name;          // "Samaritans"
  std::string call;          // number to call as it is written locally ("116 123"), or ""
  std::string text;          // number to text ("741741"), or ""
  std::string text_keyword;  // what to text, e.g. "HOME", or "" for any message
  std::string url;           // https:// address, or ""
  std::string hours;         // "24/7", or ""
  std::string note;          // for operators and the console, or ""

  // One sentence a reply can show: "Samaritans: call 116 123 (24/7, free)",
  // "Crisis Text Line: text HOME to 741741 (24/7)", "988 Suicide & Crisis Lifeline: call or
  // text 988 (24/7)", "Find A Helpline: findahelpline.com".
  std::string Describe() const;
};

// The resources of one region, or the fallback.
struct RegionResources {
  std::string region;                  // ISO 3166-1 alpha-2 ("GB"), "" for the fallback
  std::string country;                 // "United Kingdom", "" for the fallback
  std::vector<std::string> emergency;  // emergency numbers, the one to use first first; empty
                                       // only for the fallback ("your local emergency number")
  std::vector<CrisisLine> lines;       // in order of use: the first is the one to offer first

  bool is_fallback() const { return region.empty(); }
  // "999" or, for the fallback, "your local emergency number".
  std::string EmergencyNumber() const;
};

class CrisisResources {
 public:
  // Reads and validates `path`. Errors: NotFound when the file cannot be read, InvalidArgument
  // with "<path>: <json path>: <problem>" when it is not valid JSON or a field is missing,
  // of the wrong type, a number has no digits or a character other than digits, spaces, "+",
  // "-", "(" and ")", a url is not https://, an id repeats, a region code is not two upper-case
  // letters, an alias points nowhere, or a region (not the fallback) has no emergency number or
  // no line.
  static StatusOr<CrisisResources> Load(const std::string& path);
  // As Load, from the file's contents; `source` names it in errors.
  static StatusOr<CrisisResources> Parse(std::string_view json, std::string_view source);
  // "<data_dir>/crisis/resources.json".
  static std::string DefaultPath(const std::string& data_dir);

  // A directory holding only the fallback ("your local emergency number", findahelpline.com),
  // for a caller that could not load the file. Never fails.
  static CrisisResources BuiltinFallback();

  // The resources for a BCP-47 tag: its region subtag decides ("en-GB" -> GB, "en-IE" -> IE,
  // "fr-CA" -> CA, "zh-Hant-TW" -> TW); "_" is read as "-" and case is ignored; aliases apply
  // ("en-UK" -> GB). A tag with no region ("en"), an unknown region, or malformed input gives the
  // fallback. Never fails.
  const RegionResources& ForLocale(std::string_view locale) const;
  // The region by its code ("GB"), or nullptr.
  const RegionResources* ForRegion(std::string_view region) const;
  const RegionResources& fallback() const { return fallback_; }
  const std::vector<RegionResources>& regions() const { return regions_; }

 private:
  std::vector<RegionResources> regions_;                      // sorted by region code
  std::vector<std::pair<std::string, std::string>> aliases_;  // alias -> region
  RegionResources fallback_;
};

// The region subtag of a BCP-47 tag, upper case ("en-gb" -> "GB", "es-419" -> "419"), or ""
// when it has none or the tag is malformed.
std::string RegionOfLocale(std::string_view locale);

}  // namespace haven::safety
