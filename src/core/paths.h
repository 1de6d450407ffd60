// Where Haven finds its shipped data (lexicons, models, content packs).
#pragma once

#include <string>

namespace haven {

// The data directory, first match wins: $HAVEN_DATA_DIR; "<exe dir>/data", "<exe dir>/../data",
// "<exe dir>/../../data" (a build tree or an install prefix); /usr/share/haven/data. Returns an
// empty string when none contains "lexicons/". Thread-safe; reads the environment each call.
std::string FindDataDir();

}  // namespace haven
