import ArgumentParser
import Foundation
import LatentDistributed

/// The `latent` command: train, evaluate, sample and explore latent-variable models.
public struct LatentCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Latent-variable generative models (VAEs, conditional VAEs, normalizing flows) on the CPU.",
        discussion: """
            Start with `latent demo`. Train with `latent train <model> --data <dataset>`; every other command reads the \
            run folder (or checkpoint) that training writes.
            """,
        version: LatentVersion.current,
        subcommands: [DemoCommand.self, TrainCommand.self, EvalCommand.self, SampleCommand.self, ReconstructCommand.self,
                      InterpolateCommand.self, TraverseCommand.self, DensityCommand.self, InspectCommand.self,
                      DatasetsCommand.self, BenchCommand.self, ImportCommand.self, ExportCommand.self])

    public init() {}

    /// Parses the arguments, runs the command, and exits with a conventional code: 0 on success,
    /// 1 when the work failed, 64 on wrong usage, 128 + n after signal n stopped training. Every
    /// error is one line on standard error starting with `error:`; with `--json` it is also one
    /// JSON object on standard output (`{"event": "error", "message": …, "exit_code": …}`).
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        let words = arguments ?? Array(CommandLine.arguments.dropFirst())
        let json = words.contains("--json")
        do {
            let names = configuration.subcommands.map { $0._commandName } + ["help"]
            if let first = words.first, !first.hasPrefix("-"), !names.contains(first) {
                throw CLIError.unknown(what: "command", name: first, valid: names.filter { $0 != "help" })
            }
            // ArgumentParser answers --help before `train` sees its model word; per-model help is ours.
            if let request = TrainCommand.modelHelpRequest(words) {
                print(try TrainCommand.modelHelp(request.model, data: request.data))
                Foundation.exit(0)
            }
            var command = try parseAsRoot(words)
            try command.run()
            MPICommunicator.current?.finish()
            Foundation.exit(0)
        } catch let error as CLIError {
            fail(error.description, code: error.exitCode, json: json)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help, --version
            let lines = fullMessage(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            var message = lines.first.map { $0.hasPrefix("Error: ") ? String($0.dropFirst(7)) : $0 } ?? "\(error)"
            if let help = lines.first(where: { $0.hasPrefix("See '") }) { message += " (\(help.prefix(1).lowercased() + help.dropFirst()))" }
            fail(message, code: code.rawValue, json: json)
        }
    }

    /// Writes `message` as one line (and a JSON line with `json`) and exits with `code`.
    static func fail(_ message: String, code: Int32, json: Bool) -> Never {
        // One line, whatever the message quotes (a corrupt file's bytes may hold CR, NUL, ESC…).
        let line = String(String.UnicodeScalarView(message.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if json {
            print(Console.jsonLine(["event": "error", "message": line, "exit_code": Int(code)]))
            fflush(stdout)
        }
        if let group = MPICommunicator.current, group.size > 1 {
            // Interrupted: every rank stopped at the same step, after rank 0's checkpoint, and
            // rank 0 says so. Any other failure may have left ranks waiting: end the whole job.
            if code == 130 || code == 143 {
                if group.rank == 0 { FileHandle.standardError.write(Data("error: \(line)\n".utf8)) }
                group.finish()
                Foundation.exit(code)
            }
            FileHandle.standardError.write(Data("error: rank \(group.rank) of \(group.size): \(line)\n".utf8))
            group.abort(code: code)
        }
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        Foundation.exit(code)
    }
}
