#pragma once

// The flags that describe a model, shared by `check` and `simulate`:
// --model, --threshold, --reset, --refractory, --method, --const.

#include "command_line.hpp"

#include <cellfit/model/model.hpp>

#include <string>
#include <utility>
#include <vector>

namespace cellfit::cli {

void add_model_options(po::options_description& options);

// The model spec from --model and friends (inputs and timed arrays are the
// caller's). Throws usage_error or input_error.
model_spec read_model_spec(const po::variables_map& vm);

// --method as given (empty when not): the integrators check it when the model is set up.
std::string read_method(const po::variables_map& vm);

// All values of a repeatable option.
std::vector<std::string> values(const po::variables_map& vm, const char* name);

// "NAME<separator>VALUE" as the flags write it; throws usage_error otherwise.
std::pair<std::string, std::string> split_flag(const std::string& flag, const std::string& text, char separator,
                                               const char* example);

} // namespace cellfit::cli
