#include "processes.hpp"

#include <memory>

namespace cellfit::cli {

namespace {

class single_process final : public process_group {
public:
    std::size_t rank() const override { return 0; }
    std::size_t size() const override { return 1; }
    unsigned processes_on_this_node() const override { return 1; }
    std::shared_ptr<cellfit::round_exchange> exchange() override { return nullptr; }
    void run_tasks(const std::vector<std::size_t>& tasks, const std::function<task_result(std::size_t)>& work,
                   const std::function<void(std::size_t, const task_result&)>& collect,
                   const std::function<bool()>& stopping) override {
        for (std::size_t k = 0; k < tasks.size() && !stopping(); ++k) {
            const task_result result = work(tasks[k]);
            collect(tasks[k], result);
            if (result.stopped) break;
        }
    }
};

std::unique_ptr<process_group>& current() {
    static std::unique_ptr<process_group> group;
    return group;
}

} // namespace

#ifdef CELLFIT_HAVE_MPI
std::unique_ptr<process_group> join_mpi(int& argc, char**& argv);  // processes_mpi.cpp
void leave_mpi();
#endif

void join_processes([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef CELLFIT_HAVE_MPI
    current() = join_mpi(argc, argv);
#endif
    if (!current()) current() = std::make_unique<single_process>();
}

process_group& processes() {
    if (!current()) current() = std::make_unique<single_process>();
    return *current();
}

#ifndef CELLFIT_HAVE_MPI
std::string mpi_description() {
    return "MPI: not built in (cellfit batch runs its cells one after another in one process; rebuild with "
           "libopenmpi-dev and libboost-mpi-dev installed to spread fits and batches over MPI ranks)";
}
#endif

void leave_processes() {
    current().reset();
#ifdef CELLFIT_HAVE_MPI
    leave_mpi();
#endif
}

} // namespace cellfit::cli
