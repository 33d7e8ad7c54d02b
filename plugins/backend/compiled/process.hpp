#pragma once

// Running the compiler without a shell: the words of CXX become argv as they
// are, so no text in the environment is ever interpreted as a command.

#include <string>
#include <vector>

namespace cellfit::compiled {

// "ccache g++ -Wall" -> {"ccache", "g++", "-Wall"}: split at blanks, nothing
// expanded, quoted or substituted.
std::vector<std::string> command_words(const std::string& text);

// Runs argv (argv[0] found on PATH) with stdin from /dev/null and stdout and
// stderr into `output_file`. Returns the exit status, or -1 when the program
// could not be started or was killed by a signal.
int run_program(const std::vector<std::string>& argv, const std::string& output_file);

// The same, returning what the program printed on stdout (stderr dropped);
// empty when it could not run or failed.
std::string program_output(const std::vector<std::string>& argv);

} // namespace cellfit::compiled
