#include "codegen.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/random_stream.hpp>

#include <cmath>
#include <algorithm>
#include <sstream>

namespace cellfit::compiled {

namespace {

std::string literal(double v) {
    if (std::isnan(v)) return "(0.0/0.0)";
    if (std::isinf(v)) return v > 0 ? "(1.0/0.0)" : "(-1.0/0.0)";
    std::string text = format_number(v);
    if (text.find_first_of(".eE") == std::string::npos) text += ".0";
    return "(" + text + ")";
}

// Writes e as a C++ expression; slot_code gives the code of a slot's value.
// With a declaration stream, repeated subexpressions (exp((13*mV - v + VT)/...)
// appears in several terms after expansion) are computed once into locals,
// until a slot they read is assigned again.
class emitter {
public:
    emitter(const codegen_slots& slots, std::function<std::string(std::uint32_t)> slot_code,
            std::ostringstream* declarations = nullptr, std::string indent = "", std::ostringstream* per_step = nullptr)
        : slots_(slots), slot_code_(std::move(slot_code)), declarations_(declarations), indent_(std::move(indent)),
          per_step_(per_step) {}

    std::string operator()(const expr::ptr& e) { return emit(e).code; }

    // A slot was assigned: forget what was computed from it.
    void assigned(std::uint32_t slot) {
        std::erase_if(known_, [&](const auto& entry) { return entry.second.reads.count(slot) > 0; });
    }

private:
    struct code {
        std::string code;
        std::set<std::uint32_t> reads;
    };
    struct local {
        std::string name;
        std::set<std::uint32_t> reads;
    };

    code shared(std::string text, std::set<std::uint32_t> reads) {
        if (!declarations_ || text.size() < 16) return {std::move(text), std::move(reads)};
        if (auto it = known_.find(text); it != known_.end()) return {it->second.name, it->second.reads};
        // Values the same for every neuron (functions of t and dt) are
        // computed once per step, before the neuron loop.
        const bool uniform = per_step_ && std::all_of(reads.begin(), reads.end(),
                                                      [&](std::uint32_t s) { return slots_.uniform.count(s) > 0; });
        const std::string name = (uniform ? "u" : "e") + std::to_string(next_++);
        if (uniform)
            *per_step_ << "            const double " << name << " = " << text << ";\n";
        else
            *declarations_ << indent_ << "const double " << name << " = " << text << ";\n";
        known_.emplace(text, local{name, reads});
        return {name, std::move(reads)};
    }

