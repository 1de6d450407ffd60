// Which parts of life a message is about (work, job_loss, school, relationships, family, friends,
// health, sleep, money, loneliness, grief, identity, substance_use, self_image, ...), each with a
// score and the spans that gave it away. Immutable after Create; Detect is thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

class TopicDetector {
 public:
  static StatusOr<TopicDetector> Create();

  // Highest score first; empty when no topic is evident.
  std::vector<Topic> Detect(const NormalizedText& text) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace haven::nlp
