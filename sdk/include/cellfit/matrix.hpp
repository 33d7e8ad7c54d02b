#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

namespace cellfit {

// A dense row-major matrix of doubles: one row per sample, one column per
// parameter (or objective). Small on purpose: it crosses the plugin boundary,
// so it keeps Eigen out of the public headers.
class matrix {
public:
    matrix() = default;
    matrix(std::size_t rows, std::size_t cols, double fill = 0.0)
        : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

    std::size_t rows() const noexcept { return rows_; }
    std::size_t cols() const noexcept { return cols_; }
    bool empty() const noexcept { return data_.empty(); }

    double& operator()(std::size_t r, std::size_t c) noexcept {
        assert(r < rows_ && c < cols_);
        return data_[r * cols_ + c];
    }
    double operator()(std::size_t r, std::size_t c) const noexcept {
        assert(r < rows_ && c < cols_);
        return data_[r * cols_ + c];
    }

    std::span<double> row(std::size_t r) noexcept { return {data_.data() + r * cols_, cols_}; }
    std::span<const double> row(std::size_t r) const noexcept { return {data_.data() + r * cols_, cols_}; }

    double* data() noexcept { return data_.data(); }
    const double* data() const noexcept { return data_.data(); }

    friend bool operator==(const matrix&, const matrix&) = default;

private:
    std::size_t rows_ = 0;
    std::size_t cols_ = 0;
    std::vector<double> data_;
};

} // namespace cellfit
