#include "cli/jsonl.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace haven::cli {

bool LineReader::Next(std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  for (;;) {
    if (pos_ == len_) {
      if (eof_) break;
      len_ = Fill();
      pos_ = 0;
      if (len_ == 0) {
        eof_ = true;
        break;
      }
    }
    any = true;
    const char* start = buf_.data() + pos_;
    size_t avail = len_ - pos_;
    const void* nl = std::memchr(start, '\n', avail);
    size_t n = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
    if (!*too_long) {
      if (line->size() + n > max_line_) {
        *too_long = true;
        line->clear();
        line->shrink_to_fit();
      } else {
        line->append(start, n);
      }
    }
    pos_ += n;
    if (nl != nullptr) {
      ++pos_;
      break;
    }
  }
  if (!any) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

size_t LineReader::Fill() {
  const int fd = fileno(in_);
  if (fd < 0) return std::fread(buf_.data(), 1, buf_.size(), in_);  // e.g. fmemopen
  for (;;) {
    ssize_t n = read(fd, buf_.data(), buf_.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return 0;
  }
}

bool LineReader::HasBufferedLine() const {
  return pos_ < len_ && std::memchr(buf_.data() + pos_, '\n', len_ - pos_) != nullptr;
}

StatusOr<std::string> RequireString(const nlohmann::json& request, const char* field) {
  auto it = request.find(field);
  if (it == request.end()) return InvalidArgument(std::string("missing field \"") + field + "\"");
  if (!it->is_string()) {
    return InvalidArgument(std::string("field \"") + field + "\" must be a string");
  }
  return it->get<std::string>();
}

namespace {

// One input line read as a request, or the error answer it gets instead.
struct ParsedLine {
  std::string id = "null";  // the request's id as JSON text
  nlohmann::json request;
  bool failed = false;
  JsonlAnswer answer;  // when failed
};

JsonlAnswer ErrorAnswer(const std::string& id, const std::string& message) {
  nlohmann::ordered_json answer;
  answer["error"] = message;
  return JsonlAnswer{"{\"id\":" + id + "," + answer.dump().substr(1), true};
}

ParsedLine ParseLine(std::string_view line, bool too_long) {
  ParsedLine p;
  auto fail = [&p](const std::string& message) {
    p.failed = true;
    p.answer = ErrorAnswer(p.id, message);
    return std::move(p);
  };
  if (too_long) return fail("line too long");
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return fail("empty line");
  try {
    p.request = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    // The library's message quotes the input; report only the position.
    return fail("malformed JSON at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return fail("malformed JSON");
  }
  if (!p.request.is_object()) return fail("each line must be a JSON object");
  if (auto it = p.request.find("id");
      it != p.request.end() && (it->is_string() || it->is_number())) {
    p.id = it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return p;
}

JsonlAnswer Answer(const std::string& id, const StatusOr<std::string>& result) {
  if (!result.ok()) return ErrorAnswer(id, result.status().message());
  std::string out;
  out.reserve(id.size() + result->size() + 8);
  out += "{\"id\":";
  out += id;
  if (!result->empty()) out += ',';
  out += *result;
  out += '}';
  return {std::move(out), false};
}

}  // namespace

JsonlAnswer ProcessJsonlLine(std::string_view line, bool too_long, const JsonlHandler& handler) {
  ParsedLine p = ParseLine(line, too_long);
  if (p.failed) return std::move(p.answer);
  try {
    return Answer(p.id, handler(p.request));
  } catch (const std::exception&) {
    return ErrorAnswer(p.id, "internal error");
  }
}

size_t RunJsonl(std::FILE* in, std::FILE* out, size_t max_line, const JsonlHandler& handler) {
  return RunJsonlBatched(in, out, max_line, 1,
                         [&handler](std::span<const nlohmann::json* const> requests) {
                           std::vector<StatusOr<std::string>> answers;
                           answers.reserve(requests.size());
                           for (const nlohmann::json* r : requests) {
                             StatusOr<std::string> result = Internal("internal error");
                             try {
                               result = handler(*r);
                             } catch (const std::exception&) {
                             }
                             answers.push_back(std::move(result));
                           }
                           return answers;
                         });
}

size_t RunJsonlBatched(std::FILE* in, std::FILE* out, size_t max_line, size_t max_batch,
                       const JsonlBatchHandler& handler) {
  constexpr size_t kBatchBytes = 256u << 10;  // a batch holds a bounded share of memory
  LineReader reader(in, max_line);
  std::string line;
  std::string written;
  std::vector<ParsedLine> pending;
  size_t pending_bytes = 0;
  bool too_long = false;
  size_t errors = 0;
  auto answer_pending = [&] {
    std::vector<const nlohmann::json*> requests;
    for (const ParsedLine& p : pending) {
      if (!p.failed) requests.push_back(&p.request);
    }
    std::vector<StatusOr<std::string>> results;
    if (!requests.empty()) {
      try {
        results = handler(requests);
      } catch (const std::exception&) {
        results.clear();
      }
      if (results.size() != requests.size()) {
        results.assign(requests.size(), Internal("internal error"));
      }
    }
    size_t next = 0;
    for (ParsedLine& p : pending) {
      JsonlAnswer a = p.failed ? std::move(p.answer) : Answer(p.id, results[next++]);
      if (a.error) ++errors;
      written += a.line;
      written += '\n';
    }
    pending.clear();
    pending_bytes = 0;
  };
  auto write_out = [&] {
    std::fwrite(written.data(), 1, written.size(), out);
    std::fflush(out);
    written.clear();
  };
  while (reader.Next(&line, &too_long)) {
    pending_bytes += line.size();
    pending.push_back(ParseLine(line, too_long));
    const bool more = reader.HasBufferedLine();
    if (pending.size() >= std::max<size_t>(max_batch, 1) || pending_bytes >= kBatchBytes || !more) {
      answer_pending();
    }
    if (written.size() >= (1u << 16) || !more) write_out();
  }
  answer_pending();
  write_out();
  return errors;
}

}  // namespace haven::cli
