#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/parser.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/expr/transform.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>

using namespace cellfit;
using Catch::Matchers::Contains;
namespace ex = cellfit::expr;

namespace {

ex::ptr P(const char* text) { return ex::parse(text); }

double eval(const ex::ptr& e, const std::map<std::string, double>& values) {
    return ex::evaluate(e, [&](const std::string& name) { return values.at(name); });
}

source_location error_at(const char* text) {
    try {
        ex::parse(text);
    } catch (const model_error& e) {
        return e.where();
    }
    FAIL("no error for: " << text);
    return {};
}

} // namespace

TEST_CASE("the parser follows Python's precedence", "[expr]") {
    const std::map<std::string, double> v{{"a", 2}, {"b", 3}, {"c", 5}};
    CHECK(eval(P("a + b*c"), v) == 17);
    CHECK(eval(P("-a**2"), v) == -4);          // ** binds tighter than unary minus
    CHECK(eval(P("(-a)**2"), v) == 4);
    CHECK(eval(P("a**b**2"), v) == 512);       // right-associative
    CHECK(eval(P("a**-1"), v) == 0.5);
    CHECK(eval(P("c - b - a"), v) == 0);       // left-associative
    CHECK(eval(P("c/b/a"), v) == Approx(5.0 / 6));
    CHECK(eval(P("-7 % 3"), v) == 2);          // Python's floored modulo
    CHECK(eval(P("7 % -3"), v) == -2);
    CHECK(eval(P("not a > b and b < c or False"), v) == 1);
    CHECK(eval(P("int(a > b) + int(not (a > b))"), v) == 1);
    CHECK(eval(P("clip(c, a, b)"), v) == 3);
    CHECK(eval(P(".5 + 13. + 1e-3 + 2E2"), v) == Approx(213.501));
    CHECK(eval(P("exprel(0)"), v) == 1);
}

TEST_CASE("absurdly deep or long expressions are refused, not crashed on", "[expr]") {
    CHECK_THROWS_WITH(ex::parse(std::string(100000, '(') + "x" + std::string(100000, ')')),
                      Contains("nested too deeply"));
    std::string chain = "x";
    for (int k = 0; k < 2000; ++k) chain += " + x";
    CHECK_THROWS_WITH(ex::parse(chain), Contains("too long or too deeply nested"));
    CHECK_THROWS_WITH(ex::parse(std::string(5000, '-') + "x"), Contains("nested too deeply"));
    // Every unary operator, 100,000 deep: a located error, not a stack overflow.
    std::string nots, minuses(100000, '-'), pluses(100000, '+'), powers = "x";
    for (int k = 0; k < 100000; ++k) nots += "not ";
    for (int k = 0; k < 100000; ++k) powers += "**x";
    for (const std::string& deep : {nots + "x", minuses + "x", pluses + "x", powers, "-" + std::string(50000, '(') + "x"}) {
        try {
            (void)ex::parse(deep);
            FAIL("parsed an expression nested 100,000 deep");
        } catch (const cellfit::input_error& e) {
            CHECK_THAT(e.what(), Contains("nested too deeply") && Contains("expression:1:"));
        }
    }
    std::string fine = "x";
    for (int k = 0; k < 300; ++k) fine += " + x";
    CHECK_NOTHROW(ex::parse(fine));
}

TEST_CASE("a negative literal is a number node", "[expr]") {
    CHECK(P("-3")->kind == ex::op::number);
    CHECK(P("-3")->value == -3);
    CHECK(P("-3**2")->kind == ex::op::negate);
}

TEST_CASE("parse errors give line and column", "[expr]") {
    auto where = error_at("(-v/tau");
    CHECK(where.column == 1);
    CHECK_THROWS_WITH(ex::parse("(-v/tau"), Contains("'(' was never closed"));
    where = error_at("a + * b");
    CHECK(where.column == 5);
    CHECK_THROWS_WITH(ex::parse("1x + 2"), Contains("invalid number '1x'"));
    CHECK_THROWS_WITH(ex::parse("a = b"), Contains("cannot assign"));
    CHECK_THROWS_WITH(ex::parse("a < b < c"), Contains("chained comparisons"));
    CHECK_THROWS_WITH(ex::parse("exp(a,"), Contains("never closed"));
    CHECK_THROWS_WITH(ex::parse("a $ b"), Contains("unexpected character '$'"));
    CHECK_THROWS_WITH(ex::parse("a // b"), Contains("floor(a/b)"));
    CHECK_THROWS_WITH(ex::parse(""), Contains("found nothing"));
    CHECK_THROWS_WITH(ex::parse("a +"), Contains("after '+'"));

    const source_text two_lines("model", "x = 1\ny = (a +\n  ) * 2");
    try {
        ex::parse(two_lines, 10, two_lines.text().size());
        FAIL("expected an error");
    } catch (const model_error& e) {
        CHECK(e.where().line == 3);
        CHECK(e.where().column == 3);
        CHECK(e.where().line_text == "  ) * 2");
        CHECK_THAT(e.what(), Contains("model:3:3:") && Contains("\n      ^"));
    }
}

