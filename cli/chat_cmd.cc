#include "cli/chat_cmd.h"

#include <string>

#include "reply/engine.h"

namespace haven::cli {
namespace {

std::string HelpText(const reply::Engine& engine, const std::string& locale) {
  const safety::RegionResources& region = engine.resources().ForLocale(locale);
  std::string out = "If you are in danger right now, call " + region.EmergencyNumber() + ".\n";
  for (const safety::CrisisLine& line : region.lines) out += "  " + line.Describe() + "\n";
  out += "You can also ask for a person from our team at any time.\n";
  return out;
}

}  // namespace

int RunChat(const reply::Engine& engine, const std::string& locale, std::istream& in,
            std::ostream& out) {
  out << "Haven: an AI that listens, not a person. Type 'help' for crisis lines, 'why' to see\n"
         "why Haven answered as it did, 'quit' to leave. Nothing you type here is stored.\n\n";
  reply::Conversation conversation(engine, locale);
  reply::Reply last;
  bool have_last = false;
  std::string line;
  while (out << "you> " << std::flush, std::getline(in, line)) {
    if (line == "quit" || line == "exit") break;
    if (line == "help") {
      out << HelpText(engine, locale) << "\n";
      continue;
    }
    if (line == "why") {
      if (!have_last) {
        out << "(nothing yet)\n\n";
        continue;
      }
      out << "  strategy: " << reply::StrategyName(last.strategy)
          << "  risk: " << RiskLevelName(last.risk_level)
          << "  action: " << safety::ActionName(last.action) << (last.escalate ? "  escalate" : "")
          << (last.urgent ? " (urgent)" : "")
          << (last.variant_id.empty() ? "" : "  variant: " + last.variant_id) << "\n  why:";
      for (const std::string& w : last.why) out << " " << w;
      out << "\n\n";
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = conversation.Send(line);
    have_last = true;
    out << "haven> " << last.text << "\n";
    if (last.escalate) {
      out << (last.urgent ? "  [a person from the team is being alerted urgently]\n"
                          : "  [a person from the team is being asked to join]\n");
    }
    out << "\n";
  }
  out << "Take care of yourself. Haven is here whenever you want to come back.\n";
  return 0;
}

}  // namespace haven::cli
