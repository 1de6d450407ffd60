// `haven chat`: a conversation with Haven in the terminal, the whole reply engine, offline, no
// server. The person types; Haven answers (reply/engine.h). "help" shows the crisis lines for the
// locale, "why" shows the reasons for Haven's last reply (strategy, risk, safety action, content
// variant; never message text), "quit" or end of input leaves. Nothing is stored.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "reply/engine.h"

namespace haven::cli {

int RunChat(const reply::Engine& engine, const std::string& locale, std::istream& in,
            std::ostream& out);

}  // namespace haven::cli
