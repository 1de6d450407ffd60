#include "cli/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <vector>

#include "cli/store_options.h"

namespace haven::cli {
namespace {

// Reads one YAML document into typed values, keeping the first error with the key's dotted
// name and line.
class ConfigReader {
 public:
  const Status& status() const { return status_; }

  // `node` must be a map whose keys are all in `known`.
  bool Map(const YAML::Node& node, const std::string& name, const std::set<std::string>& known) {
    if (!node.IsMap()) return Fail(node, name, "must be a mapping of keys to values");
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (!known.contains(key)) {
        return Fail(entry.first, name.empty() ? key : name + "." + key, "unknown key");
      }
    }
    return true;
  }

  bool Text(const YAML::Node& parent, const std::string& prefix, const std::string& key,
            std::string* out) {
    const YAML::Node node = parent[key];
    if (!node) return true;
    if (!node.IsScalar() || node.Scalar().empty()) {
      return Fail(node, Name(prefix, key), "must be a non-empty string");
    }
    *out = node.Scalar();
    return true;
  }

  bool TextList(const YAML::Node& parent, const std::string& prefix, const std::string& key,
                std::vector<std::string>* out) {
    const YAML::Node node = parent[key];
    if (!node) return true;
    if (!node.IsSequence()) return Fail(node, Name(prefix, key), "must be a list of strings");
    std::vector<std::string> values;
    for (const auto& item : node) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        return Fail(item, Name(prefix, key), "must be a list of strings");
      }
      values.push_back(item.Scalar());
    }
    *out = std::move(values);
    return true;
  }

  bool Flag(const YAML::Node& parent, const std::string& prefix, const std::string& key,
            bool* out) {
    const YAML::Node node = parent[key];
    if (!node) return true;
    const std::string& s = node.IsScalar() ? node.Scalar() : std::string();
    if (s == "true") {
      *out = true;
    } else if (s == "false") {
      *out = false;
    } else {
      return Fail(node, Name(prefix, key), "must be true or false");
    }
    return true;
  }

  // A number in [min, max]; `integer` refuses fractions.
  bool Number(const YAML::Node& parent, const std::string& prefix, const std::string& key,
              double min, double max, bool integer, double* out) {
    const YAML::Node node = parent[key];
    if (!node) return false;
    const std::string name = Name(prefix, key);
    if (!node.IsScalar()) return Fail(node, name, "must be a number");
    const std::string& s = node.Scalar();
    double value = 0;
    size_t used = 0;
    try {
      value = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || !std::isfinite(value)) {
      return Fail(node, name, "must be a number");
    }
    if (integer && value != std::floor(value)) return Fail(node, name, "must be a whole number");
    if (value < min || value > max) {
      std::ostringstream rule;
      rule << "must be between " << min << " and " << max;
      return Fail(node, name, rule.str());
    }
    *out = value;
    return true;
  }

  template <class Int>
  void Whole(const YAML::Node& parent, const std::string& prefix, const std::string& key,
             double min, double max, Int* out) {
    double v = 0;
    if (Number(parent, prefix, key, min, max, /*integer=*/true, &v)) *out = static_cast<Int>(v);
  }

  void Real(const YAML::Node& parent, const std::string& prefix, const std::string& key, double min,
            double max, double* out) {
    double v = 0;
    if (Number(parent, prefix, key, min, max, /*integer=*/false, &v)) *out = v;
  }

  bool Fail(const YAML::Node& node, const std::string& name, const std::string& rule) {
    if (status_.ok()) {
      std::string where = name;
      if (node.Mark().line >= 0) where += " (line " + std::to_string(node.Mark().line + 1) + ")";
      status_ = InvalidArgument("config: " + where + ": " + rule);
    }
    return false;
  }

 private:
  static std::string Name(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }
  Status status_;
};

// A webhook's name as the escalation policy writes it.
bool IsWebhookName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

