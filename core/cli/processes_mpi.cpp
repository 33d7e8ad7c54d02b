// The processes of an MPI job (Boost.MPI over Open MPI or any MPI): rank 0
// runs the optimizer or hands out a batch's cells, and works itself too.

#include "processes.hpp"

#include <cellfit/error.hpp>

#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace cellfit::cli {

namespace mpi = boost::mpi;

namespace {

// Message tags, one per kind of message.
enum tag : int { objectives_tag = 1, error_tag, ready_tag, task_tag };
constexpr std::uint64_t no_more_tasks = std::numeric_limits<std::uint64_t>::max();

// A fit's rounds over the ranks: a round is broadcast (a header, then the
// samples), and each rank sends its share's objectives back to rank 0.
class mpi_round_exchange final : public round_exchange {
public:
    explicit mpi_round_exchange(mpi::communicator world) : world_(std::move(world)) {}
    std::size_t rank() const override { return static_cast<std::size_t>(world_.rank()); }
    std::size_t size() const override { return static_cast<std::size_t>(world_.size()); }

    void send_round(const round_message& round) override {
        // header[0]: 0 the fit is over, 1 a round to simulate, 2 multistart descents.
        std::vector<std::uint64_t> header{round.descents ? 2u : 1u, round.population, round.n_parameters, round.iteration, round.random_stream};
        mpi::broadcast(world_, header, 0);
        std::vector<double> samples = round.samples;
        mpi::broadcast(world_, samples, 0);
    }
    std::vector<double> receive_objectives(std::size_t from) override {
        const int source = static_cast<int>(from);
        const mpi::status status = world_.probe(source, mpi::any_tag);
        if (status.tag() == error_tag) {
            std::string message;
            world_.recv(source, error_tag, message);
            throw error("rank " + std::to_string(from) + ": " + message);
        }
        std::vector<double> objectives;
        world_.recv(source, objectives_tag, objectives);
        return objectives;
    }
    void finish() override {
        if (finished_ || size() < 2) return;
        finished_ = true;
        std::vector<std::uint64_t> header{0, 0, 0, 0, 0};
        mpi::broadcast(world_, header, 0);
    }

    std::optional<round_message> receive_round() override {
        std::vector<std::uint64_t> header;
        mpi::broadcast(world_, header, 0);
        if (header.size() != 5 || header[0] == 0) return std::nullopt;
        round_message round{header[1], header[2], header[3], header[4], {}, header[0] == 2};
        mpi::broadcast(world_, round.samples, 0);
        return round;
    }
    void send_objectives(const std::vector<double>& objectives, const std::string& error) override {
        if (error.empty())
            world_.send(0, objectives_tag, objectives);
        else
            world_.send(0, error_tag, error);
    }

private:
    mpi::communicator world_;
    bool finished_ = false;
};

class mpi_processes final : public process_group {
public:
    // Rank and size are read once: rank 0's main thread asks for them while
    // its dispatcher thread may be inside MPI.
    mpi_processes(mpi::communicator world, unsigned on_node, bool rank0_works)
        : world_(std::move(world)), rank_(static_cast<std::size_t>(world_.rank())),
          size_(static_cast<std::size_t>(world_.size())), on_node_(on_node), rank0_works_(rank0_works) {}

    std::size_t rank() const override { return rank_; }
    std::size_t size() const override { return size_; }
    unsigned processes_on_this_node() const override { return on_node_; }
    std::shared_ptr<cellfit::round_exchange> exchange() override {
        return world_.size() > 1 ? std::make_shared<mpi_round_exchange>(world_) : nullptr;
    }

