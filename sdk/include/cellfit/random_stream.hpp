#pragma once

// The random numbers of a simulation (rand(), randn(), the noise of xi), as a
// pure function of where they are drawn: the stream key of the neuron (the
// seed, the fit's round and the neuron's global index, mixed by the
// simulator into two 32-bit halves held in slots), the call site in the step
// program, and the step. No generator state: a draw does not depend on the
// thread that makes it, on how neurons are split across threads or
// processes, or on what was simulated before, and every backend computes
// the same numbers. The mixing is SplitMix64's finaliser, chained.
//
// The definitions below are compiled here and also pasted, as text
// (random_stream_source), into the C++ the compiled backend generates, so
// that the two cannot drift apart. cf_randn is never inlined: inside a
// vectorised loop its log and cos would come from the vector maths library,
// whose last bit differs from the scalar one (and between lanes and tails),
// and a neuron's noise would depend on where it sits in the batch.

#include <cmath>
#include <cstdint>

#define CELLFIT_RANDOM_STREAM_DEFINITIONS(...) \
    __VA_ARGS__                                \
    inline constexpr const char* random_stream_source = #__VA_ARGS__;

namespace cellfit {

CELLFIT_RANDOM_STREAM_DEFINITIONS(
static inline std::uint64_t cf_mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static inline std::uint64_t cf_random_bits(double site, double t, double dt, double key_hi, double key_lo) {
    const std::uint64_t key = (static_cast<std::uint64_t>(key_hi) << 32) | static_cast<std::uint64_t>(key_lo);
    const double steps = t / dt + 0.5;
    const std::uint64_t step = steps > 0 ? static_cast<std::uint64_t>(steps) : 0;
    return cf_mix64(cf_mix64(key ^ cf_mix64(static_cast<std::uint64_t>(site))) ^ step);
}
static inline double cf_unit_interval(std::uint64_t bits) {
    return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}
static inline double cf_rand(double site, double t, double dt, double key_hi, double key_lo) {
    return cf_unit_interval(cf_random_bits(2 * site, t, dt, key_hi, key_lo));
}
__attribute__((noinline, unused)) static double cf_randn(double site, double t, double dt, double key_hi, double key_lo) {
    const double u1 = cf_unit_interval(cf_random_bits(2 * site, t, dt, key_hi, key_lo));
    const double u2 = cf_unit_interval(cf_random_bits(2 * site + 1, t, dt, key_hi, key_lo));
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
)

// The key of a neuron's stream: the seed, the stream (a fit's round) and
// the neuron's global index, mixed; split into the halves the slots hold.
inline std::uint64_t random_stream_key(std::uint64_t seed, std::uint64_t stream, std::uint64_t neuron) {
    return cf_mix64(cf_mix64(cf_mix64(seed) ^ stream) ^ neuron);
}
inline double random_key_high(std::uint64_t key) { return static_cast<double>(key >> 32); }
inline double random_key_low(std::uint64_t key) { return static_cast<double>(key & 0xffffffffULL); }

} // namespace cellfit