// `webhooks: {NAME: {url, secret_file, ca_file, timeout_ms, max_attempts}, ...}`. The URL and the
// secret are never quoted in an error.
void ReadWebhooks(const YAML::Node& node, ConfigReader& r,
                  std::vector<server::WebhookEndpoint>* out) {
  if (!node.IsMap()) {
    r.Fail(node, "webhooks", "must be a mapping of names to endpoints");
    return;
  }
  std::vector<server::WebhookEndpoint> endpoints;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string p = "webhooks." + name;
    if (!IsWebhookName(name)) {
      r.Fail(entry.first, p, "a webhook's name is letters, digits, '_' and '-'");
      return;
    }
    const YAML::Node w = entry.second;
    if (!r.Map(w, p, {"url", "secret_file", "ca_file", "timeout_ms", "max_attempts"})) return;
    server::WebhookEndpoint e;
    e.name = name;
    std::string secret_file;
    r.Text(w, p, "url", &e.url);
    r.Text(w, p, "secret_file", &secret_file);
    if (!r.status().ok()) return;
    if (e.url.empty() || secret_file.empty()) {
      r.Fail(w, p, "give url and secret_file");
      return;
    }
    if (Status s = server::CheckWebhookUrl(e.url); !s.ok()) {
      r.Fail(w["url"], p + ".url", s.message());
      return;
    }
    auto secret = server::ReadWebhookSecret(secret_file);
    if (!secret.ok()) {
      r.Fail(w["secret_file"], p + ".secret_file", secret.status().message());
      return;
    }
    e.secret = std::move(secret).value();
    if (const YAML::Node ca = w["ca_file"]; ca) {
      if (!ca.IsScalar()) {
        r.Fail(ca, p + ".ca_file", "must be a path, or \"\" for the system's CAs");
        return;
      }
      e.ca_file = ca.Scalar();
      std::error_code ec;
      if (!e.ca_file.empty() && !std::filesystem::is_regular_file(e.ca_file, ec)) {
        r.Fail(ca, p + ".ca_file", "is not a readable file");
        return;
      }
    }
    double v = 0;
    if (r.Number(w, p, "timeout_ms", 100, 120'000, true, &v)) {
      e.timeout = std::chrono::milliseconds(static_cast<int64_t>(v));
    }
    r.Whole(w, p, "max_attempts", 1, 100, &e.max_attempts);
    if (!r.status().ok()) return;
    endpoints.push_back(std::move(e));
  }
  *out = std::move(endpoints);
}

}  // namespace

