#include "nlp/analysis_json.h"

#include <cmath>
#include <string>

namespace haven::nlp {
namespace {

double Round4(double v) {
  if (!std::isfinite(v)) return 0.0;
  return std::round(v * 10000.0) / 10000.0;
}

nlohmann::ordered_json SpanJson(const Span& s) {
  return {{"start", s.start}, {"end", s.end}};
}

}  // namespace

nlohmann::ordered_json AnalysisToJson(const Analysis& a, bool include_redacted) {
  using nlohmann::ordered_json;
  ordered_json out;
  out["sentiment"] = {{"compound", Round4(a.sentiment.compound)},
                      {"pos", Round4(a.sentiment.pos)},
                      {"neu", Round4(a.sentiment.neu)},
                      {"neg", Round4(a.sentiment.neg)}};
  ordered_json labels = ordered_json::array();
  for (int i : a.emotions.labels) labels.push_back(kEmotionNames[static_cast<size_t>(i)]);
  ordered_json scores = ordered_json::object();
  for (int i = 0; i < kNumEmotions; ++i) {
    scores[std::string(kEmotionNames[static_cast<size_t>(i)])] = Round4(a.emotions.scores[static_cast<size_t>(i)]);
  }
  out["emotions"] = {{"labels", std::move(labels)}, {"scores", std::move(scores)}};
  ordered_json cats = ordered_json::array();
  for (auto c : a.risk.categories) cats.push_back(RiskCategoryName(c));
  ordered_json evidence = ordered_json::array();
  for (const auto& e : a.risk.evidence) {
    ordered_json ej = SpanJson(e.span);
    ej["signal"] = e.signal;
    evidence.push_back(std::move(ej));
  }
  out["risk"] = {{"level", RiskLevelName(a.risk.level)},
                 {"score", Round4(a.risk.score)},
                 {"categories", std::move(cats)},
                 {"evidence", std::move(evidence)}};
  out["intent"] = {{"label", a.intent.label}, {"score", Round4(a.intent.score)}};
  ordered_json topics = ordered_json::array();
  for (const auto& t : a.topics) {
    ordered_json ev = ordered_json::array();
    for (const auto& s : t.evidence) ev.push_back(SpanJson(s));
    topics.push_back({{"label", t.label}, {"score", Round4(t.score)}, {"evidence", std::move(ev)}});
  }
  out["topics"] = std::move(topics);
  ordered_json pii = ordered_json::array();
  for (const auto& p : a.pii) {
    ordered_json pj = SpanJson(p.span);
    pj["type"] = PiiTypeName(p.type);
    pii.push_back(std::move(pj));
  }
  out["pii"] = std::move(pii);
  if (include_redacted) out["redacted"] = a.redacted;
  if (a.repaired_utf8) out["repaired_utf8"] = true;
  return out;
}

}  // namespace haven::nlp
