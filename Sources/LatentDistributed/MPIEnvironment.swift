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

    /// Ranks on this machine (to share its cores among them), 1 when unknown: Open MPI's and
    /// MPICH's local size, else Slurm's tasks on this node of the step.
    public static var localRanks: Int {
        let environment = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"] {
            if let value = environment[key].flatMap(Int.init), value >= 1 { return value }
        }
        if let text = environment["SLURM_STEP_TASKS_PER_NODE"] ?? environment["SLURM_TASKS_PER_NODE"],
           let perNode = slurmTasksPerNode(text), !perNode.isEmpty {
            let node = environment["SLURM_NODEID"].flatMap(Int.init) ?? 0
            return perNode[perNode.indices.contains(node) ? node : 0]
        }
        return environment["SLURM_NTASKS_PER_NODE"].flatMap(Int.init).map { Swift.max($0, 1) } ?? 1
    }

    /// Threads Slurm gave each task (`--cpus-per-task`), if it says.
    public static var slurmCPUsPerTask: Int? {
        ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init).flatMap { $0 >= 1 ? $0 : nil }
    }

    /// Slurm started several copies of this program without MPI's process management (`srun`
    /// without `--mpi=pmix` where the cluster's default is none): each copy would train alone and
    /// they would all write the same run folder. The number of copies, or nil.
    public static var unmanagedSlurmCopies: Int? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["SLURM_PROCID"] != nil, launchedSize == nil,
              let tasks = (environment["SLURM_STEP_NUM_TASKS"] ?? environment["SLURM_NTASKS"]).flatMap(Int.init), tasks > 1 else { return nil }
        return tasks
    }

    /// The per-node task counts of Slurm's compressed form: `4(x2),3` is [4, 4, 3].
    public static func slurmTasksPerNode(_ text: String) -> [Int]? {
        var counts: [Int] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "(")
            guard let count = Int(pieces[0]), count >= 1 else { return nil }
            var repeats = 1
            if pieces.count == 2 {
                guard pieces[1].hasPrefix("x"), pieces[1].hasSuffix(")"),
                      let r = Int(pieces[1].dropFirst().dropLast()), r >= 1, r <= 100_000 else { return nil }
                repeats = r
            } else if pieces.count > 2 { return nil }
            counts += Array(repeating: count, count: repeats)
        }
        return counts
    }
}
