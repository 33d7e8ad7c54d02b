// Writes the fuzz seed corpus: one file per equation string of the Brian 2
// syntax corpus and per reference model, in the fuzz target's input format
// (equations, threshold, reset, refractory separated by NUL bytes).
//   make_seed_corpus <reference dir> <output dir>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace {

std::string field(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string();
}

void write(const fs::path& file, const nlohmann::json& j, const char* equations_key) {
    std::ofstream out(file, std::ios::binary);
    out << field(j, equations_key) << '\0' << field(j, "threshold") << '\0' << field(j, "reset") << '\0'
        << field(j, "refractory");
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: make_seed_corpus <reference dir> <output dir>\n";
        return 2;
    }
    const fs::path reference = argv[1], out = argv[2];
    fs::create_directories(out);
    int count = 0;
    for (const char* name : {"accept.txt", "reject.txt"}) {
        std::ifstream in(reference / "syntax" / name);
        if (!in) {
            std::cerr << "cannot read " << (reference / "syntax" / name) << "\n";
            return 1;
        }
        std::string line;
        for (int k = 0; std::getline(in, line); ++k)
            if (!line.empty()) write(out / (std::string(name) + "." + std::to_string(k)), nlohmann::json::parse(line), "eq"), ++count;
    }
    for (const auto& dir : fs::directory_iterator(reference / "cases")) {
        std::ifstream in(dir.path() / "model.json");
        if (!in) continue;
        write(out / ("case." + dir.path().filename().string()), nlohmann::json::parse(in), "equations");
        ++count;
    }
    std::cout << "wrote " << count << " seed inputs to " << out << "\n";
    return 0;
}
