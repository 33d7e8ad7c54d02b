// The bounded least-squares solver against NIST's certified nonlinear
// regression problems (tests/data/nist): parameters to 6 significant digits
// from the second starting values, and the certified standard deviations.

#include <cellfit/error.hpp>
#include <cellfit/expr/parser.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/fit/least_squares.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace cellfit;

namespace {

const std::string nist_dir = std::string(CELLFIT_TEST_SOURCE_DIR) + "/data/nist/";

struct nist_problem {
    std::vector<double> start2, certified, certified_sd;
    double certified_rss = 0;
    std::vector<double> x, y;
};

nist_problem read_nist(const std::string& name) {
    std::ifstream in(nist_dir + name + ".dat");
    REQUIRE(in);
    nist_problem p;
    std::string line;
    bool data = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (data) {
            double y = 0, x = 0;
            std::istringstream row(line);
            if (row >> y >> x) {
                p.y.push_back(y);
                p.x.push_back(x);
            }
        } else if (first.size() >= 2 && first[0] == 'b' && std::isdigit(static_cast<unsigned char>(first[1]))) {
            std::string eq;
            double s1 = 0, s2 = 0, c = 0, sd = 0;
            words >> eq >> s1 >> s2 >> c >> sd;
            p.start2.push_back(s2);
            p.certified.push_back(c);
            p.certified_sd.push_back(sd);
        } else if (line.find("Residual Sum of Squares:") != std::string::npos) {
            p.certified_rss = std::stod(line.substr(line.find(':') + 1));
        } else if (first == "Data:" && line.find('x') != std::string::npos && line.find('y') != std::string::npos &&
                   line.find("Response") == std::string::npos && line.find("Predictor") == std::string::npos) {
            data = true;
        }
    }
    return p;
}

// Residuals model(x_i; b) - y_i with the Jacobian from symbolic derivatives.
least_squares_result solve_nist(const std::string& model, const nist_problem& p, least_squares_options options = {}) {
    const expr::ptr e = expr::parse(model);
    std::vector<expr::ptr> d;
    for (std::size_t j = 0; j < p.start2.size(); ++j)
        d.push_back(expr::simplify(expr::derivative(e, "b" + std::to_string(j + 1))));
    auto at = [&](const expr::ptr& f, const std::vector<double>& b, double x) {
        return expr::evaluate(f, [&](const std::string& id) {
            if (id == "x") return x;
            return b.at(static_cast<std::size_t>(std::stoi(id.substr(1)) - 1));
        });
    };
    least_squares_problem problem;
    problem.n_residuals = p.x.size();
    problem.lower.assign(p.start2.size(), -std::numeric_limits<double>::infinity());
    problem.upper.assign(p.start2.size(), std::numeric_limits<double>::infinity());
    problem.residuals = [&](const std::vector<double>& b, std::vector<double>& r) {
        for (std::size_t i = 0; i < p.x.size(); ++i) r[i] = at(e, b, p.x[i]) - p.y[i];
    };
    problem.jacobian = [&](const std::vector<double>& b, const std::vector<double>&, matrix& J) {
        for (std::size_t i = 0; i < p.x.size(); ++i)
            for (std::size_t j = 0; j < d.size(); ++j) J(i, j) = at(d[j], b, p.x[i]);
    };
    options.max_nfev = 5000;
    return solve_least_squares(problem, p.start2, options);
}

} // namespace

