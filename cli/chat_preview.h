// `haven chat` before the reply engine exists: a terminal loop that reads the person's messages,
// says honestly that it is an AI preview that listens but does not yet reply, shows how each
// message was read, and shows crisis resources whenever risk is moderate or above (or the person
// asks for help). Returns the process exit code.
#pragma once

#include <istream>
#include <ostream>

#include "nlp/analyzer.h"

namespace haven::cli {

int RunChatPreview(const nlp::Analyzer& analyzer, std::istream& in, std::ostream& out);

// The crisis message shown in the terminal (international, with emergency numbers).
const char* CrisisResourcesText();

}  // namespace haven::cli
