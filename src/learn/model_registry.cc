#include "learn/model_registry.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace haven::learn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kSame = 1e-9;  // figures equal up to rounding

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

bool ValidVersionName(std::string_view v) {
  if (v.empty() || v.size() > 80 || v == kShippedVersion) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return v[0] != '.';
}

json EmptyIndex() {
  return {{"schema", 1},
          {"active", std::string(kShippedVersion)},
          {"versions", json::array()},
          {"events", json::array()}};
}

json* FindVersion(json& index, std::string_view version) {
  for (auto& v : index["versions"]) {
    if (v.value("version", "") == version) return &v;
  }
  return nullptr;
}

// A file descriptor under an exclusive flock, released on destruction.
class Lock {
 public:
  explicit Lock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0600)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Lock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

StatusOr<json> ReadIndex(const std::string& path) {
  std::ifstream f(path);
  if (!f) return EmptyIndex();
  std::stringstream ss;
  ss << f.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (!j.is_object() || !j.contains("versions") || !j["versions"].is_array()) {
    return Internal("model registry index is malformed: " + path);
  }
  if (!j.contains("events") || !j["events"].is_array()) j["events"] = json::array();
  if (!j.contains("active") || !j["active"].is_string()) j["active"] = kShippedVersion;
  return j;
}

Status WriteIndex(const std::string& path, const json& index) {
  const std::string tmp = path + ".tmp";
  const std::string text = index.dump(2) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Internal("cannot write the model registry: " + std::string(strerror(errno)));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n <= 0) {
      ::close(fd);
      return Internal("cannot write the model registry");
    }
    off += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Internal("cannot replace the model registry index");
  }
  return Status::Ok();
}

}  // namespace

json MetricsJson(const ModelMetrics& m) {
  return {{"cases", m.cases},
          {"at_risk_recall", m.at_risk_recall},
          {"urgent_recall", m.urgent_recall},
          {"false_alarm_rate", m.false_alarm_rate},
          {"labelled", m.labelled},
          {"label_agreement", m.label_agreement},
          {"ordinary_cases", m.ordinary_cases},
          {"ordinary_flag_rate", m.ordinary_flag_rate},
          {"emotion_cases", m.emotion_cases},
          {"emotion_macro_f1", m.emotion_macro_f1},
          {"emotion_labelled", m.emotion_labelled},
          {"emotion_label_f1", m.emotion_label_f1}};
}

ModelMetrics MetricsFromJson(const json& j) {
  ModelMetrics m;
  if (!j.is_object()) return m;
  m.cases = j.value("cases", 0);
  m.at_risk_recall = j.value("at_risk_recall", 0.0);
  m.urgent_recall = j.value("urgent_recall", 0.0);
  m.false_alarm_rate = j.value("false_alarm_rate", 0.0);
  m.labelled = j.value("labelled", 0);
  m.label_agreement = j.value("label_agreement", 0.0);
  m.ordinary_cases = j.value("ordinary_cases", 0);
  m.ordinary_flag_rate = j.value("ordinary_flag_rate", 0.0);
  m.emotion_cases = j.value("emotion_cases", 0);
  m.emotion_macro_f1 = j.value("emotion_macro_f1", 0.0);
  m.emotion_labelled = j.value("emotion_labelled", 0);
  m.emotion_label_f1 = j.value("emotion_label_f1", 0.0);
  return m;
}

GateResult Gate(const ModelMetrics& active, const ModelMetrics& candidate,
                const GateOptions& options) {
  GateResult g;
  const auto refuse = [&](std::string why) {
    g.passed = false;
    g.reasons.push_back(std::move(why));
  };
  if (candidate.cases == 0) refuse("not measured on the safety set");
  if (candidate.at_risk_recall + kSame < active.at_risk_recall) {
    refuse("at-risk recall " + Fixed(candidate.at_risk_recall) + " < " +
           Fixed(active.at_risk_recall) + " (may not fall)");
  }
  if (candidate.urgent_recall + kSame < active.urgent_recall) {
    refuse("urgent recall " + Fixed(candidate.urgent_recall) + " < " + Fixed(active.urgent_recall) +
           " (may not fall)");
  }
  if (candidate.false_alarm_rate > active.false_alarm_rate + options.tolerance + kSame) {
    refuse("false alarms " + Fixed(candidate.false_alarm_rate) + " > " +
           Fixed(active.false_alarm_rate) + " + " + Fixed(options.tolerance));
  }
  // A figure measured on both sides (n > 0) that may fall by at most the tolerance.
  const auto may_fall_within_tolerance = [&](const char* what, int active_n, double active_v,
                                             int candidate_n, double candidate_v) {
    if (candidate_n > 0 && active_n > 0 && candidate_v + options.tolerance + kSame < active_v) {
      refuse(what + (" " + Fixed(candidate_v)) + " < " + Fixed(active_v) + " - " +
             Fixed(options.tolerance));
    }
  };
  may_fall_within_tolerance("agreement with clinicians' labels", active.labelled,
                            active.label_agreement, candidate.labelled, candidate.label_agreement);
  if (candidate.ordinary_cases > 0 && active.ordinary_cases > 0 &&
      candidate.ordinary_flag_rate >
          active.ordinary_flag_rate + options.ordinary_tolerance + kSame) {
    refuse("ordinary text read at moderate or above " + Fixed(candidate.ordinary_flag_rate) +
           " > " + Fixed(active.ordinary_flag_rate) + " + " + Fixed(options.ordinary_tolerance));
  }
  may_fall_within_tolerance("emotions macro-F1", active.emotion_cases, active.emotion_macro_f1,
                            candidate.emotion_cases, candidate.emotion_macro_f1);
  may_fall_within_tolerance("emotions against clinicians' labels F1", active.emotion_labelled,
                            active.emotion_label_f1, candidate.emotion_labelled,
                            candidate.emotion_label_f1);
  return g;
}

