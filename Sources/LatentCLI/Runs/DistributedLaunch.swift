import Foundation
import Latent
import LatentDistributed

/// How `latent train` joins a distributed job: started by `mpirun`/`mpiexec`/`srun` with more
/// than one process (the environment says so), or asked with `--distributed`, it loads MPI and
/// trains data-parallel on every rank; otherwise it is the one process, exactly as without MPI.
enum DistributedLaunch {
    /// The communicator of this process's job, or nil to train alone. Throws `CLIError.failed`
    /// naming what to install when MPI is needed and cannot be loaded.
    static func start(requested: Bool, timeout: Double) throws -> MPICommunicator? {
        if let copies = MPIEnvironment.unmanagedSlurmCopies {
            throw CLIError.usage("srun started \(copies) copies of latent without MPI's process management, so each would train alone and all would write the same run folder; launch with `srun --mpi=pmix …` (or mpirun inside the allocation), or with one task")
        }
        let launched = MPIEnvironment.launchedSize
        guard requested || (launched ?? 1) > 1 else { return nil }
        do {
            let communicator = try MPICommunicator.start(timeout: timeout)
            communicator.timeout = timeout
            return communicator
        } catch let error as DistributedError {
            let how = requested ? "--distributed was given" : "this process was started by an MPI launcher with \(launched ?? 0) processes"
            throw CLIError.failed("\(how), but MPI cannot be used: \(error)")
        }
    }

    /// Threads per rank when the settings leave the default (every core): Slurm's
    /// `--cpus-per-task` when given, else the machine's cores shared among the ranks on it, so
    /// that N ranks on one machine do not oversubscribe it.
    static func threadsPerRank(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        MPIEnvironment.slurmCPUsPerTask ?? max(1, cores / MPIEnvironment.localRanks)
    }
}
