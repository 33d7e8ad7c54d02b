#pragma once

// Spreading a fit's rounds over processes (MPI ranks, say). The fitter of
// the first process runs the optimizer; each round it hands the samples to
// the others, simulates its own share, and collects theirs. The other
// processes only simulate (fitter::serve). The fitter knows this interface
// only: the command line implements it over MPI, and without one (nullptr)
// a fit runs in one process.

#include <cellfit/export.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

// One round, as the first process sends it: population x parameters
// values, row-major (padded to the population with the last sample).
struct round_message {
    std::uint64_t population = 0;
    std::uint64_t n_parameters = 0;
    std::uint64_t iteration = 0;      // the value of `iteration` in the round
    std::uint64_t random_stream = 0;  // the round's random stream
    std::vector<double> samples{};
    // optimizer multistart's descents: the samples are starts (population of
    // them), each process descends from its share and sends back every
    // residual evaluation as (start, parameters, objectives).
    bool descents = false;
};

class CELLFIT_API round_exchange {
public:
    virtual ~round_exchange();

    virtual std::size_t rank() const = 0;  // 0: the process that runs the optimizer
    virtual std::size_t size() const = 0;  // processes in all

    // The first process: hands a round to the others.
    virtual void send_round(const round_message& round) = 0;
    // The first process: the objectives (its share's rows x objectives,
    // row-major) of process `from`, 1 <= from < size(). Throws cellfit::error
    // with the other process's message when it failed.
    virtual std::vector<double> receive_objectives(std::size_t from) = 0;
    // The first process: the fit is over; the others' serve() returns. Safe
    // to call more than once.
    virtual void finish() = 0;

    // The others: the next round, or nothing once the fit is over.
    virtual std::optional<round_message> receive_round() = 0;
    // The others: their share's objectives, or why they could not compute them.
    virtual void send_objectives(const std::vector<double>& objectives, const std::string& error) = 0;
};

// The samples [first, last) of a round of `population` that process `rank`
// of `size` simulates: contiguous shares that differ by at most one sample.
CELLFIT_API std::pair<std::size_t, std::size_t> share_of(std::size_t population, std::size_t rank, std::size_t size);

// The process that is not the first: answers every round with `error` until
// the fit is over (a process that failed to set up keeps the others from
// waiting for it).
CELLFIT_API void refuse_rounds(round_exchange& exchange, const std::string& error);

} // namespace cellfit