TEST_CASE("printing and parsing give back the same tree", "[expr]") {
    const char* cases[] = {
        "a + b*c", "(a + b)*c", "a - (b - c)", "a - b - c", "a/(b/c)", "a/b/c", "a*(b*c)", "-a**2", "(-a)**2",
        "a**b**c", "(a**b)**c", "a**-1", "(-3)**2", "-3**2", "a - -3", "2**-0.5", "not a < b", "not (a and b)",
        "a and b or c", "a and (b or c)", "(a < b) == (c < d)", "a % b % c", "a % (b % c)", "-(a + b)", "--a",
        "exp(-(v + 35*mV)/(10*mV))", "clip(x, -5*mV, 5*mV)", "1e-300*a", "0.1 + 0.2", "int(v > 1*mV)*mV/ms",
        "0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)", "I0*sin(2*pi*f*t)",
        "int(v > 0*mV and v < 10*mV or not (v > 5*mV))", "(t/ms % 5)*mV", "x**(1/3)", "-x*y", "-(x*y)"};
    for (const char* text : cases) {
        INFO(text);
        const ex::ptr e = P(text);
        const std::string printed = ex::to_string(e);
        INFO(printed);
        CHECK(ex::equal(ex::parse(printed), e));
    }
    CHECK(ex::to_string(P("a - (b - c)")) == "a - (b - c)");
    CHECK(ex::to_string(P("((a))*(b)")) == "a*b");
    CHECK(ex::to_string(P("-3**2")) == "-3**2");
}

TEST_CASE("the simplifier folds constants and drops neutral elements", "[expr]") {
    auto S = [](const char* text) { return ex::to_string(ex::simplify(P(text))); };
    CHECK(S("2*3 + x") == "6 + x");
    CHECK(S("x + 0") == "x");
    CHECK(S("0 + x*1") == "x");
    CHECK(S("x*0 + y") == "y");
    CHECK(S("x**1 - 0") == "x");
    CHECK(S("x**0") == "1");
    CHECK(S("0 - x") == "-x");
    CHECK(S("--x") == "x");
    CHECK(S("x/1") == "x");
    CHECK(S("exp(0)*y") == "y");
    CHECK(S("-1*x") == "-x");
    CHECK(S("x + -y") == "x - y");
    CHECK(S("rand()*0 + rand()") == "rand()");  // rand() is never folded
}

TEST_CASE("symbolic derivatives agree with finite differences", "[expr]") {
    const char* cases[] = {
        "x*y + x**2", "x/y - y/x", "exp(-x/y)", "log(x + 3)", "log10(x + 3)", "sqrt(x + 3)", "sin(x)*cos(y*x)",
        "tan(x/3)", "sinh(x) + cosh(x) + tanh(x)", "arcsin(x/4) + arccos(x/5) + arctan(x)", "abs(x - 0.1)",
        "exprel(x + 0.7)", "expm1(x) + log1p(x + 2)", "x**y", "y**x", "(x + 3)**(y + 1)", "x**-2 + x**0.5",
        "clip(x, -1, 1)*y", "x % 0.7", "floor(x) + ceil(x) + sign(x) + int(x > 0)", "-x*(x + y)",
        "0.32*(13 - x)/(exp((13 - x)/4) - 1)*(1 - y)", "1/(1 + exp(-(x + 35)/10))", "x**3/3 - x",
        "int(x > 0)*x + y", "(x*y)**2 - (x/y)**3"};
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> pick(0.15, 1.45);
    for (const char* text : cases) {
        const ex::ptr e = P(text);
        const ex::ptr dx = ex::derivative(e, "x");
        INFO(text << "   d/dx = " << ex::to_string(dx));
        for (int k = 0; k < 20; ++k) {
            const double x = pick(rng), y = pick(rng);
            const double h = 1e-6;
            const double fd = (eval(e, {{"x", x + h}, {"y", y}}) - eval(e, {{"x", x - h}, {"y", y}})) / (2 * h);
            const double exact = eval(dx, {{"x", x}, {"y", y}});
            // Skip points next to a kink or jump (clip, %, floor...).
            const double left = (eval(e, {{"x", x}, {"y", y}}) - eval(e, {{"x", x - h}, {"y", y}})) / h;
            const double right = (eval(e, {{"x", x + h}, {"y", y}}) - eval(e, {{"x", x}, {"y", y}})) / h;
            if (std::abs(left - right) > 1e-3 * (1 + std::abs(left))) continue;
            CHECK(exact == Approx(fd).epsilon(1e-5).margin(1e-6));
        }
    }
    CHECK(ex::to_string(ex::derivative(P("3*x + y"), "x")) == "3");
    CHECK(ex::to_string(ex::derivative(P("y**2"), "x")) == "0");
    CHECK_THROWS_AS(ex::derivative(P("I_in(x, i)"), "x"), error);
    CHECK(ex::to_string(ex::derivative(P("I_in(t, i)*x"), "x")) == "I_in(t, i)");
}

TEST_CASE("identifiers, functions and substitution", "[expr]") {
    const ex::ptr e = P("a*exp(b/c) + a");
    CHECK(ex::identifiers(e) == std::vector<std::string>{"a", "b", "c"});
    CHECK(ex::called_functions(e) == std::vector<std::string>{"exp"});
    const ex::ptr s = ex::substitute(e, {{"b", P("x + 1")}});
    CHECK(ex::to_string(s) == "a*exp((x + 1)/c) + a");
}
