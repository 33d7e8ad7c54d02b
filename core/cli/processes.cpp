#include "processes.hpp"
#include "command_line.hpp"

#include <cstdlib>

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

void refuse_unjoined_copies(const std::string& command) {
    if (processes().size() > 1) return;
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"}) {
        const char* value = std::getenv(name);
        // SLURM_NTASKS counts only inside a job step (srun), not in the batch script itself.
        const bool counts = std::string(name) != "SLURM_NTASKS" || std::getenv("SLURM_STEP_ID");
        if (value && counts && std::atol(value) > 1)
            throw usage_error(command + " was started as " + value + " processes (" + name + ") that are not one MPI "
                              "job: each would do the whole work into the same files. " +
#ifdef CELLFIT_HAVE_MPI
                              "Start it with mpirun, or with srun --mpi=pmix (or pmi2)"
#else
                              "This cellfit is built without MPI: run one process, or rebuild with libopenmpi-dev and "
                              "libboost-mpi-dev (cellfit --version says which)"
#endif
            );
    }
}

#ifndef CELLFIT_HAVE_MPI
void abort_processes(int) {}
#endif

void leave_processes() {
    current().reset();
#ifdef CELLFIT_HAVE_MPI
    leave_mpi();
#endif
}

} // namespace cellfit::cli
