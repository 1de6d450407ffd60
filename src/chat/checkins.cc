// ChatService's check-ins (chat_service.h): the questionnaire results of the conversation stored
// once each, the mood check-in, and the history the person's charts are drawn from. The payloads
// are JSON (docs/export-schema.md, "screenings"), sealed by the encrypted store.
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "chat/chat_service.h"
#include "chat/tokens.h"

namespace haven::chat {
namespace {

using nlohmann::json;
using storage::Txn;
using storage::UnixMillis;

// 128 bits of BLAKE2b over `key`, as 32 hex characters (the shape of NewRecordId).
std::string DerivedId(std::string_view key) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

// A stable id for one administration, from the conversation, the instrument and the seq of the
// message that started it.
std::string ScreeningId(std::string_view conversation_id, std::string_view instrument,
                        int64_t started_seq) {
  return DerivedId("haven.screening.v1|" + std::string(conversation_id) + "|" +
                   std::string(instrument) + "|" + std::to_string(started_seq));
}

// The record id of a mood check-in the client named: derived from the account and the client's
// id, so a resent frame finds the check-in the first one stored.
std::string MoodId(std::string_view account_id, std::string_view client_id) {
  return DerivedId("haven.mood.v1|" + std::string(account_id) + "|" + std::string(client_id));
}

// The stored payload of a questionnaire result: everything the export should show.
std::string ScreeningPayload(const reply::ScreeningResult& r, std::string_view conversation_id) {
  json j = json::object();
  j["instrument"] = reply::InstrumentId(r.instrument);
  j["conversation"] = conversation_id;
  j["started_seq"] = r.started_at;
  j["finished_seq"] = r.finished_at;
  j["completed"] = r.completed;
  // An incomplete administration is never scored.
  j["score"] = r.completed ? json(r.total) : json(nullptr);
  j["severity"] = r.completed ? json(reply::BandId(r.band)) : json(nullptr);
  j["answers"] = r.answers;
  j["difficulty"] = r.difficulty ? json(*r.difficulty) : json(nullptr);
  j["item9_positive"] = r.item9_positive;
  return j.dump();
}

std::optional<int> IntMember(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  int64_t v = it->get<int64_t>();
  if (v < 0 || v > 1000) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace

std::optional<CheckIn> CheckInFromRow(const storage::ScreeningResult& row) {
  CheckIn c;
  c.instrument = row.instrument;
  c.time = row.created_at;
  json j = json::parse(row.payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  if (row.instrument == instrument::kMood) {
    c.score = IntMember(j, "value");
    if (!c.score || *c.score < kMoodMin || *c.score > kMoodMax) return std::nullopt;
    return c;
  }
  auto which = reply::InstrumentFromId(row.instrument);
  if (!which) return std::nullopt;
  auto done = j.find("completed");
  c.completed = done != j.end() && done->is_boolean() && done->get<bool>();
  if (!c.completed) return c;
  c.score = IntMember(j, "score");
  if (!c.score || *c.score > reply::MaxTotal(*which)) return std::nullopt;
  // The band follows from the score; a stored word is not trusted over it.
  c.severity = std::string(reply::BandId(reply::BandFor(*which, *c.score)));
  return c;
}

Status ChatService::StoreScreenings(Txn& txn, const std::string& account_id,
                                    const std::string& conversation_id,
                                    const std::vector<reply::ScreeningResult>& results) {
  std::set<std::string, std::less<>> ids;
  for (const auto& r : results) {
    storage::ScreeningResult row;
    row.instrument = std::string(reply::InstrumentId(r.instrument));
    row.id = ScreeningId(conversation_id, row.instrument, r.started_at);
    if (!ids.insert(row.id).second) continue;
    // Stored by an earlier run of this turn: once only (only that row is looked at).
    auto earlier = txn.GetScreening(account_id, row.id);
    if (earlier.ok()) continue;
    if (earlier.status().code() != StatusCode::kNotFound) return earlier.status();
    row.account_id = account_id;
    row.payload = ScreeningPayload(r, conversation_id);
    row.created_at = Now();
    if (Status s = txn.AddScreening(row); !s.ok()) return s;
  }
  return Status::Ok();
}

StatusOr<CheckIn> ChatService::RecordMood(std::string_view token, int value,
                                          std::string_view client_id) {
  if (value < kMoodMin || value > kMoodMax) return InvalidArgument("bad_field");
  if (!client_id.empty() && !IsValidClientId(client_id, options_.max_client_id_bytes)) {
    return InvalidArgument("bad_client_id");
  }
  UnixMillis now = Now();
  CheckIn out;
  out.instrument = instrument::kMood;
  out.score = value;
  out.time = now;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    storage::ScreeningResult row;
    row.id = client_id.empty() ? storage::NewRecordId() : MoodId(session->account_id, client_id);
    if (!client_id.empty()) {
      // A resend: what the first frame stored, stored once (only that row is opened).
      auto stored = txn.GetScreening(session->account_id, row.id);
      if (stored.ok()) {
        auto earlier = CheckInFromRow(*stored);
        if (!earlier) return Internal("a stored mood check-in does not read");
        out = std::move(*earlier);
        return Status::Ok();
      }
      if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    }
    row.account_id = session->account_id;
    row.instrument = instrument::kMood;
    row.payload = json{{"instrument", instrument::kMood}, {"value", value}}.dump();
    row.created_at = now;
    return txn.AddScreening(row);
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<std::vector<CheckIn>> ChatService::CheckIns(std::string_view token) {
  UnixMillis now = Now();
  std::vector<CheckIn> out;
  Status st = store_.Transact([&](Txn& txn) -> Status {
    auto session = LiveSession(txn, token, now);
    if (!session.ok()) return session.status();
    auto rows = txn.ListScreenings(session->account_id);
    if (!rows.ok()) return rows.status();
    for (const auto& row : *rows) {  // ordered by (created_at, id): oldest first
      if (auto c = CheckInFromRow(row)) out.push_back(std::move(*c));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.size() > options_.max_checkins) {
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(options_.max_checkins));
  }
  return out;
}

}  // namespace haven::chat
