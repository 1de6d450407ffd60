#include "cli/jsonl.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

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

JsonlAnswer ProcessJsonlLine(std::string_view line, bool too_long, const JsonlHandler& handler) {
  std::string id = "null";
  auto fail = [&id](const std::string& message) {
    nlohmann::ordered_json answer;
    answer["error"] = message;
    return JsonlAnswer{"{\"id\":" + id + "," + answer.dump().substr(1), true};
  };
  if (too_long) return fail("line too long");
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return fail("empty line");
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    // The library's message quotes the input; report only the position.
    return fail("malformed JSON at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return fail("malformed JSON");
  }
  if (!request.is_object()) return fail("each line must be a JSON object");
  if (auto it = request.find("id"); it != request.end() && (it->is_string() || it->is_number())) {
    id = it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  StatusOr<std::string> result = Internal("internal error");
  try {
    result = handler(request);
  } catch (const std::exception&) {
    return fail("internal error");
  }
  if (!result.ok()) return fail(result.status().message());
  std::string out;
  out.reserve(id.size() + result->size() + 8);
  out += "{\"id\":";
  out += id;
  if (!result->empty()) out += ',';
  out += *result;
  out += '}';
  return {std::move(out), false};
}

size_t RunJsonl(std::FILE* in, std::FILE* out, size_t max_line, const JsonlHandler& handler) {
  LineReader reader(in, max_line);
  std::string line;
  std::string batch;
  bool too_long = false;
  size_t errors = 0;
  auto write_batch = [&] {
    std::fwrite(batch.data(), 1, batch.size(), out);
    std::fflush(out);
    batch.clear();
  };
  while (reader.Next(&line, &too_long)) {
    JsonlAnswer answer = ProcessJsonlLine(line, too_long, handler);
    if (answer.error) ++errors;
    batch += answer.line;
    batch += '\n';
    if (batch.size() >= (1u << 16) || !reader.HasBufferedLine()) write_batch();
  }
  write_batch();
  return errors;
}

}  // namespace haven::cli
