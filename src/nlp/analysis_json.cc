#include "nlp/analysis_json.h"

#include <charconv>
#include <cmath>
#include <string>

#include "nlp/text.h"

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

namespace {

void AppendNumber(std::string& out, double v) {
  v = Round4(v);
  if (v == 0.0) {
    out += '0';
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  if (ec != std::errc()) {
    out += '0';
    return;
  }
  char* p = end;
  while (p > buf && p[-1] == '0') --p;  // "0.5000" -> "0.5"
  if (p > buf && p[-1] == '.') --p;     // "1.0000" -> "1"
  out.append(buf, static_cast<size_t>(p - buf));
}

void AppendUint(std::string& out, uint32_t v) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(end - buf));
}

void AppendKey(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

void AppendSpan(std::string& out, const Span& s) {
  out += "{\"start\":";
  AppendUint(out, s.start);
  out += ",\"end\":";
  AppendUint(out, s.end);
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  if (!IsValidUtf8(s)) {
    // Strings inside an Analysis are valid UTF-8 (the normaliser repairs input); this is a guard.
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void AppendAnalysisMembers(std::string& out, const Analysis& a, bool include_redacted) {
  out += "\"sentiment\":{\"compound\":";
  AppendNumber(out, a.sentiment.compound);
  out += ",\"pos\":";
  AppendNumber(out, a.sentiment.pos);
  out += ",\"neu\":";
  AppendNumber(out, a.sentiment.neu);
  out += ",\"neg\":";
  AppendNumber(out, a.sentiment.neg);
  out += "},\"emotions\":{\"labels\":[";
  for (size_t k = 0; k < a.emotions.labels.size(); ++k) {
    if (k) out += ',';
    out += '"';
    out += kEmotionNames[static_cast<size_t>(a.emotions.labels[k])];
    out += '"';
  }
  out += "],\"scores\":{";
  for (int i = 0; i < kNumEmotions; ++i) {
    if (i) out += ',';
    AppendKey(out, kEmotionNames[static_cast<size_t>(i)]);
    AppendNumber(out, a.emotions.scores[static_cast<size_t>(i)]);
  }
  out += "}},\"risk\":{\"level\":\"";
  out += RiskLevelName(a.risk.level);
  out += "\",\"score\":";
  AppendNumber(out, a.risk.score);
  out += ",\"categories\":[";
  for (size_t k = 0; k < a.risk.categories.size(); ++k) {
    if (k) out += ',';
    out += '"';
    out += RiskCategoryName(a.risk.categories[k]);
    out += '"';
  }
  out += "],\"evidence\":[";
  for (size_t k = 0; k < a.risk.evidence.size(); ++k) {
    if (k) out += ',';
    AppendSpan(out, a.risk.evidence[k].span);
    out += ",\"signal\":";
    AppendJsonString(out, a.risk.evidence[k].signal);
    out += '}';
  }
  out += "]},\"intent\":{\"label\":";
  AppendJsonString(out, a.intent.label);
  out += ",\"score\":";
  AppendNumber(out, a.intent.score);
  out += "},\"topics\":[";
  for (size_t k = 0; k < a.topics.size(); ++k) {
    const auto& t = a.topics[k];
    if (k) out += ',';
    out += "{\"label\":";
    AppendJsonString(out, t.label);
    out += ",\"score\":";
    AppendNumber(out, t.score);
    out += ",\"evidence\":[";
    for (size_t j = 0; j < t.evidence.size(); ++j) {
      if (j) out += ',';
      AppendSpan(out, t.evidence[j]);
      out += '}';
    }
    out += "]}";
  }
  out += "],\"pii\":[";
  for (size_t k = 0; k < a.pii.size(); ++k) {
    if (k) out += ',';
    AppendSpan(out, a.pii[k].span);
    out += ",\"type\":\"";
    out += PiiTypeName(a.pii[k].type);
    out += "\"}";
  }
  out += ']';
  if (include_redacted) {
    out += ",\"redacted\":";
    AppendJsonString(out, a.redacted);
  }
  if (a.repaired_utf8) out += ",\"repaired_utf8\":true";
}

}  // namespace haven::nlp
