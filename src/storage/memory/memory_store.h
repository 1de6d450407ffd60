// MemoryStore: the in-memory Store, for tests and as the reference the contract suite
// (store_contract_test.cc) checks every other backend against. Nothing survives the object.
//
// Thread-safe: one mutex serialises transactions. A transaction works on a private copy of the
// state made at its first write (O(size of the store)), installed on commit and dropped on
// rollback; reads-only transactions copy nothing.
#pragma once

#include <memory>
#include <mutex>

#include "storage/store.h"

namespace haven::storage {

class MemoryStore final : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  Status Transact(const std::function<Status(Txn&)>& fn) override;

  struct State;

 private:
  std::mutex mu_;
  std::shared_ptr<const State> state_;
};

}  // namespace haven::storage