TEST_CASE("least squares reaches NIST's certified values from the second start", "[least_squares][nist]") {
    const std::pair<const char*, const char*> problems[] = {
        {"Misra1a", "b1*(1-exp(-b2*x))"},
        {"Misra1b", "b1 * (1-(1+b2*x/2)**(-2))"},
        {"Chwirut2", "exp(-b1*x)/(b2+b3*x)"},
        {"Lanczos3", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
        {"MGH09", "b1*(x**2+x*b2) / (x**2+x*b3+b4)"},
        {"Thurber", "(b1 + b2*x + b3*x**2 + b4*x**3) / (1 + b5*x + b6*x**2 + b7*x**3)"},
        {"BoxBOD", "b1*(1-exp(-b2*x))"},
        {"Eckerle4", "(b1/b2) * exp(-0.5*((x-b3)/b2)**2)"},
        {"Rat42", "b1 / (1+exp(b2-b3*x))"},
        {"Rat43", "b1 / ((1+exp(b2-b3*x))**(1/b4))"},
        {"DanWood", "b1*x**b2"},
        {"Kirby2", "(b1 + b2*x + b3*x**2) / (1 + b4*x + b5*x**2)"},
        {"Hahn1", "(b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)"},
        {"MGH10", "b1 * exp(b2/(x+b3))"},
        {"Bennett5", "b1 * (b2+x)**(-1/b3)"},
        {"MGH17", "b1 + b2*exp(-x*b4) + b3*exp(-x*b5)"},
    };
    for (const auto& [name, model] : problems) {
        const std::string problem_name = name;
        const nist_problem p = read_nist(problem_name);
        REQUIRE(!p.x.empty());
        least_squares_options tight;  // certified values to 6 digits: converge further than the defaults
        tight.ftol = tight.xtol = tight.gtol = 1e-14;
        const least_squares_result r = solve_nist(model, p, tight);
        INFO(problem_name << ": " << r.message << ", nfev " << r.nfev);
        CHECK(r.success);
        CHECK(2 * r.cost == Approx(p.certified_rss).epsilon(1e-6));
        for (std::size_t j = 0; j < p.certified.size(); ++j) {
            INFO("b" << j + 1 << " = " << r.x[j] << ", certified " << p.certified[j]);
            CHECK(std::abs(r.x[j] - p.certified[j]) <= 1e-6 * std::abs(p.certified[j]));
            // NIST's standard deviations are s * sqrt(diag((J^T J)^-1)), as ours.
            CHECK(r.standard_errors[j] == Approx(p.certified_sd[j]).epsilon(1e-4));
        }
    }
}

TEST_CASE("least squares respects bounds and reports its budget", "[least_squares]") {
    const nist_problem p = read_nist("Misra1a");
    // The unbounded optimum has b1 = 238.9; held at 200 the fit moves b2 to compensate.
    least_squares_problem problem;
    problem.n_residuals = p.x.size();
    problem.lower = {0, 0};
    problem.upper = {200, 1};
    problem.residuals = [&](const std::vector<double>& b, std::vector<double>& r) {
        for (std::size_t i = 0; i < p.x.size(); ++i) r[i] = b[0] * (1 - std::exp(-b[1] * p.x[i])) - p.y[i];
    };
    problem.jacobian = [&](const std::vector<double>& b, const std::vector<double>&, matrix& J) {
        for (std::size_t i = 0; i < p.x.size(); ++i) {
            J(i, 0) = 1 - std::exp(-b[1] * p.x[i]);
            J(i, 1) = b[0] * p.x[i] * std::exp(-b[1] * p.x[i]);
        }
    };
    const auto r = solve_least_squares(problem, {250, 5e-4});
    CHECK(r.success);
    CHECK(r.x[0] == 200);
    CHECK(r.x[1] > 5.5015643181e-04);  // a larger rate makes up for the capped amplitude
    // The same from a start where the model is not finite is refused.
    problem.residuals = [&](const std::vector<double>& b, std::vector<double>& r) {
        for (std::size_t i = 0; i < p.x.size(); ++i) r[i] = b[1] > 0.9 ? NAN : b[0] - p.y[i];
    };
    CHECK_THROWS_AS(solve_least_squares(problem, {100, 0.95}), input_error);
    // A budget of 3 evaluations ends with status max_nfev.
    least_squares_options few;
    few.max_nfev = 3;
    problem.residuals = [&](const std::vector<double>& b, std::vector<double>& r) {
        for (std::size_t i = 0; i < p.x.size(); ++i) r[i] = b[0] * (1 - std::exp(-b[1] * p.x[i])) - p.y[i];
    };
    const auto limited = solve_least_squares(problem, {250, 1e-5}, few);
    CHECK(limited.nfev <= 3);
    CHECK(limited.status == least_squares_status::max_nfev);
    CHECK_FALSE(limited.success);
}
