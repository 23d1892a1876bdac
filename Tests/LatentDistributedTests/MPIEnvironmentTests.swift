import Foundation
import XCTest
import LatentDistributed

/// What the launcher's environment tells `latent train`: the world size, the ranks per machine,
/// and Slurm copies started without MPI's process management.
final class MPIEnvironmentTests: XCTestCase {
    private let keys = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "PMIX_RANK", "PMI_RANK", "SLURM_NTASKS", "SLURM_PROCID",
                        "SLURM_STEP_NUM_TASKS", "SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE", "SLURM_NODEID",
                        "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"]

    /// Runs `body` with exactly `variables` of `keys` set, restoring the environment afterwards.
    private func with(_ variables: [String: String], _ body: () -> Void) {
        let saved = keys.map { ($0, getenv($0).map { String(cString: $0) }) }
        for key in keys { unsetenv(key) }
        for (key, value) in variables { setenv(key, value, 1) }
        body()
        for (key, value) in saved { if let value { setenv(key, value, 1) } else { unsetenv(key) } }
    }

    func testSlurmsCompressedTasksPerNode() {
        XCTAssertEqual(MPIEnvironment.slurmTasksPerNode("4(x2),3"), [4, 4, 3])
        XCTAssertEqual(MPIEnvironment.slurmTasksPerNode("2"), [2])
        XCTAssertNil(MPIEnvironment.slurmTasksPerNode("4(2)"))
        XCTAssertNil(MPIEnvironment.slurmTasksPerNode("x"))
        XCTAssertNil(MPIEnvironment.slurmTasksPerNode("0"))
    }

    func testLaunchersAreRecognized() {
        with([:]) { XCTAssertNil(MPIEnvironment.launchedSize); XCTAssertEqual(MPIEnvironment.localRanks, 1) }
        with(["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]) {
            XCTAssertEqual(MPIEnvironment.launchedSize, 4)
            XCTAssertEqual(MPIEnvironment.localRanks, 2)
        }
        // srun --mpi=pmix exports a rank but no size: Slurm's task count stands in.
        with(["PMIX_RANK": "1", "SLURM_NTASKS": "8", "SLURM_PROCID": "1", "SLURM_STEP_TASKS_PER_NODE": "4(x2)", "SLURM_NODEID": "1"]) {
            XCTAssertEqual(MPIEnvironment.launchedSize, 8)
            XCTAssertEqual(MPIEnvironment.localRanks, 4)
            XCTAssertNil(MPIEnvironment.unmanagedSlurmCopies)
        }
        // Plain srun -n 3 without PMI: three copies that would each train alone.
        with(["SLURM_NTASKS": "3", "SLURM_PROCID": "0"]) {
            XCTAssertNil(MPIEnvironment.launchedSize)
            XCTAssertEqual(MPIEnvironment.unmanagedSlurmCopies, 3)
        }
        with(["SLURM_NTASKS": "1", "SLURM_PROCID": "0"]) { XCTAssertNil(MPIEnvironment.unmanagedSlurmCopies) }
    }
}