    code emit(const expr::ptr& e) {
        using expr::op;
        std::vector<code> args;
        std::set<std::uint32_t> reads;
        for (const auto& a : e->args) {
            args.push_back(emit(a));
            reads.insert(args.back().reads.begin(), args.back().reads.end());
        }
        auto arg = [&](std::size_t k) { return args[k].code; };
        switch (e->kind) {
        case op::number: return {literal(e->value), {}};
        case op::name: {
            const int slot = slots_.resolve(e->name);
            if (slot >= 0) {
                const auto s = static_cast<std::uint32_t>(slot);
                auto it = slots_.special.find(s);
                return {it != slots_.special.end() ? it->second : slot_code_(s), {s}};
            }
            double value = 0;
            if (slots_.constant(e->name, value)) return {literal(value), {}};
            throw internal_error("the code generator cannot resolve '" + e->name + "'");
        }
        case op::negate: return shared("(-" + arg(0) + ")", reads);
        case op::add: return shared("(" + arg(0) + " + " + arg(1) + ")", reads);
        case op::subtract: return shared("(" + arg(0) + " - " + arg(1) + ")", reads);
        case op::multiply: return shared("(" + arg(0) + " * " + arg(1) + ")", reads);
        case op::divide: return shared("(" + arg(0) + " / " + arg(1) + ")", reads);
        case op::power: {
            // Small integer powers as products: vectorisable, unlike pow().
            const expr::ptr& p = e->args[1];
            if (p->kind == op::number && (p->value == 2 || p->value == 3 || p->value == 4)) {
                std::string product = arg(0);
                for (int k = 1; k < static_cast<int>(p->value); ++k) product += " * " + arg(0);
                return shared("(" + product + ")", reads);
            }
            return shared("std::pow(" + arg(0) + ", " + arg(1) + ")", reads);
        }
        case op::modulo: return shared("cf_mod(" + arg(0) + ", " + arg(1) + ")", reads);
        case op::less: return shared("double(" + arg(0) + " < " + arg(1) + ")", reads);
        case op::less_equal: return shared("double(" + arg(0) + " <= " + arg(1) + ")", reads);
        case op::greater: return shared("double(" + arg(0) + " > " + arg(1) + ")", reads);
        case op::greater_equal: return shared("double(" + arg(0) + " >= " + arg(1) + ")", reads);
        case op::equal: return shared("double(" + arg(0) + " == " + arg(1) + ")", reads);
        case op::not_equal: return shared("double(" + arg(0) + " != " + arg(1) + ")", reads);
        case op::logical_and: return shared("double((" + arg(0) + " != 0) && (" + arg(1) + " != 0))", reads);
        case op::logical_or: return shared("double((" + arg(0) + " != 0) || (" + arg(1) + " != 0))", reads);
        case op::logical_not: return shared("double(" + arg(0) + " == 0)", reads);
        case op::call: {
            const std::string& f = e->name;
            if (f == "__where") return shared("(" + arg(0) + " != 0 ? " + arg(1) + " : " + arg(2) + ")", reads);
            if (f == "clip") return shared("cf_clip(" + arg(0) + ", " + arg(1) + ", " + arg(2) + ")", reads);
            if (f == "int") return shared("std::trunc(" + arg(0) + ")", reads);
            if (f == "sign") return shared("cf_sign(" + arg(0) + ")", reads);
            if (f == "exprel") return shared("cf_exprel(" + arg(0) + ")", reads);
            if (f == "__rand" || f == "__randn")  // random_stream.hpp, pasted into the prelude
                return shared("cf_" + f.substr(2) + "(" + arg(0) + ", " + arg(1) + ", " + arg(2) + ", " + arg(3) + ", " +
                                  arg(4) + ")",
                              reads);
            if (f == "abs") return shared("std::fabs(" + arg(0) + ")", reads);
            static const std::map<std::string, std::string> std_names = {
                {"exp", "std::exp"},     {"log", "std::log"},     {"log10", "std::log10"}, {"expm1", "std::expm1"},
                {"log1p", "std::log1p"}, {"sin", "std::sin"},     {"cos", "std::cos"},     {"tan", "std::tan"},
                {"sinh", "std::sinh"},   {"cosh", "std::cosh"},   {"tanh", "std::tanh"},   {"arcsin", "std::asin"},
                {"arccos", "std::acos"}, {"arctan", "std::atan"}, {"sqrt", "std::sqrt"},   {"floor", "std::floor"},
                {"ceil", "std::ceil"}};
            if (auto it = std_names.find(f); it != std_names.end()) return shared(it->second + "(" + arg(0) + ")", reads);
            const int table = slots_.lookup_index(f);
            if (table < 0) throw error("the compiled backend cannot call " + f + "()");
            const std::string lookup = "a->lookups[" + std::to_string(table) + "]";
            // A time that is the same for every neuron (t, t + dt/2, ...): the
            // column is found once per step, and a table with one row is read
            // once per step, outside the neuron loop.
            const bool uniform_time = std::all_of(args[0].reads.begin(), args[0].reads.end(), [&](std::uint32_t s) {
                return slots_.uniform.count(s) > 0;
            });
            if (per_step_ && uniform_time) {
                const std::string key = lookup + "@" + arg(0);
                auto it = hoisted_.find(key);
                if (it == hoisted_.end()) {
                    const std::string column = "col" + std::to_string(hoisted_.size());
                    *per_step_ << "            const std::size_t " << column << " = cf_column(" << lookup << ", " << arg(0)
                               << ", dt);\n";
                    std::string value = lookup + ".values[" + column + "]";
                    const bool single_row = slots_.single_row_lookups.count(table) > 0;
                    if (single_row) {
                        const std::string name = "in" + std::to_string(hoisted_.size());
                        *per_step_ << "            const double " << name << " = " << value << ";\n";
                        value = name;
                    } else {
                        value = lookup + ".values[" + lookup + ".row_of_neuron[n] * " + lookup + ".steps + " + column + "]";
                    }
                    it = hoisted_.emplace(key, hoisted{value, single_row}).first;
                }
                // A row per neuron depends on the neuron (through its index).
                if (it->second.uniform) return {it->second.code, {}};
                return {it->second.code, {slots_.neuron_index}};
            }
            return shared("cf_lookup(" + lookup + ", " + arg(0) + ", n, dt)", reads);
        }
        }
        return {"0", {}};
    }

