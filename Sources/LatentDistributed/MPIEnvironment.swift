import Foundation

/// What the environment says about an MPI launch: `mpirun`/`mpiexec` (Open MPI, MPICH's Hydra)
/// and Slurm's `srun` set these variables in every process they start.
public enum MPIEnvironment {
    /// The world size announced by the launcher, or nil when this process was not started by one.
    public static var launchedSize: Int? {
        let environment = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"] {
            if let value = environment[key].flatMap(Int.init), value >= 1 { return value }
        }
        if environment["PMIX_RANK"] != nil { return 1 }
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
