// JSON Lines processing for the `--jsonl` modes (shared/eval/CONTRACT.md): one answer line per
// input line, in order; a line that cannot be processed yields {"id": ..., "error": "..."} and
// processing continues. Untrusted bytes: any input gives an answer, never a crash or a hang.
#pragma once

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::cli {

// Reads lines of at most `max_line` bytes from a FILE*, without ever holding more than that:
// a longer line is skipped to its end and reported as too long.
class LineReader {
 public:
  LineReader(std::FILE* in, size_t max_line) : in_(in), max_line_(max_line), buf_(1 << 16) {}

  // Next line without its "\n" (and "\r"). Returns false at end of input. *too_long is set when
  // the line exceeded max_line (the line is then empty and was discarded). Reads what is
  // available (read(2) where `in` has a descriptor), so it never waits for more input than the
  // next line needs.
  bool Next(std::string* line, bool* too_long);

  // True when a whole further line is already read and waiting: Next will not block.
  bool HasBufferedLine() const;

 private:
  size_t Fill();

  std::FILE* in_;
  size_t max_line_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
};

// The answer to one request object: the members to write after "id" as JSON text without the
// enclosing braces (e.g. `"len":2`), or an error Status whose message (never containing user
// text) becomes the "error" field.
using JsonlHandler = std::function<StatusOr<std::string>(const nlohmann::json& request)>;

struct JsonlAnswer {
  std::string line;  // the answer, without "\n"
  bool error = false;
};

// Parses one input line and produces its answer line. Blank lines yield an error answer too,
// so the output always has one line per input line.
JsonlAnswer ProcessJsonlLine(std::string_view line, bool too_long, const JsonlHandler& handler);

// Runs the whole stream. Answers are written in batches, and always before waiting for more
// input, so a client that writes one line and waits gets its answer. Returns the number of
// lines answered with an error.
size_t RunJsonl(std::FILE* in, std::FILE* out, size_t max_line, const JsonlHandler& handler);

// The answers to several requests at once, one per request and in their order (each as
// JsonlHandler's). An exception, or a count that does not match, answers every request of the
// call with "internal error".
using JsonlBatchHandler = std::function<std::vector<StatusOr<std::string>>(
    std::span<const nlohmann::json* const> requests)>;

// RunJsonl for a handler that works faster on several requests: the lines already read and
// waiting (at most `max_batch` of them, and at most 256 KiB) go to one call. It never waits for
// input to fill a batch, so a client that writes one line and waits still gets its answer.
size_t RunJsonlBatched(std::FILE* in, std::FILE* out, size_t max_line, size_t max_batch,
                       const JsonlBatchHandler& handler);

// Reads request["text"] as a string; error when absent or not a string.
StatusOr<std::string> RequireString(const nlohmann::json& request, const char* field);

}  // namespace haven::cli