Status ApplyServeConfig(std::string_view text, server::ServerOptions* server_out,
                        chat::ChatOptions* chat_out, ServeFileSettings* file_out) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config: malformed YAML (line " + std::to_string(e.mark.line + 1) +
                           "): " + e.msg);
  }
  if (root.IsNull()) return Status::Ok();  // an empty file changes nothing
  // Work on copies: nothing is applied unless the whole file is valid.
  server::ServerOptions server = *server_out;
  chat::ChatOptions chat = *chat_out;
  ServeFileSettings file = *file_out;
  ConfigReader r;
  constexpr double kBig = 1e9;
  double v = 0;
  try {
    if (!r.Map(root, "",
               {"listen", "store", "keys_store", "web_root", "allowed_origins", "tls", "workers",
                "locale", "limits", "sessions", "privacy", "oversight", "webhooks", "learning",
                "insights"})) {
      return r.status();
    }
    r.Text(root, "", "listen", &file.listen);
    r.Text(root, "", "store", &file.store);
    r.Text(root, "", "keys_store", &file.keys_store);
    if (r.status().ok() && !file.store.empty() && file.store != "sqlite" &&
        !IsPostgresUrl(file.store)) {
      r.Fail(root["store"], "store", "must be sqlite or a postgres:// URL");
    }
    if (r.status().ok() && !file.keys_store.empty() && !IsPostgresUrl(file.keys_store)) {
      r.Fail(root["keys_store"], "keys_store", "must be a postgres:// URL");
    }
    r.Text(root, "", "web_root", &server.web_root);
    r.TextList(root, "", "allowed_origins", &server.allowed_origins);
    r.Text(root, "", "locale", &chat.default_locale);
    r.Whole(root, "", "workers", 1, 64, &server.worker_threads);
    if (const YAML::Node tls = root["tls"]; tls && r.Map(tls, "tls", {"cert", "key"})) {
      r.Text(tls, "tls", "cert", &file.tls_cert);
      r.Text(tls, "tls", "key", &file.tls_key);
      if (r.status().ok() && file.tls_cert.empty() != file.tls_key.empty()) {
        r.Fail(tls, "tls", "give both cert and key, or neither");
      }
    }
    if (const YAML::Node l = root["limits"];
        l && r.Map(l, "limits",
                   {"max_message_bytes", "max_frame_bytes", "handshake_timeout_seconds",
                    "idle_timeout_seconds", "messages_per_minute", "message_burst",
                    "account_messages_per_minute", "account_message_burst",
                    "address_messages_per_minute", "address_message_burst", "max_connections",
                    "max_connections_per_address", "limit_loopback"})) {
      const std::string p = "limits";
      r.Whole(l, p, "max_message_bytes", 16, 1 << 20, &chat.max_text_bytes);
      r.Whole(l, p, "max_frame_bytes", 1024, 16 << 20, &server.max_frame_bytes);
      if (r.Number(l, p, "handshake_timeout_seconds", 1, 300, true, &v)) {
        server.handshake_timeout = std::chrono::seconds(static_cast<int64_t>(v));
      }
      if (r.Number(l, p, "idle_timeout_seconds", 10, 86400, true, &v)) {
        server.idle_timeout = std::chrono::seconds(static_cast<int64_t>(v));
      }
      r.Real(l, p, "messages_per_minute", 0.1, kBig, &server.messages_per_minute);
      r.Real(l, p, "message_burst", 1, kBig, &server.message_burst);
      r.Real(l, p, "account_messages_per_minute", 0.1, kBig, &server.account_messages_per_minute);
      r.Real(l, p, "account_message_burst", 1, kBig, &server.account_message_burst);
      r.Real(l, p, "address_messages_per_minute", 0.1, kBig, &server.address_messages_per_minute);
      r.Real(l, p, "address_message_burst", 1, kBig, &server.address_message_burst);
      r.Whole(l, p, "max_connections", 1, 10'000'000, &server.max_connections);
      r.Whole(l, p, "max_connections_per_address", 0, 10'000'000,
              &server.max_connections_per_address);
      r.Flag(l, p, "limit_loopback", &server.limit_loopback);
      if (r.status().ok() && chat.max_text_bytes > server.max_frame_bytes) {
        r.Fail(l, p, "max_message_bytes must not exceed max_frame_bytes");
      }
    }
    if (const YAML::Node s = root["sessions"];
        s && r.Map(s, "sessions", {"seeker_idle_days", "seeker_lifetime_days"})) {
      if (r.Number(s, "sessions", "seeker_idle_days", 1, 3650, true, &v)) {
        chat.session_idle = std::chrono::hours(24 * static_cast<int64_t>(v));
      }
      if (r.Number(s, "sessions", "seeker_lifetime_days", 1, 3650, true, &v)) {
        chat.session_lifetime = std::chrono::hours(24 * static_cast<int64_t>(v));
      }
      if (r.status().ok() && chat.session_idle > chat.session_lifetime) {
        r.Fail(s, "sessions", "seeker_idle_days must not exceed seeker_lifetime_days");
      }
    }
    if (const YAML::Node pr = root["privacy"];
        pr && r.Map(pr, "privacy",
                    {"default_retention_days", "max_retention_days", "unkept_history_hours",
                     "max_export_mib"})) {
      const std::string p = "privacy";
      r.Whole(pr, p, "default_retention_days", 1, 36500, &chat.default_retention_days);
      r.Whole(pr, p, "max_retention_days", 1, 36500, &chat.max_retention_days);
      if (r.Number(pr, p, "unkept_history_hours", 1, 24 * 30, true, &v)) {
        chat.unkept_history_window = std::chrono::hours(static_cast<int64_t>(v));
      }
      if (r.Number(pr, p, "max_export_mib", 1, 1024, true, &v)) {
        chat.max_export_bytes = static_cast<size_t>(v) * 1024 * 1024;
      }
      if (r.status().ok() && chat.default_retention_days > chat.max_retention_days) {
        r.Fail(pr, p, "default_retention_days must not exceed max_retention_days");
      }
    }
    if (const YAML::Node o = root["oversight"];
        o && r.Map(o, "oversight", {"review_sample_percent", "break_glass_minutes"})) {
      if (r.Number(o, "oversight", "review_sample_percent", 0, 100, false, &v)) {
        file.oversight.review_sample_rate = v / 100.0;
      }
      if (r.Number(o, "oversight", "break_glass_minutes", 1, 24 * 60, true, &v)) {
        file.oversight.break_glass_duration = std::chrono::minutes(static_cast<int64_t>(v));
      }
    }
    if (const YAML::Node l = root["learning"];
        l && r.Map(l, "learning", {"bandit", "explore_percent"})) {
      std::string mode;
      if (r.Text(l, "learning", "bandit", &mode) && !mode.empty()) {
        if (auto m = chat::ParseBanditMode(mode)) {
          file.bandit = *m;
        } else {
          r.Fail(l["bandit"], "learning.bandit", "must be off, explore or thompson");
        }
      }
      if (r.Number(l, "learning", "explore_percent", 0, 100, false, &v)) {
        file.explore_rate = v / 100.0;
      }
    }
    if (const YAML::Node in = root["insights"];
        in && r.Map(in, "insights",
                    {"epsilon", "period_budget", "period_days", "min_group_size", "weeks",
                     "cache_hours"})) {
      const std::string p = "insights";
      chat::InsightsOptions& o = file.insights;
      for (const char* key : {"epsilon", "period_budget"}) {
        std::string text;
        if (r.Text(in, p, key, &text) && !text.empty()) {
          if (auto e = chat::MicroEpsilon(text); e.ok()) {
            (std::string_view(key) == "epsilon" ? o.epsilon : o.period_budget) = text;
          } else {
            r.Fail(in[key], p + "." + key, e.status().message());
          }
        }
      }
      r.Whole(in, p, "period_days", 1, 366, &o.period_days);
      int min_group = static_cast<int>(o.min_group_size);
      r.Whole(in, p, "min_group_size", 1, 1000000, &min_group);
      o.min_group_size = min_group;
      r.Whole(in, p, "weeks", 1, 12, &o.weeks);
      if (r.Number(in, p, "cache_hours", 0, 24 * 30, false, &v)) {
        o.cache_ms = static_cast<int64_t>(v * 3600 * 1000);
      }
      if (r.status().ok()) {
        if (Status s = chat::ValidateInsightsOptions(o); !s.ok()) r.Fail(in, p, s.message());
      }
    }
    if (const YAML::Node w = root["webhooks"]; w) ReadWebhooks(w, r, &file.webhooks);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config: " + e.msg);
  }
  if (!r.status().ok()) return r.status();
  *server_out = std::move(server);
  *chat_out = std::move(chat);
  *file_out = std::move(file);
  return Status::Ok();
}

Status LoadServeConfig(const std::string& path, server::ServerOptions* server,
                       chat::ChatOptions* chat, ServeFileSettings* file) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("config: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return InvalidArgument("config: cannot read " + path);
  Status s = ApplyServeConfig(text.str(), server, chat, file);
  if (!s.ok()) return InvalidArgument(path + ": " + s.message());
  return s;
}

}  // namespace haven::cli
