#include "nlp/model_files.h"

#include <exception>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace haven::nlp {

Status ReadThresholds(const std::string& path, std::string_view what,
                      const std::function<int(std::string_view)>& index_of,
                      std::span<float> thresholds) {
  std::ifstream in(path);
  if (!in) return NotFound(std::string(what) + " thresholds not found: " + path);
  std::vector<bool> seen(thresholds.size(), false);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    size_t tab = line.find('\t');
    if (tab == std::string::npos) return InvalidArgument(where + "expected label<TAB>value");
    int index = index_of(std::string_view(line).substr(0, tab));
    if (index < 0 || static_cast<size_t>(index) >= thresholds.size() ||
        seen[static_cast<size_t>(index)]) {
      return InvalidArgument(where + "unknown or repeated label");
    }
    float value = 0.0f;
    try {
      size_t used = 0;
      std::string number = line.substr(tab + 1);
      value = std::stof(number, &used);
      if (used != number.size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      return InvalidArgument(where + "bad threshold");
    }
    if (!(value > 0.0f && value <= 1.0f))
      return InvalidArgument(where + "threshold outside (0, 1]");
    seen[static_cast<size_t>(index)] = true;
    thresholds[static_cast<size_t>(index)] = value;
  }
  for (bool b : seen) {
    if (!b) {
      return InvalidArgument(path + ": needs a threshold for each of the " +
                             std::to_string(thresholds.size()) + " labels");
    }
  }
  return Status::Ok();
}

namespace {

// The bytes fastText's Dictionary::readWord splits words on.
bool IsFastTextSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\0';
}

}  // namespace

void AppendFastTextWord(std::string_view word, std::string* out) {
  if (word.empty()) return;
  if (!out->empty()) out->push_back(' ');
  size_t begin = out->size();
  for (char c : word) out->push_back(IsFastTextSeparator(c) ? '_' : c);
  if (std::string_view(*out).substr(begin).starts_with("__label__")) (*out)[begin] = '-';
}

}  // namespace haven::nlp
