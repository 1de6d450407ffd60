#include "storage/postgres/test_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

extern char** environ;

namespace haven::storage::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kSuperuser[] = "haven_test";
constexpr char kNotInstalled[] =
    "PostgreSQL server binaries not found; scripts/bootstrap.sh --test installs them";

// Where the server binaries are: $HAVEN_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin
// with initdb, pg_ctl and postgres. "" when none.
std::string FindBinDir() {
  auto complete = [](const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "initdb", ec) && fs::exists(dir / "pg_ctl", ec) &&
           fs::exists(dir / "postgres", ec);
  };
  if (const char* env = std::getenv("HAVEN_PG_BINDIR"); env && *env) {
    return complete(env) ? std::string(env) : std::string();
  }
  std::vector<std::pair<int, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    int version = std::atoi(entry.path().filename().c_str());
    if (version > 0 && complete(bin)) found.emplace_back(version, bin);
  }
  if (found.empty()) return {};
  return std::max_element(found.begin(), found.end())->second.string();
}

std::string FindRunuser() {
  for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

// The last `n` bytes of a file (for error messages: the server's log, never a person's data).
std::string Tail(const std::string& path, size_t n = 1500) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > n ? all.substr(all.size() - n) : all;
}

// Runs argv (argv[0] a path) with stdin from /dev/null and stdout and stderr appended to `log`;
// returns its exit status (-1 when it could not start or was killed).
int Run(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A TCP port on 127.0.0.1 that was free a moment ago (0 when none could be had).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Single-quoted for /bin/sh.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Identity {
  bool as_postgres = false;  // root: run the server tools as the postgres system user
  uid_t uid = 0;
  gid_t gid = 0;
  std::string runuser;
  // argv prefix for running a server tool.
  std::vector<std::string> Prefix() const {
    if (!as_postgres) return {};
    return {runuser, "-u", "postgres", "--"};
  }
};

Status GiveTo(const Identity& id, const std::string& path) {
  if (id.as_postgres && ::chown(path.c_str(), id.uid, id.gid) != 0) {
    return Internal("cannot give " + path + " to the postgres user");
  }
  return Status::Ok();
}

// The initdb'd template for this server version and user, made once (under a lock file) and
// reused by every later test process. Returns the template's data directory.
StatusOr<std::string> Template(const std::string& bindir, const Identity& id) {
  std::string version = fs::path(bindir).parent_path().filename().string();
  if (version.empty() || version == "/") version = "custom";
  // "t2": the template's layout (initdb's options below); change it when they change.
  fs::path base = fs::temp_directory_path() /
                  ("haven-pg-template-" + version + "-t2-" + std::to_string(::geteuid()));
  std::string lock_path = base.string() + ".lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0) return Internal("cannot open " + lock_path);
  while (::flock(lock, LOCK_EX) != 0 && errno == EINTR) {
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the lock
  } unlock{lock};

  fs::path data = base / "data";
  std::error_code ec;
  struct stat st {};
  // Only a complete template that this user (or, as root, the postgres user) owns is used.
  bool usable = fs::exists(base / "complete", ec) && ::stat(data.c_str(), &st) == 0 &&
                st.st_uid == (id.as_postgres ? id.uid : ::geteuid());
  if (usable) return data.string();

  fs::remove_all(base, ec);
  std::string staging_tmpl = base.string() + ".tmp-XXXXXX";
  if (::mkdtemp(staging_tmpl.data()) == nullptr) return Internal("cannot create " + staging_tmpl);
  fs::path staging = staging_tmpl;
  if (Status s = GiveTo(id, staging.string()); !s.ok()) return s;
  std::string log = (staging / "initdb.log").string();
  std::vector<std::string> argv = id.Prefix();
  // -A trust: the cluster listens on 127.0.0.1 only and lives as long as the test process.
  std::vector<std::string> initdb = {bindir + "/initdb", "-D", (staging / "data").string()};
  for (const char* a : {"-A", "trust", "-U", kSuperuser, "--no-sync", "-E", "UTF8", "--locale=C",
                        "--wal-segsize=1"}) {
    initdb.emplace_back(a);
  }
  argv.insert(argv.end(), initdb.begin(), initdb.end());
  if (Run(argv, log) != 0) {
    std::string tail = Tail(log);
    fs::remove_all(staging, ec);
    return Internal("initdb failed: " + tail);
  }
  std::ofstream(staging / "complete") << "ok\n";
  fs::rename(staging, base, ec);
  if (ec) return Internal("cannot move the template into place at " + base.string());
  return data.string();
}

}  // namespace

