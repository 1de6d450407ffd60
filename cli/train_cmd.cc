#include "cli/train_cmd.h"

#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "chat/models.h"
#include "cli/store_options.h"
#include "learn/fairness.h"
#include "storage/audit.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

storage::UnixMillis NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string Sha256Hex(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  char buf[1 << 16];
  while (f.read(buf, sizeof buf) || f.gcount() > 0) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf),
                              static_cast<unsigned long long>(f.gcount()));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// Runs argv, its output going to ours; the exit status (-1 when it could not start).
int Spawn(const std::vector<std::string>& argv, std::FILE* err) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(::fileno(err), STDOUT_FILENO);  // the recipe's figures go with our messages
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A private working directory (mode 0700) that removes itself: it holds decrypted, redacted text.
class WorkDir {
 public:
  explicit WorkDir(const std::string& parent) {
    std::string tmpl = parent + "/.train-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~WorkDir() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string DefaultBeside(const std::string& shipped, const std::string& relative) {
  if (shipped.empty()) return "";
  const fs::path p = (fs::path(shipped) / ".." / relative).lexically_normal();
  return fs::exists(p) ? p.string() : "";
}

std::string ModelsDirOf(const std::string& models_dir, const std::string& data_dir) {
  if (!models_dir.empty()) return models_dir;
  if (!data_dir.empty()) return data_dir + "/models";
  return "";
}

void PrintMetrics(std::FILE* out, const char* name, const learn::ModelMetrics& m) {
  std::fprintf(out, "  %-28s at-risk recall %s  urgent recall %s  false alarms %s", name,
               Fixed(m.at_risk_recall).c_str(), Fixed(m.urgent_recall).c_str(),
               Fixed(m.false_alarm_rate).c_str());
  if (m.labelled > 0) {
    std::fprintf(out, "  agreement with %d labels %s", m.labelled,
                 Fixed(m.label_agreement).c_str());
  }
  if (m.ordinary_cases > 0) {
    std::fprintf(out, "  ordinary text flagged %s of %d", Fixed(m.ordinary_flag_rate).c_str(),
                 m.ordinary_cases);
  }
  if (m.emotion_cases > 0) {
    std::fprintf(out, "\n  %-28s emotions macro-F1 %s on %d comments", "",
                 Fixed(m.emotion_macro_f1).c_str(), m.emotion_cases);
    if (m.emotion_labelled > 0) {
      std::fprintf(out, "  F1 against %d labels %s", m.emotion_labelled,
                   Fixed(m.emotion_label_f1).c_str());
    }
  }
  std::fputc('\n', out);
}

// The emotions of `text` as the analyzer reads them, as a set of label indices.
std::set<int> EmotionsRead(const nlp::Analyzer& analyzer, const std::string& text) {
  const nlp::Emotions e = analyzer.emotions_stage().Classify(analyzer.normalizer().Normalize(text));
  return {e.labels.begin(), e.labels.end()};
}

}  // namespace

learn::ModelMetrics MeasureRisk(const nlp::Analyzer& analyzer,
                                const std::vector<LabelledCase>& safety_set,
                                const std::vector<LabelledCase>& labels,
                                const std::vector<std::string>& ordinary) {
  std::vector<learn::FairnessCase> cases;
  cases.reserve(safety_set.size());
  for (const auto& c : safety_set) {
    learn::FairnessCase f;
    f.gold = c.gold;
    f.read = analyzer.Analyze(c.text).risk.level;
    cases.push_back(f);
  }
  const learn::VarietyFigures o = learn::AuditFairness(cases).overall;
  learn::ModelMetrics m;
  m.cases = o.cases;
  m.at_risk_recall = o.recall;
  m.urgent_recall = o.urgent_recall;
  m.false_alarm_rate = o.false_alarm_rate;
  int agree = 0;
  for (const auto& l : labels) agree += analyzer.Analyze(l.text).risk.level == l.gold;
  m.labelled = static_cast<int>(labels.size());
  m.label_agreement = labels.empty() ? 0.0 : static_cast<double>(agree) / labels.size();
  int flagged = 0;
  for (const auto& text : ordinary) {
    flagged += analyzer.Analyze(text).risk.level >= RiskLevel::kModerate;
  }
  m.ordinary_cases = static_cast<int>(ordinary.size());
  m.ordinary_flag_rate =
      ordinary.empty() ? 0.0 : static_cast<double>(flagged) / static_cast<double>(ordinary.size());
  return m;
}

