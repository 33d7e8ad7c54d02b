#include "kernel.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/random_stream.hpp>

#include <algorithm>
#include <cmath>

// glibc's vector exp (libmvec) for the interpreter's exp loop: this file is
// built with -fopenmp-simd -fno-math-errno (CMakeLists.txt beside it).
#if defined(__GLIBC__) && !defined(__clang__)
#pragma omp declare simd notinbranch
extern "C" double exp(double) noexcept;
#endif

namespace cellfit::interp {

kernel_compiler::kernel_compiler(std::function<int(const std::string&)> resolve,
                                 std::function<int(const std::string&)> lookup_index, std::uint32_t first_free)
    : resolve_(std::move(resolve)), lookup_index_(std::move(lookup_index)), next_slot_(first_free),
      is_intermediate_(first_free, false) {}

std::uint32_t kernel_compiler::new_slot() {
    is_intermediate_.push_back(false);
    return next_slot_++;
}

void kernel_compiler::release(std::uint32_t slot) {
    if (slot < is_intermediate_.size() && is_intermediate_[slot]) free_.push_back(slot);
}

std::uint32_t kernel_compiler::constant(double value) {
    for (const auto& [slot, v] : constants_)
        if (v == value || (std::isnan(v) && std::isnan(value))) return slot;
    const std::uint32_t slot = new_slot();
    constants_.emplace_back(slot, value);
    return slot;
}

std::uint32_t kernel_compiler::compile(const expr::ptr& e, kernel_program& program) {
    using expr::op;
    if (e->kind == op::number || e->kind == op::name) return compile_node(e, program);
    const std::string key = expr::to_string(e);
    if (auto it = shared_.find(key); it != shared_.end()) return it->second.slot;
    const std::uint32_t slot = compile_node(e, program);
    // Keep it: a shared value's slot is never reused in this program.
    is_intermediate_[slot] = false;
    shared_.emplace(key, shared_value{slot, expr::identifiers(e)});
    return slot;
}

std::uint32_t kernel_compiler::compile_node(const expr::ptr& e, kernel_program& program) {
    using expr::op;
    auto intermediate = [&] {
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
        } else {
            slot = new_slot();
        }
        is_intermediate_[slot] = true;
        return slot;
    };
    switch (e->kind) {
    case op::number: return constant(e->value);
    case op::name: {
        const int slot = resolve_(e->name);
        if (slot >= 0) return static_cast<std::uint32_t>(slot);
        double value = 0;
        bool is_boolean = false;
        if (expr::find_constant(e->name, value, is_boolean)) return constant(value);
        throw internal_error("the interpreter cannot resolve '" + e->name + "' (lowering leaves only slots)");
    }
    case op::call: {
        std::vector<std::uint32_t> args;
        for (const auto& a : e->args) args.push_back(compile(a, program));
        for (auto a : args) release(a);
        instruction in;
        in.dst = intermediate();
        if (e->name == "__where") {
            in.op = opcode::where;
            in.a = args[0], in.b = args[1], in.c = args[2];
        } else if (e->name == "clip") {
            in.op = opcode::clip;
            in.a = args[0], in.b = args[1], in.c = args[2];
        } else if (e->name == "__rand" || e->name == "__randn") {
            in.op = e->name == "__rand" ? opcode::random_uniform : opcode::random_normal;
            in.a = args[0], in.b = args[1], in.c = args[2], in.d = args[3], in.e = args[4];
        } else if (const auto* f = expr::find_function(e->name)) {
            if (!f->evaluate1) throw error("the interpreter cannot evaluate " + e->name + "()");
            in.op = e->name == "exp" ? opcode::exp : opcode::function1;
            in.function = f->evaluate1;
            in.a = args[0];
        } else {
            const int table = lookup_index_(e->name);
            if (table < 0) throw internal_error("no values for the lookup " + e->name + "()");
            in.op = opcode::lookup;
            in.table = static_cast<std::uint32_t>(table);
            in.a = args[0];
            in.b = args[1];
        }
        program.code.push_back(in);
        return in.dst;
    }
    default: break;
    }
    // Unary and binary operators.
    static const std::map<op, opcode> codes = {
        {op::negate, opcode::negate},   {op::add, opcode::add},
        {op::subtract, opcode::subtract}, {op::multiply, opcode::multiply},
        {op::divide, opcode::divide},   {op::power, opcode::power},
        {op::modulo, opcode::modulo},   {op::less, opcode::less},
        {op::less_equal, opcode::less_equal}, {op::greater, opcode::greater},
        {op::greater_equal, opcode::greater_equal}, {op::equal, opcode::equal},
        {op::not_equal, opcode::not_equal}, {op::logical_and, opcode::logical_and},
        {op::logical_or, opcode::logical_or}, {op::logical_not, opcode::logical_not}};
    instruction in;
    in.op = codes.at(e->kind);
    in.a = compile(e->args[0], program);
    if (e->args.size() > 1) in.b = compile(e->args[1], program);
    release(in.a);
    if (e->args.size() > 1) release(in.b);
    in.dst = intermediate();
    program.code.push_back(in);
    return in.dst;
}