StatusOr<TestCluster*> TestCluster::Get() {
  static std::mutex mu;
  static std::unique_ptr<TestCluster> cluster;
  static std::optional<Status> failed;
  std::lock_guard lock(mu);
  if (cluster) return cluster.get();
  if (failed) return *failed;
  auto started = Start();
  if (!started.ok()) {
    failed = started.status();
    return *failed;
  }
  cluster = std::move(started).value();
  return cluster.get();
}

StatusOr<std::unique_ptr<TestCluster>> TestCluster::Start() {
  std::string bindir = FindBinDir();
  if (bindir.empty()) return NotFound(kNotInstalled);
  Identity id;
  if (::geteuid() == 0) {
    id.as_postgres = true;
    id.runuser = FindRunuser();
    const passwd* pw = ::getpwnam("postgres");
    if (id.runuser.empty() || pw == nullptr) {
      return Internal(
          "running as root needs the postgres system user and runuser to start a test cluster");
    }
    id.uid = pw->pw_uid;
    id.gid = pw->pw_gid;
  }
  auto tmpl = Template(bindir, id);
  if (!tmpl.ok()) return tmpl.status();

  std::unique_ptr<TestCluster> c(new TestCluster());
  std::string dir_tmpl = (fs::temp_directory_path() / "haven-pg-XXXXXX").string();
  if (::mkdtemp(dir_tmpl.data()) == nullptr) return Internal("cannot create " + dir_tmpl);
  c->dir_ = dir_tmpl;
  if (Status s = GiveTo(id, c->dir_); !s.ok()) {
    std::error_code ec;
    fs::remove_all(c->dir_, ec);
    return s;
  }
  std::string data = c->dir_ + "/data";
  std::string log = c->dir_ + "/server.log";
  std::vector<std::string> pg_ctl = id.Prefix();
  pg_ctl.push_back(bindir + "/pg_ctl");

  // The watchdog: waits for the pipe to close (this process exiting, however it exits), then
  // stops the server and removes the directory. Started before the server, so nothing leaks. It
  // runs in a session of its own, so that a Ctrl-C meant for the tests does not stop it too.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Internal("pipe failed");
  std::string stop;
  for (const std::string& a : pg_ctl) stop += Quote(a) + " ";
  std::string script = "read _ignored; " + stop + "-D " + Quote(data) +
                       " -m immediate stop >/dev/null 2>&1; rm -rf " + Quote(c->dir_);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  const char* sh_argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
  int rc = posix_spawn(&c->watchdog_pid_, "/bin/sh", &actions, &attr,
                       const_cast<char* const*>(sh_argv), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    return Internal("cannot start the test cluster's watchdog");
  }
  c->watchdog_fd_ = fds[1];

  // A private copy of the template (cp -a keeps the owner and the 0700 mode postgres wants).
  if (Run({"/bin/cp", "-a", *tmpl, data}, c->dir_ + "/copy.log") != 0) {
    return Internal("cannot copy the template data directory: " + Tail(c->dir_ + "/copy.log"));
  }
  // A free port can be taken by someone else before the server binds it: try a few.
  for (int attempt = 0; attempt < 5 && c->port_ == 0; ++attempt) {
    int port = FreePort();
    if (port == 0) continue;
    std::string options =
        "-p " + std::to_string(port) +
        " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + Quote(c->dir_) +
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c shared_buffers=32MB -c max_connections=200";
    std::vector<std::string> start = pg_ctl;
    for (const std::string& a :
         {std::string("-D"), data, std::string("-l"), log, std::string("-w"), std::string("-t"),
          std::string("60"), std::string("-o"), options, std::string("start")}) {
      start.push_back(a);
    }
    if (Run(start, c->dir_ + "/pg_ctl.log") == 0) c->port_ = port;
  }
  if (c->port_ == 0) return Internal("the test cluster did not start: " + Tail(log));

  c->admin_ = PQconnectdb(c->ConnInfo("postgres").c_str());
  if (PQstatus(c->admin_) != CONNECTION_OK) {
    return Internal("cannot connect to the test cluster: " + Tail(log));
  }
  return c;
}

TestCluster::~TestCluster() {
  if (admin_) PQfinish(admin_);
  if (watchdog_fd_ >= 0) {
    ::close(watchdog_fd_);  // the watchdog stops the server and removes the directory
    int status = 0;
    while (::waitpid(watchdog_pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string TestCluster::ConnInfo(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kSuperuser +
         " dbname=" + dbname + " connect_timeout=10";
}

StatusOr<std::string> TestCluster::NewDatabase() {
  std::lock_guard lock(mu_);
  std::string name = "haven_" + std::to_string(::getpid()) + "_" + std::to_string(++next_db_);
  PGresult* res = PQexec(admin_, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string error = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  if (!ok) return Internal("CREATE DATABASE failed: " + error);
  return ConnInfo(name);
}

}  // namespace haven::storage::testing
