#pragma once

// The interpreter's compiled form of the update programs: every value lives
// in a slot (an array with one double per neuron), every instruction computes
// one slot from others for a chunk of neurons at a time. The loops over the
// chunk's lanes are simple enough for the compiler to vectorise.

#include <cellfit/expr/ast.hpp>
#include <cellfit/lookup_table.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cellfit::interp {

enum class opcode : std::uint8_t {
    copy, negate, add, subtract, multiply, divide, power, modulo,
    less, less_equal, greater, greater_equal, equal, not_equal,
    logical_and, logical_or, logical_not,
    function1, exp, clip, where, lookup,
    random_uniform, random_normal,  // cf_rand, cf_randn (cellfit/random_stream.hpp) of a, b, c, d, e
};

struct instruction {
    opcode op = opcode::copy;
    std::uint32_t dst = 0, a = 0, b = 0, c = 0, d = 0, e = 0;
    double (*function)(double) = nullptr;
    std::uint32_t table = 0;
};

struct kernel_program {
    std::vector<instruction> code;
};

// A table as the kernel reads it: which row each neuron uses.
struct kernel_lookup {
    const lookup_table* table = nullptr;
    std::vector<std::size_t> row_of_neuron;
};

// Compiles expressions into instructions over slots.
class kernel_compiler {
public:
    // resolve: the slot of a name (every name of a lowered program is one), or
    // -1; lookup_index: the index of a table, or -1. New slots are numbered
    // from first_free.
    kernel_compiler(std::function<int(const std::string&)> resolve, std::function<int(const std::string&)> lookup_index,
                    std::uint32_t first_free);

    // Emits code computing e; returns its slot. Intermediate slots are reused.
    std::uint32_t compile(const expr::ptr& e, kernel_program& program);
    // Emits code for `target_slot = e`.
    void assign(std::uint32_t target_slot, const expr::ptr& e, kernel_program& program);

    std::uint32_t new_slot();
    // Starts a new program: values computed so far are not shared with it.
    void begin_program() { shared_.clear(); }
    std::uint32_t slot_count() const noexcept { return next_slot_; }
    // Slots holding constants, with their values: filled once.
    const std::vector<std::pair<std::uint32_t, double>>& constants() const noexcept { return constants_; }
    void release(std::uint32_t slot);

private:
    std::uint32_t constant(double value);
    std::uint32_t compile_node(const expr::ptr& e, kernel_program& program);

    std::function<int(const std::string&)> resolve_;
    std::function<int(const std::string&)> lookup_index_;
    std::uint32_t next_slot_ = 0;
    std::vector<std::uint32_t> free_;
    std::vector<bool> is_intermediate_;
    std::vector<std::pair<std::uint32_t, double>> constants_;
    // Subexpressions already computed in this program (by their text), with
    // the named slots they read: a repeated exp(...) is computed once.
    struct shared_value {
        std::uint32_t slot;
        std::vector<std::string> reads;
    };
    std::map<std::string, shared_value> shared_;
};

// Runs a program for lanes [0, width) of the chunk starting at neuron `first`.
struct kernel_memory {
    double* data = nullptr;       // slot s, neuron n: data[s * stride + n]
    std::size_t stride = 0;
    double dt = 0;
    const std::vector<kernel_lookup>* lookups = nullptr;
};

void run_program(const kernel_program& program, const kernel_memory& memory, std::size_t first, std::size_t width);

} // namespace cellfit::interp