std::string UtcNowIso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StatusOr<ModelRegistry> ModelRegistry::Open(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("model registry: no directory");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return InvalidArgument("model registry: cannot create " + dir);
  }
  ::chmod(dir.c_str(), 0700);
  return ModelRegistry(dir);
}

StatusOr<json> ModelRegistry::Read() const { return ReadIndex(dir_ + "/registry.json"); }

StatusOr<std::string> ModelRegistry::Active() const {
  auto index = Read();
  if (!index.ok()) return index.status();
  return (*index)["active"].get<std::string>();
}

StatusOr<std::string> ModelRegistry::ActiveDir() const {
  auto active = Active();
  if (!active.ok()) return active.status();
  if (*active == kShippedVersion) return std::string();
  const std::string d = VersionDir(*active);
  if (!fs::is_directory(d))
    return Internal("model registry: the active version's files are missing");
  return d;
}

std::string ModelRegistry::VersionDir(std::string_view version) const {
  return dir_ + "/" + std::string(version);
}

std::string ModelRegistry::NewVersionName(std::string_view model, std::string_view time_iso) {
  std::string stamp;
  for (char c : time_iso) {
    if (c != '-' && c != ':') stamp += c;
  }
  unsigned char rnd[3];
  randombytes_buf(rnd, sizeof rnd);
  char hex[7];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
  return std::string(model) + "-" + stamp + "-" + hex;
}

Status ModelRegistry::Modify(const std::function<Status(json&)>& change) {
  Lock lock(dir_ + "/.lock");
  if (!lock.ok()) return Internal("model registry: cannot lock " + dir_);
  auto index = Read();
  if (!index.ok()) return index.status();
  if (Status s = change(*index); !s.ok()) return s;
  return WriteIndex(dir_ + "/registry.json", *index);
}

Status ModelRegistry::Add(json entry) {
  if (!entry.is_object() || !entry.contains("version") || !entry["version"].is_string()) {
    return InvalidArgument("model registry: an entry needs a version");
  }
  const std::string version = entry["version"].get<std::string>();
  if (!ValidVersionName(version)) return InvalidArgument("model registry: bad version name");
  if (!fs::is_directory(VersionDir(version))) {
    return InvalidArgument("model registry: no files for " + version);
  }
  const bool passed = entry.contains("gate") && entry["gate"].value("passed", false);
  entry["status"] = passed ? "candidate" : "refused";
  return Modify([&](json& index) -> Status {
    if (FindVersion(index, version) != nullptr) {
      return FailedPrecondition("model registry: " + version + " exists");
    }
    index["versions"].push_back(entry);
    return Status::Ok();
  });
}

Status ModelRegistry::Approve(std::string_view version, std::string_view by,
                              std::string_view time_iso) {
  return Modify([&](json& index) -> Status {
    json* v = FindVersion(index, version);
    if (v == nullptr) return NotFound("model registry: no version " + std::string(version));
    const std::string status = v->value("status", "");
    if (status != "candidate") {
      return FailedPrecondition("model registry: " + std::string(version) + " is " + status +
                                (status == "refused" ? " by the evaluation gate" : "") +
                                ", not a candidate");
    }
    const std::string from = index["active"].get<std::string>();
    if (json* old = FindVersion(index, from)) (*old)["status"] = "retired";
    (*v)["status"] = "active";
    (*v)["approved_by"] = by;
    (*v)["approved_at"] = time_iso;
    index["active"] = version;
    index["events"].push_back({{"time", time_iso},
                               {"action", "approve"},
                               {"version", version},
                               {"from", from},
                               {"by", by}});
    return Status::Ok();
  });
}

Status ModelRegistry::Rollback(std::string_view version, std::string_view by,
                               std::string_view time_iso) {
  return Modify([&](json& index) -> Status {
    const std::string from = index["active"].get<std::string>();
    if (from == version) {
      return FailedPrecondition("model registry: " + std::string(version) + " is already active");
    }
    json* v = nullptr;
    if (version != kShippedVersion) {
      v = FindVersion(index, version);
      if (v == nullptr) return NotFound("model registry: no version " + std::string(version));
      if (v->value("status", "") != "retired") {
        return FailedPrecondition("model registry: " + std::string(version) +
                                  " was never active; approve a candidate instead");
      }
      if (!fs::is_directory(VersionDir(version))) {
        return FailedPrecondition("model registry: the files of " + std::string(version) +
                                  " are missing");
      }
    }
    if (json* old = FindVersion(index, from)) (*old)["status"] = "retired";
    if (v != nullptr) (*v)["status"] = "active";
    index["active"] = version;
    index["events"].push_back({{"time", time_iso},
                               {"action", "rollback"},
                               {"version", version},
                               {"from", from},
                               {"by", by}});
    return Status::Ok();
  });
}

}  // namespace haven::learn
