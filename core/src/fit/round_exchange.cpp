#include <cellfit/fit/round_exchange.hpp>

namespace cellfit {

round_exchange::~round_exchange() = default;

std::pair<std::size_t, std::size_t> share_of(std::size_t population, std::size_t rank, std::size_t size) {
    if (size == 0 || rank >= size) return {0, 0};
    const std::size_t base = population / size, extra = population % size;
    const std::size_t first = rank * base + (rank < extra ? rank : extra);
    return {first, first + base + (rank < extra ? 1 : 0)};
}

void refuse_rounds(round_exchange& exchange, const std::string& error) {
    while (exchange.receive_round()) exchange.send_objectives({}, error);
}

} // namespace cellfit