void MeasureEmotions(const nlp::Analyzer& analyzer, const std::vector<EmotionCase>& test,
                     const std::vector<EmotionCase>& labels, learn::ModelMetrics* m) {
  std::array<int64_t, nlp::kNumEmotions> tp{}, fp{}, fn{};
  for (const auto& c : test) {
    const std::set<int> read = EmotionsRead(analyzer, c.text);
    const std::set<int> gold(c.gold.begin(), c.gold.end());
    for (int i : read) (gold.count(i) ? tp : fp)[static_cast<size_t>(i)]++;
    for (int i : gold) fn[static_cast<size_t>(i)] += !read.count(i);
  }
  double f1_sum = 0;
  int measured = 0;
  for (size_t i = 0; i < nlp::kNumEmotions; ++i) {
    if (tp[i] + fp[i] + fn[i] == 0) continue;  // a label neither present nor read
    f1_sum += 2.0 * static_cast<double>(tp[i]) / static_cast<double>(2 * tp[i] + fp[i] + fn[i]);
    ++measured;
  }
  m->emotion_cases = static_cast<int>(test.size());
  m->emotion_macro_f1 = measured == 0 ? 0.0 : f1_sum / measured;
  int64_t ltp = 0, lfp = 0, lfn = 0;
  for (const auto& c : labels) {
    const std::set<int> read = EmotionsRead(analyzer, c.text);
    const std::set<int> gold(c.gold.begin(), c.gold.end());
    for (int i : read) (gold.count(i) ? ltp : lfp)++;
    for (int i : gold) lfn += !read.count(i);
  }
  m->emotion_labelled = static_cast<int>(labels.size());
  m->emotion_label_f1 =
      labels.empty() || ltp + lfp + lfn == 0
          ? 0.0
          : 2.0 * static_cast<double>(ltp) / static_cast<double>(2 * ltp + lfp + lfn);
}

StatusOr<std::vector<EmotionCase>> ReadGoEmotions(const std::string& tsv,
                                                  const std::string& names) {
  std::ifstream nf(names);
  if (!nf) return NotFound("cannot read " + names);
  std::vector<int> index_of;  // GoEmotions id -> kEmotionNames index
  for (std::string line; std::getline(nf, line);) {
    if (line.empty()) continue;
    int found = -1;
    for (size_t i = 0; i < nlp::kNumEmotions; ++i) {
      if (nlp::kEmotionNames[i] == line) found = static_cast<int>(i);
    }
    if (found < 0) return InvalidArgument(names + ": unknown emotion \"" + line + "\"");
    index_of.push_back(found);
  }
  std::ifstream f(tsv);
  if (!f) return NotFound("cannot read " + tsv);
  std::vector<EmotionCase> out;
  int n = 0;
  for (std::string line; std::getline(f, line);) {
    ++n;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    const size_t tab2 = tab == std::string::npos ? tab : line.find('\t', tab + 1);
    if (tab2 == std::string::npos)
      return InvalidArgument(tsv + ":" + std::to_string(n) + ": expected text, ids, id");
    EmotionCase c;
    c.text = line.substr(0, tab);
    std::stringstream ids(line.substr(tab + 1, tab2 - tab - 1));
    for (std::string id; std::getline(ids, id, ',');) {
      int k = -1;
      const auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), k);
      if (ec != std::errc() || p != id.data() + id.size() || k < 0 ||
          k >= static_cast<int>(index_of.size())) {
        return InvalidArgument(tsv + ":" + std::to_string(n) + ": unknown label id \"" + id + "\"");
      }
      c.gold.push_back(index_of[static_cast<size_t>(k)]);
    }
    out.push_back(std::move(c));
  }
  if (out.empty()) return InvalidArgument(tsv + " is empty");
  return out;
}

