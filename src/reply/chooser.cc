#include "reply/chooser.h"

#include <charconv>
#include <cstdio>

namespace haven::reply {
namespace {

// A part of a reason: no separator of the format and no comma.
bool CleanPart(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == ':' || c == '|' || c == ',' || static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

}  // namespace

std::string FormatChoiceReason(const ChoiceRecord& r) {
  char p[32];
  std::snprintf(p, sizeof p, "%.4f", r.propensity);
  std::string out = "choice:" + r.policy + ":" + r.context + ":" + r.arm + ":" + p + ":";
  for (size_t i = 0; i < r.arms.size(); ++i) {
    if (i > 0) out.push_back('|');
    out += r.arms[i];
  }
  return out;
}

std::optional<ChoiceRecord> ParseChoiceReason(std::string_view reason) {
  constexpr std::string_view kPrefix = "choice:";
  if (reason.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  if (reason.find(',') != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> parts = Split(reason.substr(kPrefix.size()), ':');
  if (parts.size() != 5) return std::nullopt;
  ChoiceRecord r;
  r.policy = parts[0];
  r.context = parts[1];
  r.arm = parts[2];
  if (!CleanPart(r.policy) || !CleanPart(r.context) || !CleanPart(r.arm)) return std::nullopt;
  const std::string prop(parts[3]);
  double p = 0;
  auto [end, ec] = std::from_chars(prop.data(), prop.data() + prop.size(), p);
  if (ec != std::errc() || end != prop.data() + prop.size() || !(p > 0) || p > 1) {
    return std::nullopt;
  }
  r.propensity = p;
  bool found = false;
  for (std::string_view a : Split(parts[4], '|')) {
    if (!CleanPart(a)) return std::nullopt;
    r.arms.emplace_back(a);
    found |= a == r.arm;
  }
  if (!found) return std::nullopt;
  return r;
}

std::string ChoiceContext(std::string_view strategy, std::string_view tag,
                          std::string_view feeling_family) {
  auto part = [](std::string_view s) { return s.empty() ? std::string("-") : std::string(s); };
  // The context sits between ':' separators: '/' joins its parts.
  return part(strategy) + "/" + part(tag) + "/" + part(feeling_family);
}

}  // namespace haven::reply
