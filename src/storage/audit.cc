#include "storage/audit.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "storage/crypto/secret.h"

namespace haven::storage {
namespace {

constexpr size_t kHash = crypto_hash_sha256_BYTES;

void PutBE(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, std::string_view s) {
  PutBE(out, s.size(), 4);
  out.append(s);
}

std::string Sha256(std::initializer_list<std::string_view> parts) {
  crypto::EnsureSodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (std::string_view p : parts) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  }
  std::string out(kHash, '\0');
  crypto_hash_sha256_final(&st, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

Status CheckField(std::string_view name, std::string_view value, size_t max, bool required) {
  if (required && value.empty()) return InvalidArgument("audit " + std::string(name) + " is empty");
  if (value.size() > max) return InvalidArgument("audit " + std::string(name) + " is too long");
  return Status::Ok();
}

}  // namespace

std::string AuditEntryBytes(const AuditRecord& r) {
  std::string e("haven.audit.v1");
  PutBE(e, static_cast<uint64_t>(r.seq), 8);
  PutBE(e, static_cast<uint64_t>(r.time), 8);
  PutString(e, r.actor);
  PutString(e, r.subject);
  PutString(e, r.action);
  PutString(e, r.outcome);
  PutString(e, r.detail);
  return e;
}

std::string AuditLeafHash(const AuditRecord& r) {
  return Sha256({std::string_view("\x00", 1), AuditEntryBytes(r)});
}

std::string AuditChainHash(std::string_view prev, std::string_view leaf) {
  return Sha256({std::string_view("\x01", 1), prev, leaf});
}

StatusOr<AuditRecord> AppendAudit(Txn& txn, const AuditEvent& e) {
  for (Status s : {CheckField("actor", e.actor, kAuditFieldMax, true),
                   CheckField("subject", e.subject, kAuditFieldMax, false),
                   CheckField("action", e.action, kAuditFieldMax, true),
                   CheckField("outcome", e.outcome, kAuditFieldMax, true),
                   CheckField("detail", e.detail, kAuditDetailMax, false)}) {
    if (!s.ok()) return s;
  }
  auto last = txn.LastAuditRecord();
  if (!last.ok()) return last.status();
  AuditRecord r;
  r.seq = last->has_value() ? (*last)->seq + 1 : 1;
  r.time = e.time;
  r.actor = e.actor;
  r.subject = e.subject;
  r.action = e.action;
  r.outcome = e.outcome;
  r.detail = e.detail;
  r.leaf_hash = AuditLeafHash(r);
  r.chain_hash = AuditChainHash(last->has_value() ? (*last)->chain_hash : std::string(kHash, '\0'),
                                r.leaf_hash);
  if (Status s = txn.InsertAuditRecord(r); !s.ok()) return s;
  return r;
}

StatusOr<AuditVerdict> VerifyAudit(Store& store, const std::optional<AuditCheckpoint>& cp) {
  AuditVerdict v;
  std::string head(kHash, '\0');
  std::string head_at_checkpoint = cp && cp->count == 0 ? head : std::string();
  int64_t expected = 1;
  auto fail = [&](int64_t seq, std::string problem) {
    v.intact = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
  };
  Status read = store.Transact([&](Txn& txn) -> Status {
    constexpr int kPage = 1000;
    for (int64_t after = 0;;) {
      auto page = txn.ListAuditRecords(after, kPage);
      if (!page.ok()) return page.status();
      for (const AuditRecord& r : *page) {
        if (r.seq != expected) {
          fail(expected, "entry " + std::to_string(expected) +
                             " is missing or out of order (found " + std::to_string(r.seq) + ")");
          return Status::Ok();
        }
        if (AuditLeafHash(r) != r.leaf_hash) {
          fail(r.seq, "entry " + std::to_string(r.seq) + " was altered (its leaf hash differs)");
          return Status::Ok();
        }
        std::string chain = AuditChainHash(head, r.leaf_hash);
        if (chain != r.chain_hash) {
          fail(r.seq, "the chain breaks at entry " + std::to_string(r.seq) +
                          " (an entry was inserted, removed or reordered before it)");
          return Status::Ok();
        }
        head = std::move(chain);
        if (cp && r.seq == cp->count) head_at_checkpoint = head;
        ++expected;
        after = r.seq;
      }
      if (static_cast<int>(page->size()) < kPage) return Status::Ok();
    }
  });
  if (!read.ok()) return read;
  v.checked = AuditCheckpoint{expected - 1, head};
  if (!v.problem.empty()) return v;
  if (cp) {
    if (v.checked.count < cp->count) {
      fail(0, "the log has " + std::to_string(v.checked.count) + " entries but the checkpoint " +
                  "recorded " + std::to_string(cp->count) + " (its tail was removed)");
      return v;
    }
    if (head_at_checkpoint != cp->head) {
      fail(cp->count, "the chain at entry " + std::to_string(cp->count) +
                          " differs from the checkpoint (the log was rewritten)");
      return v;
    }
  }
  v.intact = true;
  return v;
}

std::string AuditCheckpointPathFor(const std::string& key_file) {
  return key_file + ".audit-checkpoint";
}

StatusOr<std::optional<AuditCheckpoint>> ReadAuditCheckpoint(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<AuditCheckpoint>();
    return Internal("cannot read audit checkpoint " + path);
  }
  std::string magic, hex;
  int64_t count = -1;
  in >> magic >> count >> hex;
  std::string head(kHash, '\0');
  size_t len = 0;
  if (magic != "haven-audit-checkpoint-v1" || count < 0 || hex.size() != 2 * kHash ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(head.data()), head.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != kHash) {
    return FailedPrecondition("audit checkpoint " + path + " is malformed");
  }
  return std::optional<AuditCheckpoint>(AuditCheckpoint{count, head});
}

Status WriteAuditCheckpoint(const std::string& path, const AuditCheckpoint& cp) {
  std::string tmp = path + ".tmp";
  std::string text =
      "haven-audit-checkpoint-v1 " + std::to_string(cp.count) + " " + Hex(cp.head) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Internal("cannot write audit checkpoint " + path);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Internal("cannot write audit checkpoint " + path);
  }
  return Status::Ok();
}

}  // namespace haven::storage