void kernel_compiler::assign(std::uint32_t target_slot, const expr::ptr& e, kernel_program& program) {
    const std::size_t before = program.code.size();
    const std::uint32_t value = compile(e, program);
    if (program.code.size() > before && program.code.back().dst == value && value != target_slot &&
        e->kind != expr::op::number && e->kind != expr::op::name) {
        // The value was just computed: compute it into the target directly.
        program.code.back().dst = target_slot;
        shared_.erase(expr::to_string(e));
        is_intermediate_[value] = true;
        release(value);
    } else {
        instruction in;
        in.op = opcode::copy;
        in.dst = target_slot;
        in.a = value;
        program.code.push_back(in);
        release(value);
    }
    // Values computed from the old content of the target are stale now.
    std::erase_if(shared_, [&](const auto& entry) {
        for (const auto& name : entry.second.reads) {
            const int slot = resolve_(name);
            if (slot >= 0 && static_cast<std::uint32_t>(slot) == target_slot) return true;
        }
        return entry.second.slot == target_slot;
    });
}

namespace {

// Brian's TimedArray lookup (numpy target, array dt = clock dt):
// column = clip(int(round(t/(dt/8))/8), 0, steps-1).
std::size_t lookup_column(double t, double dt, std::size_t steps) {
    const double scaled = std::nearbyint(t / (dt / 8)) / 8;
    if (!(scaled > 0)) return 0;
    const double column = std::trunc(scaled);
    return column >= static_cast<double>(steps - 1) ? steps - 1 : static_cast<std::size_t>(column);
}

} // namespace

// Built for AVX-512, AVX2 and the baseline; the loader picks what the CPU
// has (by instruction set, not CPU model).
__attribute__((target_clones("avx512f", "avx2", "default")))
void run_program(const kernel_program& program, const kernel_memory& memory, std::size_t first, std::size_t width) {
    double* const base = memory.data + first;
    const std::size_t stride = memory.stride;
    auto slot = [&](std::uint32_t s) { return base + s * stride; };
    for (const instruction& in : program.code) {
        double* __restrict d = slot(in.dst);
        const double* a = slot(in.a);
        const double* b = slot(in.b);
        const double* c = slot(in.c);
        switch (in.op) {
        case opcode::copy: std::copy(a, a + width, d); break;
        case opcode::negate: for (std::size_t l = 0; l < width; ++l) d[l] = -a[l]; break;
        case opcode::add: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] + b[l]; break;
        case opcode::subtract: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] - b[l]; break;
        case opcode::multiply: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] * b[l]; break;
        case opcode::divide: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] / b[l]; break;
        case opcode::power: for (std::size_t l = 0; l < width; ++l) d[l] = std::pow(a[l], b[l]); break;
        case opcode::modulo: for (std::size_t l = 0; l < width; ++l) d[l] = expr::python_modulo(a[l], b[l]); break;
        case opcode::less: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] < b[l]; break;
        case opcode::less_equal: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] <= b[l]; break;
        case opcode::greater: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] > b[l]; break;
        case opcode::greater_equal: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] >= b[l]; break;
        case opcode::equal: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] == b[l]; break;
        case opcode::not_equal: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] != b[l]; break;
        case opcode::logical_and: for (std::size_t l = 0; l < width; ++l) d[l] = (a[l] != 0) && (b[l] != 0); break;
        case opcode::logical_or: for (std::size_t l = 0; l < width; ++l) d[l] = (a[l] != 0) || (b[l] != 0); break;
        case opcode::logical_not: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] == 0; break;
        case opcode::function1: for (std::size_t l = 0; l < width; ++l) d[l] = in.function(a[l]); break;
        case opcode::random_uniform:
        case opcode::random_normal: {
            const double* key_hi = slot(in.d);
            const double* key_lo = slot(in.e);
            const auto draw = in.op == opcode::random_uniform ? cf_rand : cf_randn;
            for (std::size_t l = 0; l < width; ++l) d[l] = draw(a[l], b[l], c[l], key_hi[l], key_lo[l]);
            break;
        }
        case opcode::exp:
#pragma omp simd
            for (std::size_t l = 0; l < width; ++l) d[l] = ::exp(a[l]);
            break;
        case opcode::clip: for (std::size_t l = 0; l < width; ++l) d[l] = std::min(std::max(a[l], b[l]), c[l]); break;
        case opcode::where: for (std::size_t l = 0; l < width; ++l) d[l] = a[l] != 0 ? b[l] : c[l]; break;
        case opcode::lookup: {
            const kernel_lookup& table = (*memory.lookups)[in.table];
            const std::size_t steps = table.table->steps;
            for (std::size_t l = 0; l < width; ++l) {
                const std::size_t row = table.row_of_neuron[first + l];
                d[l] = table.table->values[row * steps + lookup_column(a[l], memory.dt, steps)];
            }
            break;
        }
        }
    }
}

} // namespace cellfit::interp