StatusOr<std::vector<LabelledCase>> ReadSafetySet(const std::string& path) {
  std::ifstream f(path);
  if (!f) return NotFound("cannot read the safety set " + path);
  std::vector<LabelledCase> out;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    std::optional<RiskLevel> gold;
    if (j.is_object() && j.contains("level") && j["level"].is_string()) {
      gold = ParseRiskLevel(j["level"].get<std::string>());
    }
    if (!gold || !j.contains("text") || !j["text"].is_string()) {
      return InvalidArgument(path + ":" + std::to_string(n) + ": expected {\"text\", \"level\"}");
    }
    out.push_back({j["text"].get<std::string>(), *gold});
  }
  if (out.empty()) return InvalidArgument("the safety set " + path + " is empty");
  return out;
}

int RunTrain(const TrainArgs& args, const std::string& shipped, std::FILE* out, std::FILE* err) {
  const auto fail = [&](const std::string& m) {
    std::fprintf(err, "haven train: %s\n", m.c_str());
    return 2;
  };
  if (shipped.empty()) return fail("no shipped data directory (set HAVEN_DATA_DIR)");
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) return fail(where.status().message());
  const std::string models_dir = ModelsDirOf(args.models_dir, where->data_dir);
  if (models_dir.empty()) return fail("give --models-dir (with --store there is no --data-dir)");
  const std::string holdout =
      args.holdout.empty() ? DefaultBeside(shipped, "tests/data/risk_holdout.jsonl") : args.holdout;
  if (holdout.empty()) {
    return fail("no fixed safety set: give --holdout FILE (tests/data/risk_holdout.jsonl)");
  }
  auto safety_set = ReadSafetySet(holdout);
  if (!safety_set.ok()) return fail(safety_set.status().message());
  const std::string recipe =
      args.recipe.empty() ? DefaultBeside(shipped, "scripts/train_risk_model.py") : args.recipe;
  if (recipe.empty() || !fs::exists(recipe)) {
    return fail(
        "the training recipe scripts/train_risk_model.py is not beside the data (give "
        "--recipe)");
  }
  // The emotion classifier is rebuilt from GoEmotions (never shipped: --goemotions) plus labels.
  const bool retrain_emotions = args.emotions && !args.goemotions.empty();
  std::string emotions_recipe;
  if (retrain_emotions) {
    emotions_recipe = args.emotions_recipe.empty()
                          ? DefaultBeside(shipped, "scripts/train_emotions.sh")
                          : args.emotions_recipe;
    if (emotions_recipe.empty() || !fs::exists(emotions_recipe)) {
      return fail(
          "the emotions recipe scripts/train_emotions.sh is not beside the data (give "
          "--emotions-recipe, or --no-emotions)");
    }
  } else if (args.emotions) {
    std::fprintf(err,
                 "haven train: the emotion classifier is kept as it is (retraining it needs "
                 "--goemotions DIR)\n");
  }
  auto registry = learn::ModelRegistry::Open(models_dir);
  if (!registry.ok()) return fail(registry.status().message());

  // 1. The labels: decrypted here, redacted before they touch the disk.
  auto storage = OpenStorage(*where, KeyFileOrDefault(args.key_file), /*create=*/false);
  if (!storage.ok()) return fail(storage.status().message());
  auto collected = chat::CollectLabels(**storage);
  if (!collected.ok()) return fail(collected.status().message());
  auto active = registry->Active();
  auto active_dir = registry->ActiveDir();
  if (!active.ok() || !active_dir.ok()) {
    return fail((active.ok() ? active_dir.status() : active.status()).message());
  }
  auto baseline = nlp::Analyzer::Load(shipped, *active_dir);
  if (!baseline.ok()) return fail(baseline.status().message());
  std::vector<LabelledCase> labels;
  std::vector<EmotionCase> emotion_labels;
  std::set<std::string> authors, people;
  WorkDir work(registry->dir());
  if (work.path().empty()) return fail("cannot create a working directory in " + models_dir);
  const std::string labels_file = work.path() + "/labels.jsonl";
  const std::string emotion_labels_file = work.path() + "/emotion_labels.jsonl";
  {
    std::ofstream f(labels_file, std::ios::trunc), fe(emotion_labels_file, std::ios::trunc);
    for (const auto& l : *collected) {
      if (!l.label.risk && l.label.emotions.empty()) continue;
      const std::string redacted = (*baseline)->Analyze(l.text).redacted;
      authors.insert(l.author_id);
      people.insert(l.owner_id);
      if (l.label.risk) {
        labels.push_back({redacted, *l.label.risk});
        f << json{{"id", "label-" + l.label_id},
                  {"text", redacted},
                  {"level", std::string(RiskLevelName(*l.label.risk))},
                  {"source", "label"}}
                 .dump(-1, ' ', false, json::error_handler_t::replace)
          << "\n";
      }
      if (!l.label.emotions.empty()) {
        EmotionCase c{redacted, {}};
        for (const auto& name : l.label.emotions) {
          for (size_t i = 0; i < nlp::kNumEmotions; ++i) {
            if (nlp::kEmotionNames[i] == name) c.gold.push_back(static_cast<int>(i));
          }
        }
        emotion_labels.push_back(std::move(c));
        fe << json{{"id", "label-" + l.label_id},
                   {"text", redacted},
                   {"emotions", l.label.emotions}}
                  .dump(-1, ' ', false, json::error_handler_t::replace)
           << "\n";
      }
    }
    if (!f || !fe) return fail("cannot write the labels");
  }
  std::fprintf(err,
               "haven train: %zu risk and %zu emotion labels by %zu clinician(s) on the messages "
               "of %zu person(s) who allow de-identified use\n",
               labels.size(), emotion_labels.size(), authors.size(), people.size());

  // 2. The recipe.
  std::error_code ec;
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) return fail("cannot find the haven binary");
  const std::string staged = work.path() + "/out";
  std::vector<std::string> argv = {
      args.python,    recipe,
      "--haven",      self,
      "--out",        staged,
      "--extra",      labels_file,
      "--goemotions", args.goemotions.empty() ? "none" : args.goemotions};
  std::fprintf(err, "haven train: training the risk reader (a few minutes) ...\n");
  if (int rc = Spawn(argv, err); rc != 0) {
    return fail("the recipe failed (exit " + std::to_string(rc) + "): nothing was registered");
  }
  if (retrain_emotions) {
    std::fprintf(err, "haven train: training the emotion classifier (a few minutes) ...\n");
    const std::vector<std::string> emotions_argv = {
        "bash", emotions_recipe, "--haven",       self,      "--out",
        staged, "--goemotions",  args.goemotions, "--extra", emotion_labels_file};
    if (int rc = Spawn(emotions_argv, err); rc != 0) {
      return fail("the emotions recipe failed (exit " + std::to_string(rc) +
                  "): nothing was registered");
    }
  } else if (!active_dir->empty()) {
    // A version holds every trained model it runs: the active version's emotions stay.
    for (const char* name : {"emotions.ftz", "emotions.thresholds"}) {
      if (fs::exists(*active_dir + "/" + name, ec)) {
        fs::copy_file(*active_dir + "/" + name, staged + "/" + name, ec);
        if (ec) return fail("cannot copy the active emotion model: " + ec.message());
      }
    }
  }
  auto candidate = nlp::Analyzer::Load(shipped, staged);
  if (!candidate.ok())
    return fail("the trained model does not load: " + candidate.status().message());

  // 3-4. Figures and the gate. Ordinary text: GoEmotions' dev comments (never trained on).
  std::vector<std::string> ordinary;
  if (!args.goemotions.empty()) {
    std::ifstream dev(args.goemotions + "/dev.tsv");
    std::string line;
    while (std::getline(dev, line)) {
      if (!line.empty()) ordinary.push_back(line.substr(0, line.find('\t')));
    }
    if (ordinary.empty()) {
      std::fprintf(err, "haven train: no %s/dev.tsv: ordinary text not measured\n",
                   args.goemotions.c_str());
    }
  }
  learn::ModelMetrics before = MeasureRisk(**baseline, *safety_set, labels, ordinary);
  learn::ModelMetrics after = MeasureRisk(**candidate, *safety_set, labels, ordinary);
  if (retrain_emotions) {
    // GoEmotions' test comments: neither trained on nor used to choose thresholds.
    auto test = ReadGoEmotions(args.goemotions + "/test.tsv", args.goemotions + "/emotions.txt");
    if (!test.ok()) return fail(test.status().message());
    MeasureEmotions(**baseline, *test, emotion_labels, &before);
    MeasureEmotions(**candidate, *test, emotion_labels, &after);
  }
  const learn::GateResult gate = learn::Gate(
      before, after, {.tolerance = args.tolerance, .ordinary_tolerance = args.ordinary_tolerance});

  // 5. The registry and the audit log.
  const storage::UnixMillis now = NowMillis();
  const std::string created = chat::IsoTime(now);
  const std::string version =
      learn::ModelRegistry::NewVersionName(retrain_emotions ? "models" : "risk", created);
  json files = json::array();
  for (const char* name : {"risk.ftz", "risk.thresholds", "emotions.ftz", "emotions.thresholds"}) {
    const std::string p = staged + "/" + name;
    if (!fs::exists(p, ec)) continue;
    files.push_back({{"name", name},
                     {"bytes", static_cast<int64_t>(fs::file_size(p, ec))},
                     {"sha256", Sha256Hex(p)}});
  }
  fs::rename(staged, registry->VersionDir(version), ec);
  if (ec) return fail("cannot move the model into the registry: " + ec.message());
  json entry = {
      {"version", version},
      {"model", retrain_emotions ? "risk+emotions" : "risk"},
      {"created_at", created},
      {"created_by", args.by},
      {"files", files},
      {"data",
       {{"recipe", fs::path(recipe).filename().string()},
        {"shipped", "the project's labelled messages (tests/data, data/models/README.md)"},
        {"labels", labels.size()},
        {"emotion_labels", emotion_labels.size()},
        {"emotions_retrained", retrain_emotions},
        {"label_authors", authors.size()},
        {"label_people", people.size()},
        {"goemotions", !args.goemotions.empty()},
        {"redacted", true}}},
      {"safety_set", fs::path(holdout).filename().string()},
      {"tolerance", args.tolerance},
      {"ordinary_tolerance", args.ordinary_tolerance},
      {"metrics", learn::MetricsJson(after)},
      {"baseline", {{"version", *active}, {"metrics", learn::MetricsJson(before)}}},
      {"gate", {{"passed", gate.passed}, {"reasons", gate.reasons}}},
  };
  if (Status s = registry->Add(entry); !s.ok()) return fail(s.message());
  Status audited = (*storage)->Transact([&](storage::Txn& txn) -> Status {
    storage::AuditEvent e;
    e.time = now;
    e.actor = "system";
    e.action = storage::audit_action::kModelTrain;
    e.outcome = gate.passed ? storage::audit_outcome::kOk : storage::audit_outcome::kDenied;
    e.detail = "model " + version + " labels " + std::to_string(labels.size()) + "+" +
               std::to_string(emotion_labels.size());
    return storage::AppendAudit(txn, e).status();
  });
  if (!audited.ok()) std::fprintf(err, "haven train: not audited: %s\n", audited.message().c_str());

  if (args.json) {
    std::fprintf(out, "%s\n", entry.dump().c_str());
  } else {
    std::fprintf(out, "haven train: %s (%s)\n", version.c_str(),
                 gate.passed ? "passed the gate: a candidate" : "REFUSED by the gate");
    std::fprintf(out, "  on %s (%d messages)%s:\n", fs::path(holdout).filename().c_str(),
                 after.cases, labels.empty() ? "" : " and the clinicians' labels");
    PrintMetrics(out, ("active (" + *active + ")").c_str(), before);
    PrintMetrics(out, "candidate", after);
    if (ordinary.empty()) {
      std::fprintf(out, "  ordinary text read as risk: not measured (give --goemotions DIR)\n");
    }
    for (const auto& r : gate.reasons) std::fprintf(out, "  refused: %s\n", r.c_str());
    if (gate.passed) {
      std::fprintf(out, "  approve it: haven models approve %s --by ADMIN (or the admin page)\n",
                   version.c_str());
    }
  }
  return gate.passed ? 0 : 1;
}

