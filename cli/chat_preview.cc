#include "cli/chat_preview.h"

#include <string>

#include "cli/analyze_report.h"

namespace haven::cli {

const char* CrisisResourcesText() {
  return "If you are in danger right now, please call your local emergency number (911 in the "
         "US and Canada, 999 in the UK, 112 in the EU, 000 in Australia).\n"
         "You can talk to someone now, any time:\n"
         "  US: call or text 988 (Suicide & Crisis Lifeline)\n"
         "  UK and Ireland: call 116 123 (Samaritans), or text SHOUT to 85258 (UK)\n"
         "  Elsewhere: https://findahelpline.com lists free, confidential lines in your country.\n";
}

int RunChatPreview(const nlp::Analyzer& analyzer, std::istream& in, std::ostream& out) {
  out << "Haven (preview). I am an AI, not a person. In this version I listen and show how I\n"
         "read what you write; replies come in a later version. Type 'help' for crisis lines,\n"
         "'quit' to leave. Nothing you type here is stored.\n\n";
  std::string line;
  while (out << "you> " << std::flush, std::getline(in, line)) {
    if (line == "quit" || line == "exit") break;
    if (line == "help") {
      out << CrisisResourcesText() << "\n";
      continue;
    }
    if (line.empty()) continue;
    nlp::Analysis a = analyzer.Analyze(line);
    std::string shown = a.repaired_utf8 ? analyzer.normalizer().Normalize(line).text : line;
    out << FormatReport(shown, a);
    if (a.risk.level >= RiskLevel::kModerate || a.intent.label == "crisis" ||
        a.intent.label == "asking_for_human") {
      out << "\nI'm really glad you told me. You deserve support from a person right now.\n"
          << CrisisResourcesText();
    }
    out << "\n";
  }
  out << "Take care of yourself. Haven is here whenever you want to come back.\n";
  return 0;
}

}  // namespace haven::cli