    const codegen_slots& slots_;
    std::function<std::string(std::uint32_t)> slot_code_;
    std::ostringstream* declarations_;
    std::string indent_;
    std::ostringstream* per_step_;
    struct hoisted {
        std::string code;
        bool uniform;
    };
    std::map<std::string, hoisted> hoisted_;
    std::map<std::string, local> known_;
    int next_ = 0;
};

constexpr const char* prelude = R"(// Generated by cellfit: one simulation step for a range of neurons.
#include <cmath>
#include <cstddef>
#include <cstdint>

// glibc's vector maths (libmvec) for the functions it provides, so that the
// neuron loop vectorises without fast-math (NaN and inf keep their meaning).
#if defined(__GLIBC__)
#pragma omp declare simd notinbranch
extern "C" double exp(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double log(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double sin(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double cos(double) noexcept;
#if __GLIBC__ > 2 || __GLIBC_MINOR__ >= 28
#pragma omp declare simd notinbranch
extern "C" double pow(double, double) noexcept;
#endif
#if __GLIBC__ > 2 || __GLIBC_MINOR__ >= 35
#pragma omp declare simd notinbranch
extern "C" double expm1(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double log1p(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double log10(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double tanh(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double sinh(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double cosh(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double tan(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double atan(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double asin(double) noexcept;
#pragma omp declare simd notinbranch
extern "C" double acos(double) noexcept;
#endif
#endif

struct cellfit_kernel_lookup { const double* values; std::size_t steps; const std::size_t* row_of_neuron; };
struct cellfit_kernel_args {
    double* data; std::size_t stride; std::size_t first, count; std::size_t k0, k1; double dt;
    const cellfit_kernel_lookup* lookups; double* const* records; std::size_t block_len;
    void* spike_context; void (*spike)(void*, std::size_t, std::size_t);
    std::size_t first_neuron;
};

static inline double cf_mod(double a, double b) { double r = std::fmod(a, b); return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }
static inline double cf_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
static inline double cf_exprel(double x) { return std::fabs(x) < 1e-8 ? 1.0 + x / 2.0 : std::expm1(x) / x; }
static inline double cf_clip(double x, double lo, double hi) { double m = x < lo ? lo : x; return hi < m ? hi : m; }
static inline std::size_t cf_column(const cellfit_kernel_lookup& l, double t, double dt) {
    // Brian's TimedArray column, clip(int(round(t/(dt/8))/8), 0, steps-1), without branches.
    double c = std::trunc(std::nearbyint(t / (dt / 8)) / 8);
    const double last = double(l.steps - 1);
    c = c > 0 ? c : 0;
    c = c < last ? c : last;
    return std::size_t(c);
}
static inline double cf_lookup(const cellfit_kernel_lookup& l, double t, std::size_t n, double dt) {
    return l.values[l.row_of_neuron[n] * l.steps + cf_column(l, t, dt)];
}

extern "C" __attribute__((visibility("default"))) int cellfit_kernel_abi() { return 2; }
)";

} // namespace

std::string generate_kernel_source(const step_program& phases, const codegen_slots& slots) {
    std::set<std::uint32_t> used;
    const std::vector<const std::vector<slot_assignment>*> loop_phases = {
        &phases.constant_over_dt, &phases.record, &phases.refractory, &phases.update, &phases.threshold};
    std::function<void(const expr::ptr&)> collect = [&](const expr::ptr& e) {
        if (e->kind == expr::op::name) {
            const int slot = slots.resolve(e->name);
            if (slot >= 0 && !slots.special.count(static_cast<std::uint32_t>(slot))) used.insert(static_cast<std::uint32_t>(slot));
        }
        for (const auto& a : e->args) collect(a);
    };
    std::set<std::uint32_t> assigned;
    for (const auto* phase : loop_phases)
        for (const auto& a : *phase) {
            collect(a.value);
            used.insert(a.slot);
            assigned.insert(a.slot);
        }
    for (auto r : slots.record_slots) used.insert(r);
    if (slots.has_threshold) used.insert({slots.cond, slots.not_refractory, slots.lastspike});
    for (const auto& a : phases.reset) {
        collect(a.value);
        used.insert(a.slot);
    }

    std::ostringstream out;
    out << prelude << cellfit::random_stream_source << "\n";
    out << "\nextern \"C\" __attribute__((visibility(\"default\"))) void cellfit_kernel(const cellfit_kernel_args* a) {\n"
           "    const double dt = a->dt;\n";
    for (auto s : used) out << "    double* const D" << s << " = a->data + " << s << " * a->stride;\n";
    out << "    const std::size_t end = a->first + a->count;\n"
           "    for (std::size_t chunk_begin = a->first; chunk_begin < end; chunk_begin += 256) {\n"
           "        const std::size_t chunk_end = chunk_begin + 256 < end ? chunk_begin + 256 : end;\n"
           "        for (std::size_t k = a->k0; k < a->k1; ++k) {\n"
           "            const double t = double(k) * dt;\n";
    std::ostringstream per_step, body;
    for (auto s : used)
        if (!slots.special.count(s)) body << "                double L" << s << " = D" << s << "[n];\n";
    emitter local(slots, [](std::uint32_t s) { return "L" + std::to_string(s); }, &body, "                ", &per_step);
    auto emit_phase = [&](const std::vector<slot_assignment>& phase) {
        for (const auto& a : phase) {
            const std::string value = local(a.value);
            body << "                L" << a.slot << " = " << value << ";\n";
            local.assigned(a.slot);
        }
    };
    emit_phase(phases.constant_over_dt);
    emit_phase(phases.record);
    for (std::size_t r = 0; r < slots.record_slots.size(); ++r)
        body << "                a->records[" << r << "][n * a->block_len + (k - a->k0)] = L" << slots.record_slots[r] << ";\n";
    emit_phase(phases.refractory);
    emit_phase(phases.update);
    emit_phase(phases.threshold);
    for (auto s : assigned)
        if (slots.persistent.count(s)) body << "                D" << s << "[n] = L" << s << ";\n";
    out << per_step.str() << "            #pragma omp simd\n"
        << "            for (std::size_t n = chunk_begin; n < chunk_end; ++n) {\n" << body.str();
    out << "            }\n";
    if (slots.has_threshold) {
        emitter memory(slots, [](std::uint32_t s) { return "D" + std::to_string(s) + "[n]"; });
        out << "            for (std::size_t n = chunk_begin; n < chunk_end; ++n) {\n"
               "                if (D" << slots.cond << "[n] == 0) continue;\n"
               "                a->spike(a->spike_context, k, n);\n"
               "                D" << slots.not_refractory << "[n] = 0;\n"
               "                D" << slots.lastspike << "[n] = t;\n";
        for (const auto& r : phases.reset) out << "                D" << r.slot << "[n] = " << memory(r.value) << ";\n";
        out << "            }\n";
    }
    out << "        }\n    }\n}\n";
    return out.str();
}

} // namespace cellfit::compiled
