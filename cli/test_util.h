// Helpers for the command tests only: a command's stdout and stderr captured in temporary files.
#pragma once

#include <cstdio>
#include <string>

namespace haven::cli::testing {

// Everything written to `f` so far (rewinds it first).
inline std::string Slurp(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// A pair of temporary files to pass as a command's `out` and `err`; closed (and removed) at the
// end of the scope.
struct Captured {
  Captured() : out(std::tmpfile()), err(std::tmpfile()) {}
  ~Captured() {
    std::fclose(out);
    std::fclose(err);
  }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  std::string OutText() const { return Slurp(out); }
  std::string ErrText() const { return Slurp(err); }
  std::FILE* out;
  std::FILE* err;
};

// A temporary file holding `text`, rewound, to pass as a command's `in`.
struct Input {
  explicit Input(const std::string& text) : file(std::tmpfile()) {
    std::fwrite(text.data(), 1, text.size(), file);
    std::rewind(file);
  }
  ~Input() { std::fclose(file); }
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  std::FILE* file;
};

// "host=H port=P user=U dbname=D ..." (a TestCluster conninfo) as "postgres://U[:password]@H:P/D".
inline std::string PostgresUrl(const std::string& conninfo, const std::string& password = "") {
  auto value = [&](const std::string& key) {
    size_t at = conninfo.find(key + "=");
    if (at == std::string::npos) return std::string();
    at += key.size() + 1;
    return conninfo.substr(at, conninfo.find(' ', at) - at);
  };
  return "postgres://" + value("user") + (password.empty() ? "" : ":" + password) + "@" +
         value("host") + ":" + value("port") + "/" + value("dbname");
}

}  // namespace haven::cli::testing
