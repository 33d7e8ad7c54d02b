#pragma once

// The processes of this run: one, or the ranks of an MPI job (mpirun, srun).
// The one place in the command that knows about ranks: a fit splits its
// rounds' samples through exchange(), a batch hands out its cells
// through run_tasks(). Fitters, metrics and optimizers never see MPI.

#include <cellfit/fit/round_exchange.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cellfit::cli {

class process_group {
public:
    virtual ~process_group() = default;

    virtual std::size_t rank() const = 0;  // 0: the process that coordinates and writes results
    virtual std::size_t size() const = 0;
    // The processes of this run on this machine: they share its cores.
    virtual unsigned processes_on_this_node() const = 0;

    // The exchange a fit spreads its rounds over (nullptr: one process).
    virtual std::shared_ptr<cellfit::round_exchange> exchange() = 0;

    // Runs the tasks (ids) over the processes, handed out one at a time as
    // processes become free; every process calls it, and only rank 0's
    // `tasks` and `collect` count. `work(id)` computes a task's result on
    // whichever process runs it (rank 0 works too), and `collect(id,
    // result)` receives it on rank 0, one at a time. Once `stopping()` is
    // true on any process, or a result says `stopped`, no task starts
    // anymore; the tasks in flight finish. A task handed out but not run
    // (its process was stopping) is collected with no fields.
    struct task_result {
        std::vector<std::string> fields;
        bool stopped = false;  // the process was asked to stop while it ran the task
    };
    virtual void run_tasks(const std::vector<std::size_t>& tasks, const std::function<task_result(std::size_t)>& work,
                           const std::function<void(std::size_t, const task_result&)>& collect,
                           const std::function<bool()>& stopping) = 0;
};

// The processes, joined at start-up by main(): an MPI job when the command
// was started by an MPI launcher and cellfit was built with MPI, else one.
void join_processes(int& argc, char**& argv);
process_group& processes();
// Ends the MPI job, if any (before main returns).
void leave_processes();

// "MPI: Open MPI v4.1.4" or "MPI: not built in (batch runs in one process)".
std::string mpi_description();

// Throws usage_error when a launcher started several copies that did not
// join one MPI job (a cellfit built without MPI, or srun without an MPI
// plugin): each would do the whole work, into the same files.
void refuse_unjoined_copies(const std::string& command);

// Ends every process of the job (MPI_Abort) after an error that left the
// others unable to finish; nothing with one process.
void abort_processes(int code);

} // namespace cellfit::cli
