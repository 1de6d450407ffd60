#include "cli/respond_cmd.h"

#include <string>
#include <vector>

#include "cli/jsonl.h"

namespace haven::cli {
namespace {

std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

StatusOr<std::string> RespondAnswer(const reply::Engine& engine, const nlohmann::json& request,
                                    bool why) {
  std::string locale = "en-US";
  if (auto it = request.find("locale"); it != request.end() && !it->is_null()) {
    if (!it->is_string()) return InvalidArgument("field \"locale\" must be a string");
    locale = it->get<std::string>();
  }
  auto h = request.find("history");
  if (h == request.end()) return InvalidArgument("missing field \"history\"");
  if (!h->is_array()) return InvalidArgument("field \"history\" must be an array");
  if (h->empty()) return InvalidArgument("field \"history\" is empty");
  std::vector<reply::Turn> history;
  history.reserve(h->size());
  for (size_t i = 0; i < h->size(); ++i) {
    const nlohmann::json& entry = (*h)[i];
    const std::string where = "history[" + std::to_string(i) + "]";
    if (!entry.is_object()) return InvalidArgument(where + " must be an object");
    auto role = entry.find("role");
    auto text = entry.find("text");
    if (role == entry.end() || !role->is_string()) {
      return InvalidArgument(where + ".role must be a string");
    }
    if (text == entry.end() || !text->is_string()) {
      return InvalidArgument(where + ".text must be a string");
    }
    history.push_back({role->get<std::string>(), text->get<std::string>()});
  }
  auto reply = engine.Respond(history, locale);
  if (!reply.ok()) return reply.status();
  std::string out;
  out.reserve(reply->text.size() + 96);
  out += "\"reply\":";
  out += JsonString(reply->text);
  out += ",\"strategy\":\"";
  out += reply::StrategyName(reply->strategy);
  out += "\",\"risk_level\":\"";
  out += RiskLevelName(reply->risk_level);
  out += "\",\"escalate\":";
  out += reply->escalate ? "true" : "false";
  if (why) {
    out += ",\"variant\":" + JsonString(reply->variant_id);
    out +=
        ",\"why\":" +
        nlohmann::json(reply->why).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out;
}

int RunRespondJsonl(const reply::Engine& engine, std::FILE* in, std::FILE* out, size_t max_line,
                    bool why) {
  RunJsonl(in, out, max_line, [&engine, why](const nlohmann::json& request) {
    return RespondAnswer(engine, request, why);
  });
  return 0;
}

}  // namespace haven::cli
