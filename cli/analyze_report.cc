#include "cli/analyze_report.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

namespace haven::cli {
namespace {

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Quote(std::string_view text, const nlp::Span& s) {
  if (s.end > text.size() || s.start > s.end) return "\"\"";
  return "\"" + std::string(text.substr(s.start, s.end - s.start)) + "\"";
}

}  // namespace

std::string FormatReport(std::string_view text, const nlp::Analysis& a) {
  std::string out;
  const auto& s = a.sentiment;
  std::string tone = s.compound >= 0.05 ? "positive" : s.compound <= -0.05 ? "negative" : "neutral";
  out += "Sentiment   " + tone + " (compound " + Fmt("%+.3f", s.compound) + "; pos " +
         Fmt("%.2f", s.pos) + ", neu " + Fmt("%.2f", s.neu) + ", neg " + Fmt("%.2f", s.neg) + ")\n";

  std::vector<int> order(nlp::kNumEmotions);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    return a.emotions.scores[static_cast<size_t>(x)] > a.emotions.scores[static_cast<size_t>(y)];
  });
  out += "Emotions    ";
  for (size_t k = 0; k < a.emotions.labels.size(); ++k) {
    int i = a.emotions.labels[k];
    if (k) out += ", ";
    out += std::string(nlp::kEmotionNames[static_cast<size_t>(i)]) + " " +
           Fmt("%.2f", a.emotions.scores[static_cast<size_t>(i)]);
  }
  out += "   (top: ";
  for (size_t k = 0; k < 3; ++k) {
    int i = order[k];
    if (k) out += ", ";
    out += std::string(nlp::kEmotionNames[static_cast<size_t>(i)]) + " " +
           Fmt("%.2f", a.emotions.scores[static_cast<size_t>(i)]);
  }
  out += ")\n";

  std::string level(RiskLevelName(a.risk.level));
  std::transform(level.begin(), level.end(), level.begin(), ::toupper);
  out += "Risk        " + level + " (score " + Fmt("%.2f", a.risk.score) + ")";
  for (auto c : a.risk.categories) out += " " + std::string(nlp::RiskCategoryName(c));
  out += "\n";
  for (const auto& e : a.risk.evidence) {
    out += "  evidence  " + Quote(text, e.span) + " " + e.signal + "\n";
  }
  out += "Intent      " + a.intent.label + " (" + Fmt("%.2f", a.intent.score) + ")\n";
  out += "Topics      ";
  if (a.topics.empty()) out += "-";
  for (size_t k = 0; k < a.topics.size(); ++k) {
    const auto& t = a.topics[k];
    if (k) out += ", ";
    out += t.label + " " + Fmt("%.2f", t.score);
    if (!t.evidence.empty()) out += " " + Quote(text, t.evidence.front());
  }
  out += "\n";
  out += "PII         ";
  if (a.pii.empty()) out += "-";
  for (size_t k = 0; k < a.pii.size(); ++k) {
    if (k) out += ", ";
    out += std::string(nlp::PiiTypeName(a.pii[k].type)) + " " + Quote(text, a.pii[k].span);
  }
  out += "\n";
  if (!a.pii.empty()) out += "Redacted    " + a.redacted + "\n";
  if (a.repaired_utf8) out += "Note        the input had invalid UTF-8; it was repaired first\n";
  return out;
}

}  // namespace haven::cli
