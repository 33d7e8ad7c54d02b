#include <cellfit/units/quantity.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

using namespace cellfit;

namespace {

dimension dims_from(const std::vector<double>& exps) {
    dimension d;
    for (int k = 0; k < dimension::count; ++k) {
        rational r;
        REQUIRE(rational::from_double(exps[k], r));
        d = d * dimension::of(static_cast<dimension::base>(k), r);
    }
    return d;
}

const dimension volt = dimension::of(dimension::length, 2) * dimension::of(dimension::mass, 1) *
                       dimension::of(dimension::time, -3) * dimension::of(dimension::current, -1);

} // namespace

TEST_CASE("every unit name Brian 2 resolves has Brian's value and dimension", "[units]") {
    // tests/data/brian2_default_units.txt: brian2.core.namespace.DEFAULT_UNITS of Brian 2.5.1.
    std::ifstream in(CELLFIT_TEST_SOURCE_DIR "/data/brian2_default_units.txt");
    REQUIRE(in);
    std::map<std::string, bool> brian_names;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream row(line);
        std::string name;
        double value = 0;
        std::vector<double> exps(7);
        row >> name >> value;
        for (auto& x : exps) row >> x;
        INFO(name);
        const unit_definition* u = find_unit(name);
        REQUIRE(u != nullptr);
        CHECK(u->value.value == Approx(value).epsilon(1e-12));
        CHECK(u->value.dim == dims_from(exps));
        brian_names[name] = true;
    }
    CHECK(brian_names.size() == 1710);
    // cellfit accepts exactly Brian's names plus two that `from brian2 import *`
    // provides outside the equation namespace: the c prefix of metre/meter
    // (cmetre, cmeter2, ...) and mS.
    for (const auto& u : all_units()) {
        INFO(u.name);
        const bool extra = u.name.rfind("cmet", 0) == 0 || u.name == "mS";
        CHECK((brian_names.count(u.name) == 1) != extra);
    }
}

TEST_CASE("the units allowed after an equation's colon are Brian's base units", "[units]") {
    // Brian 2.5.1, brian2.equations.equations._base_units.
    const std::vector<std::string> brian_base = {
        "Hz", "amp", "ampere", "becquerel", "candle", "coulomb", "farad", "gray", "henry", "hertz", "joule",
        "katal", "kelvin", "kgram", "kgramme", "kilogram", "kilogramme", "kliter", "klitre", "lumen", "lux", "mM",
        "meter", "metre", "mmolar", "mol", "mole", "newton", "ohm", "pascal", "radian", "second", "siemens",
        "sievert", "steradian", "tesla", "volt", "watt", "weber"};
    std::vector<std::string> ours;
    for (const auto& u : all_units())
        if (u.base_form) ours.push_back(u.name);
    std::sort(ours.begin(), ours.end());
    CHECK(ours == brian_base);
}

TEST_CASE("rational exponents", "[units]") {
    rational r;
    REQUIRE(rational::from_double(-0.5, r));
    CHECK(r == rational(-1, 2));
    CHECK(rational(2, 4) == rational(1, 2));
    CHECK(rational(1, 2) + rational(1, 3) == rational(5, 6));
    CHECK(rational(-3, 2).to_string() == "-1.5");
    CHECK(rational(1, 3).to_string() == "1/3");
    CHECK_FALSE(rational::from_double(std::sqrt(2.0), r));
}

TEST_CASE("dimensions multiply, divide, take powers and print as Brian does", "[units]") {
    const dimension second = dimension::of(dimension::time);
    CHECK(volt.to_string() == "m^2 kg s^-3 A^-1");
    CHECK((volt / second).to_string() == "m^2 kg s^-4 A^-1");
    CHECK(second.pow(rational(-3, 2)).to_string() == "s^-1.5");
    CHECK((volt / volt).is_dimensionless());
    CHECK(dimension{}.to_string() == "1");
    CHECK(second.pow(rational(1, 2)).pow(2) == second);
}

TEST_CASE("quantities print in a readable unit", "[units]") {
    const dimension siemens = find_unit("siemens")->value.dim;
    const dimension amp = find_unit("amp")->value.dim;
    const dimension farad = find_unit("farad")->value.dim;
    CHECK(format_quantity({3e-8, siemens}) == "30 nS");
    CHECK(format_quantity({-0.065, volt}) == "-65 mV");
    CHECK(format_quantity({1e-10, amp}) == "100 pA");
    // Mean squared errors: the prefix of the square root, squared.
    CHECK(format_quantity({1.005e-6, volt.pow(rational(2))}) == "1.005 mV^2");
    CHECK(format_quantity({72.5e-6, volt.pow(rational(2))}) == "72.5 mV^2");
    CHECK(format_quantity({4e-18, amp.pow(rational(2))}) == "4 nA^2");
    CHECK(format_quantity({1.69e-7, volt.pow(rational(2))}) == "0.169 mV^2");
    CHECK(format_quantity({0.5, volt.pow(rational(2))}) == "0.5 V^2");
    CHECK(format_quantity({2e-10, farad}) == "200 pF");
    CHECK(format_quantity({1e8, find_unit("ohm")->value.dim}) == "100 Mohm");
    CHECK(format_quantity({0.01, find_unit("second")->value.dim}) == "10 ms");
    CHECK(format_quantity({1200, siemens / find_unit("metre2")->value.dim}) == "120 mS/cm^2");
    CHECK(format_quantity({0.01, farad / find_unit("metre2")->value.dim}) == "1 uF/cm^2");
    CHECK(format_quantity({0.9999999999, volt}) == "1 V");
    CHECK(format_quantity({0.5, dimension{}}) == "0.5");
    CHECK(format_quantity({2, find_unit("Hz")->value.dim}) == "2 Hz");
}

TEST_CASE("unit names in Brian syntax for messages and suggestions", "[units]") {
    CHECK(unit_name(volt) == "volt");
    CHECK(unit_name(volt / dimension::of(dimension::time)) == "volt/second");
    CHECK(unit_name(find_unit("siemens")->value.dim / find_unit("metre2")->value.dim) == "siemens/metre**2");
    CHECK(unit_name(dimension{}) == "1");
    CHECK(unit_name(volt.pow(rational(2))) == "volt**2");
    CHECK(unit_name(dimension::of(dimension::time, rational(-1, 2))) == "second**(-0.5)");
}
