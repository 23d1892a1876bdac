import ArgumentParser
import Foundation
import Latent

/// `latent inspect RUN`: what a checkpoint holds — settings, parameters, training position, metrics.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show a checkpoint's settings, parameters and metrics.")

    @Argument(help: "A run folder or a .safetensors checkpoint.")
    var path: String

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let console = outputOptions.console()
        let url = try RunFolder.checkpoint(for: path)
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(contentsOf: url) } catch { throw CLIError.failed("\(url.path) is not a readable checkpoint: \(error)") }
        let metadata = file.metadata
        let names = file.names.sorted()
        let parameters = names.filter { !$0.hasPrefix(Checkpoint.optimizerPrefix) }
        let counts = parameters.map { name in file.entries[name]!.shape.reduce(1, *) }
        let summary = RunFolder.containing(checkpoint: url).flatMap { try? String(contentsOf: $0.summary, encoding: .utf8) }
        let training = metadata.filter { $0.key.hasPrefix("trainer.") }
        console.json(["event": "inspect", "checkpoint": url.path,
                      "settings": (try? JSONSerialization.jsonObject(with: Data((metadata[RunModel.settingsKey] ?? "{}").utf8))) ?? [:],
                      "trainer": training, "parameters": Dictionary(uniqueKeysWithValues: zip(parameters, parameters.map { file.entries[$0]!.shape })),
                      "parameter_count": counts.reduce(0, +),
                      "summary": summary.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }.map(MetricNames.currentKeys) ?? [:]])
        console.result("checkpoint \(url.path)")
        if let settings = metadata[RunModel.settingsKey] { console.result("settings:\n" + settings) }
        let history = training["trainer.history"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } ?? []
        console.result("training: " + training.keys.sorted().filter { $0 != "trainer.history" || history.isEmpty }
            .map { "\($0.dropFirst(8)) \(Double(training[$0]!).map { NumberText.short($0) } ?? training[$0]!)" }.joined(separator: ", "))
        for record in history {
            guard let object = try? JSONSerialization.jsonObject(with: Data(record.utf8)) else { continue }
            console.result("  " + NumberText.fields(MetricNames.currentKeys(object)).joined(separator: ", "))
        }
        console.result("parameters (\(counts.reduce(0, +)) values in \(parameters.count) tensors):")
        for (name, count) in zip(parameters, counts) {
            console.result("  \(name.padding(toLength: 48, withPad: " ", startingAt: 0)) \(file.entries[name]!.shape)  \(count)")
        }
        let optimizerTensors = names.count - parameters.count
        if optimizerTensors > 0 { console.result("optimizer state: \(optimizerTensors) tensors") }
        if let summary = summary {
            // Runs written before the names were unified say `bitsPerDim`: shown under today's names.
            let object = (try? JSONSerialization.jsonObject(with: Data(summary.utf8))).map(MetricNames.currentKeys)
            console.result("summary: " + (object.map { NumberText.fields($0).joined(separator: ", ") } ?? summary.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }
}
