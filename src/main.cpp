#include "cli/run.hpp"

int main(int argc, char** argv) { return certcron::cli::run(argc, argv); }