int RunModelsList(const ModelsArgs& a, std::FILE* out, std::FILE* err) {
  const std::string dir = ModelsDirOf(a.models_dir, a.data_dir);
  if (dir.empty()) {
    std::fprintf(err, "haven models: give --data-dir or --models-dir\n");
    return 2;
  }
  auto registry = learn::ModelRegistry::Open(dir);
  auto index = registry.ok() ? registry->Read() : StatusOr<json>(registry.status());
  if (!index.ok()) {
    std::fprintf(err, "haven models: %s\n", index.status().message().c_str());
    return 2;
  }
  if (a.json) {
    std::fprintf(out, "%s\n", index->dump(2).c_str());
    return 0;
  }
  const std::string active = (*index)["active"].get<std::string>();
  std::fprintf(out, "%s shipped (data/models)\n", active == "shipped" ? "*" : " ");
  for (const auto& v : (*index)["versions"]) {
    const auto m = learn::MetricsFromJson(v.value("metrics", json::object()));
    std::fprintf(out, "%s %s  %-9s at-risk %s urgent %s false alarms %s  labels %d",
                 v.value("version", "") == active ? "*" : " ", v.value("version", "").c_str(),
                 v.value("status", "").c_str(), Fixed(m.at_risk_recall).c_str(),
                 Fixed(m.urgent_recall).c_str(), Fixed(m.false_alarm_rate).c_str(),
                 v.contains("data") ? v["data"].value("labels", 0) : 0);
    if (v.contains("approved_by")) {
      std::fprintf(out, "  approved by %s %s", v.value("approved_by", "").c_str(),
                   v.value("approved_at", "").c_str());
    }
    std::fputc('\n', out);
    if (v.value("status", "") == "refused" && v.contains("gate")) {
      for (const auto& r : v["gate"].value("reasons", json::array())) {
        std::fprintf(out, "      refused: %s\n", r.get<std::string>().c_str());
      }
    }
  }
  return 0;
}

