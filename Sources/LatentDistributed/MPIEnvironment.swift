import Foundation

/// What the environment says about an MPI launch: `mpirun`/`mpiexec` (Open MPI, MPICH's Hydra)
/// and Slurm's `srun` set these variables in every process they start.
public enum MPIEnvironment {
    /// The world size announced by the launcher, or nil when this process was not started by one.
    /// Under Slurm's PMI/PMIx (`srun --mpi=pmix`), which need not export a size, it is
    /// `SLURM_NTASKS` (or 2 when even that is missing: MPI itself then gives the true size).
    public static var launchedSize: Int? {
        let environment = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"] {
            if let value = environment[key].flatMap(Int.init), value >= 1 { return value }
        }
        if environment["PMIX_RANK"] != nil || environment["PMI_RANK"] != nil {
            return environment["SLURM_NTASKS"].flatMap(Int.init) ?? 2
        }
        return nil
    }

    /// Ranks on this machine (to share its cores among them), 1 when unknown.
    public static var localRanks: Int {
        let environment = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"] {
            if let value = environment[key].flatMap(Int.init), value >= 1 { return value }
        }
        return 1
    }
}
