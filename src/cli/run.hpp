#pragma once

namespace certcron::cli {

// The whole command line: parses, runs one subcommand, prints, returns the exit code.
int run(int argc, char** argv);

}  // namespace certcron::cli
