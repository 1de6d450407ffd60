#include "cli/empathy_cmd.h"

#include <cstdio>
#include <string>

#include "cli/jsonl.h"
#include "nlp/text.h"

namespace haven::cli {

StatusOr<std::string> EmpathyAnswer(const reply::EmpathyScorer& scorer,
                                    const nlohmann::json& request) {
  auto seeker = RequireString(request, "seeker");
  if (!seeker.ok()) return seeker.status();
  auto response = RequireString(request, "response");
  if (!response.ok()) return response.status();
  return reply::EmpathyLevelsJson(scorer.Score(*seeker, *response));
}

int RunEmpathyJsonl(const reply::EmpathyScorer& scorer, std::FILE* in, std::FILE* out,
                    size_t max_line) {
  RunJsonl(in, out, max_line,
           [&scorer](const nlohmann::json& request) { return EmpathyAnswer(scorer, request); });
  return 0;
}

std::string FormatEmpathyReport(const reply::EmpathyScore& score, std::string_view response) {
  static constexpr const char* kLevelNames[] = {"none", "weak", "strong"};
  static constexpr const char* kTitles[] = {"Emotional reactions", "Interpretations",
                                            "Explorations"};
  // Spans index the repaired text when the response was invalid UTF-8; quote only valid text.
  const bool quotable = nlp::IsValidUtf8(response);
  std::string out;
  for (int m = 0; m < reply::kNumMechanisms; ++m) {
    const auto& ms = score.mechanisms[m];
    char line[128];
    std::snprintf(line, sizeof line, "%-20s %-6s (%d)  score %.2f\n", kTitles[m],
                  kLevelNames[ms.level], ms.level, ms.score);
    out += line;
    for (const auto& cue : score.cues) {
      if (static_cast<int>(cue.mechanism) != m) continue;
      out += "    ";
      out += cue.kind;
      if (quotable && cue.span.end <= response.size() && cue.span.start < cue.span.end) {
        out += ": \"";
        out += response.substr(cue.span.start, cue.span.end - cue.span.start);
        out += '"';
      }
      char w[32];
      std::snprintf(w, sizeof w, "  +%.2f\n", cue.weight);
      out += w;
    }
  }
  return out;
}

}  // namespace haven::cli