int RunModelsChange(const ModelsArgs& a, chat::ModelChange change, std::FILE* out, std::FILE* err) {
  const char* verb = change == chat::ModelChange::kApprove ? "approve" : "rollback";
  auto where = ResolveStore(a.store, a.keys_store, a.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven models %s: %s\n", verb, where.status().message().c_str());
    return 2;
  }
  const std::string dir = ModelsDirOf(a.models_dir, where->data_dir);
  if (dir.empty()) {
    std::fprintf(err, "haven models %s: give --models-dir\n", verb);
    return 2;
  }
  auto registry = learn::ModelRegistry::Open(dir);
  if (!registry.ok()) {
    std::fprintf(err, "haven models %s: %s\n", verb, registry.status().message().c_str());
    return 2;
  }
  auto records = OpenRecords(*where, /*create=*/false);
  if (!records.ok()) {
    std::fprintf(err, "haven models %s: %s\n", verb, records.status().message().c_str());
    return 2;
  }
  std::string admin_id;
  Status who = (*records)->Transact([&](storage::Txn& txn) -> Status {
    auto account = txn.FindStaffByUsername(a.by);
    if (!account.ok() || account->role != storage::StaffRole::kAdmin) {
      return FailedPrecondition("--by must name an enabled admin account");
    }
    admin_id = account->id;
    return Status::Ok();
  });
  if (!who.ok()) {
    std::fprintf(err, "haven models %s: %s\n", verb, who.message().c_str());
    return 2;
  }
  Status s =
      chat::ChangeActiveModel(**records, *registry, change, a.version, admin_id, a.by, NowMillis());
  if (!s.ok()) {
    std::fprintf(err, "haven models %s: %s\n", verb, s.message().c_str());
    return s.code() == StatusCode::kInternal ? 2 : 1;
  }
  std::fprintf(
      out,
      "haven models %s: %s is active; each haven serve on this registry loads it within its "
      "--models-poll period\n",
      verb, a.version.c_str());
  return 0;
}

