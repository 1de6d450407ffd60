// Reading the files beside Haven's shipped fastText models (data/models/): the per-label decision
// thresholds (FastTextPredictor::Load reads the models themselves). Shared by the emotion
// classifier and the learned risk reader so that both reject a missing or malformed file the same
// way. Pure functions; thread-safe.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace haven::nlp {

// Reads a thresholds file of "label<TAB>value" lines (blank lines and lines starting with '#'
// are skipped) into `thresholds`: `index_of` maps a label to its slot (or -1 if unknown), and
// every slot must be filled exactly once with a value in (0, 1]. NotFound when the file is
// missing; InvalidArgument naming the file and line otherwise.
Status ReadThresholds(const std::string& path, std::string_view what,
                      const std::function<int(std::string_view)>& index_of,
                      std::span<float> thresholds);

// Appends `word` to `out` as one fastText word (a space first unless `out` is empty): separators
// inside become '_', and a word never starts with the label prefix, so a user's text can never
// inject a label into a training file. An empty word appends nothing.
void AppendFastTextWord(std::string_view word, std::string* out);

}  // namespace haven::nlp
