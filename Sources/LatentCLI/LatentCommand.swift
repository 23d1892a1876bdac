import ArgumentParser
import Foundation

/// The `latent` command: train, evaluate, sample and explore latent-variable models.
public struct LatentCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Latent-variable generative models (VAEs, conditional VAEs, normalizing flows) on the CPU.",
        discussion: """
            Start with `latent demo`. Train with `latent train <model> --data <dataset>`; every other command reads the \
            run folder (or checkpoint) that training writes.
            """,
        subcommands: [DemoCommand.self, TrainCommand.self, EvalCommand.self, SampleCommand.self, ReconstructCommand.self,
                      InterpolateCommand.self, TraverseCommand.self, DensityCommand.self, InspectCommand.self,
                      DatasetsCommand.self, BenchCommand.self])

    public init() {}

    /// Parses the arguments, runs the command, and exits with a conventional code: 0 on success,
    /// 1 when the work failed, 64 on wrong usage; messages go to standard error.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