std::unique_ptr<TrainCommands> TrainCommands::Add(CLI::App& app) {
  auto cmd = std::make_unique<TrainCommands>();
  TrainArgs& t = cmd->train_args_;
  cmd->train_ = app.add_subcommand(
      "train",
      "Rebuild the risk reader from the shipped training data plus clinicians' labels (and, with "
      "--goemotions, the emotion classifier from GoEmotions plus their emotion labels), measure "
      "them against the active models on the fixed safety set and on GoEmotions' test comments, "
      "and register them; the evaluation gate refuses a version whose risk recall falls or any "
      "other figure falls beyond the tolerance. Exit status 0 passed (approve it with haven "
      "models approve), 1 refused, 2 error.\n"
      "  haven train --data-dir DIR [--key-file K] [--goemotions ../shared/data/goemotions]");
  cmd->train_->add_option("--data-dir", t.data_dir, "Haven's data directory (haven.db, keys.db)");
  AddStoreOptions(cmd->train_, &t.store, &t.keys_store);
  cmd->train_->add_option("--key-file", t.key_file, "The key file (default: $HAVEN_KEY_FILE)");
  cmd->train_->add_option("--models-dir", t.models_dir,
                          "The model registry (default: DATA_DIR/models)");
  cmd->train_->add_option("--holdout", t.holdout,
                          "The fixed safety set (default: tests/data/risk_holdout.jsonl)");
  cmd->train_->add_option("--goemotions", t.goemotions,
                          "GoEmotions folder: ordinary comments as level none (recommended; "
                          "without it the model reads more ordinary text as risk)");
  cmd->train_->add_option("--recipe", t.recipe, "The training script (default: the committed one)");
  cmd->train_->add_option("--emotions-recipe", t.emotions_recipe,
                          "The emotions training script (default: the committed "
                          "scripts/train_emotions.sh)");
  cmd->train_->add_flag("!--no-emotions", t.emotions,
                        "Keep the active emotion classifier (retrain only the risk reader)");
  cmd->train_->add_option("--python", t.python, "The Python interpreter")->capture_default_str();
  cmd->train_->add_option("--by", t.by, "Who trains (recorded)")->capture_default_str();
  cmd->train_
      ->add_option("--tolerance", t.tolerance,
                   "How far false alarms may rise (and label agreement fall)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  cmd->train_
      ->add_option("--ordinary-tolerance", t.ordinary_tolerance,
                   "How far the share of ordinary text read at moderate or above may rise "
                   "(measured with --goemotions)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  cmd->train_->add_flag("--json", t.json, "Print the registry entry as JSON");

  auto* models = app.add_subcommand(
      "models", "The model registry: list versions, approve a candidate, roll back");
  models->require_subcommand(1);
  ModelsArgs& m = cmd->models_args_;
  cmd->list_ = models->add_subcommand("list", "Every version with its figures and status");
  cmd->approve_ =
      models->add_subcommand("approve", "Make a candidate that passed the gate active (audited)");
  cmd->rollback_ = models->add_subcommand(
      "rollback", "Make an earlier active version, or 'shipped', active again (audited)");
  for (CLI::App* c : {cmd->list_, cmd->approve_, cmd->rollback_}) {
    c->add_option("--data-dir", m.data_dir, "Haven's data directory");
    c->add_option("--models-dir", m.models_dir, "The model registry (default: DATA_DIR/models)");
  }
  cmd->list_->add_flag("--json", m.json, "The registry as JSON");
  for (CLI::App* c : {cmd->approve_, cmd->rollback_}) {
    AddStoreOptions(c, &m.store, &m.keys_store);
    c->add_option("version", m.version, "The version")->required();
    c->add_option("--by", m.by, "The approving admin's username")->required();
  }
  return cmd;
}

bool TrainCommands::parsed() const {
  return train_->parsed() || list_->parsed() || approve_->parsed() || rollback_->parsed();
}

int TrainCommands::Run(const std::string& shipped_data_dir) const {
  if (train_->parsed()) return RunTrain(train_args_, shipped_data_dir, stdout, stderr);
  if (list_->parsed()) return RunModelsList(models_args_, stdout, stderr);
  return RunModelsChange(
      models_args_, approve_->parsed() ? chat::ModelChange::kApprove : chat::ModelChange::kRollback,
      stdout, stderr);
}

}  // namespace haven::cli