    void run_tasks(const std::vector<std::size_t>& tasks, const std::function<task_result(std::size_t)>& work,
                   const std::function<void(std::size_t, const task_result&)>& collect,
                   const std::function<bool()>& stopping) override {
        if (world_.rank() == 0)
            hand_out(tasks, work, collect, stopping);
        else
            take_tasks(work, stopping);
    }

private:
    // Rank 0: a thread answers the other ranks (each asks for a task when it
    // is free, with the result of its last one) while this thread works
    // through the same queue; only that thread calls MPI meanwhile. When MPI
    // gives no threads, this thread only answers. An exception from `work`
    // or `collect` stops the hand-out and is thrown once every rank is told.
    void hand_out(const std::vector<std::size_t>& tasks, const std::function<task_result(std::size_t)>& work,
                  const std::function<void(std::size_t, const task_result&)>& collect,
                  const std::function<bool()>& stopping) {
        std::mutex mutex;  // the queue, `stop`, `failure` and collect()
        std::size_t next = 0;
        bool stop = false;
        std::exception_ptr failure;
        const auto take = [&]() -> std::uint64_t {
            std::lock_guard lock(mutex);
            stop = stop || stopping();
            return stop || next >= tasks.size() ? no_more_tasks : static_cast<std::uint64_t>(tasks[next++]);
        };
        const auto record = [&](std::size_t task, const task_result& result) {
            std::lock_guard lock(mutex);
            try {
                collect(task, result);
            } catch (...) {
                if (!failure) failure = std::current_exception();
                stop = true;
            }
            stop = stop || result.stopped;
        };
        const auto answer_ranks = [&] {
            int active = world_.size() - 1;
            while (active > 0) {
                // Waits without spinning: a blocking receive would busy-poll a
                // core that rank 0's own fit and the other ranks need.
                boost::optional<mpi::status> waiting;
                while (!(waiting = world_.iprobe(mpi::any_source, ready_tag)))
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                std::vector<std::string> message;  // {} (ready), or {task, stopped, fields...}
                world_.recv(waiting->source(), ready_tag, message);
                if (message.size() >= 2) {
                    task_result result;
                    result.stopped = message[1] == "1";
                    result.fields.assign(message.begin() + 2, message.end());
                    record(static_cast<std::size_t>(std::stoull(message[0])), result);
                }
                const std::uint64_t task = take();
                world_.send(waiting->source(), task_tag, task);
                if (task == no_more_tasks) --active;
            }
        };
        if (!rank0_works_ && size_ > 1) {
            answer_ranks();
        } else if (size_ == 1) {
            for (std::uint64_t task = take(); task != no_more_tasks; task = take()) record(task, work(task));
        } else {
            // A failed exchange cannot be undone: the ranks would wait forever.
            std::thread dispatcher([&] {
                try {
                    answer_ranks();
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "cellfit: error: rank 0 lost the other ranks: %s\n", e.what());
                    MPI_Abort(MPI_COMM_WORLD, 1);
                }
            });
            for (std::uint64_t task = take(); task != no_more_tasks; task = take()) {
                task_result result;
                try {
                    result = work(static_cast<std::size_t>(task));
                } catch (...) {
                    std::lock_guard lock(mutex);
                    if (!failure) failure = std::current_exception();
                    stop = true;
                    break;
                }
                record(static_cast<std::size_t>(task), result);
            }
            dispatcher.join();
        }
        if (failure) std::rethrow_exception(failure);
    }

    void take_tasks(const std::function<task_result(std::size_t)>& work, const std::function<bool()>& stopping) {
        std::vector<std::string> message;
        for (;;) {
            world_.send(0, ready_tag, message);
            std::uint64_t task = no_more_tasks;
            world_.recv(0, task_tag, task);
            if (task == no_more_tasks) return;
            message.clear();
            if (stopping()) {  // asked to stop after it asked for a task: say so, run nothing
                message = {std::to_string(task), "1"};  // no fields: not run
                continue;
            }
            task_result result;
            try {
                result = work(static_cast<std::size_t>(task));
            } catch (const std::exception& e) {  // rank 0 must still hear from this rank
                result.fields = {"", "failed: rank " + std::to_string(rank_) + ": " + e.what()};
                result.stopped = true;
            } catch (...) {
                result.fields = {"", "failed: rank " + std::to_string(rank_) + ": an unknown error"};
                result.stopped = true;
            }
            message = {std::to_string(task), result.stopped || stopping() ? "1" : "0"};
            message.insert(message.end(), result.fields.begin(), result.fields.end());
        }
    }

    mpi::communicator world_;
    std::size_t rank_, size_;
    unsigned on_node_;
    bool rank0_works_;
};

std::unique_ptr<mpi::environment>& environment() {
    static std::unique_ptr<mpi::environment> env;
    return env;
}

// Started by an MPI launcher: Open MPI's mpirun, PMIx (srun, prterun) or a
// PMI-1/2 launcher (MPICH's hydra, srun --mpi=pmi2).
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(name)) return true;
    return false;
}

} // namespace

std::unique_ptr<process_group> join_mpi(int& argc, char**& argv) {
    if (!launched_by_mpi()) return nullptr;
    // Serialized: rank 0's batch dispatcher is a thread of its own, and no two
    // threads call MPI at once.
    environment() = std::make_unique<mpi::environment>(argc, argv, mpi::threading::serialized, false);
    const bool threads_ok = environment()->thread_level() >= mpi::threading::serialized;
    mpi::communicator world;
    MPI_Comm node;
    int on_node = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &on_node);
        MPI_Comm_free(&node);
    }
    return std::make_unique<mpi_processes>(world, static_cast<unsigned>(std::max(1, on_node)), threads_ok);
}

void abort_processes(int code) {
    if (environment() && processes().size() > 1) MPI_Abort(MPI_COMM_WORLD, code);
}

void leave_mpi() {
    if (!environment()) return;
    // The ranks that finish first wait here for the others without spinning
    // (MPI_Finalize's own wait would busy-poll a core the others still use).
    MPI_Request request;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &request) == MPI_SUCCESS)
        for (int done = 0; MPI_Test(&request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done;)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    environment().reset();
}

std::string mpi_description() {
    char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string text(version, static_cast<std::size_t>(std::max(0, length)));
    text = text.substr(0, text.find_first_of(",\n"));
    return "MPI: " + text + " (Boost.MPI); run under mpirun or srun to spread a fit or a batch over its ranks";
}

} // namespace cellfit::cli
