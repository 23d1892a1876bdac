import ArgumentParser
import Foundation
import Latent

/// `latent export RUN_DIR|CHECKPOINT --output FILE.safetensors [--layout pytorch|latent]`: the model's
/// weights as a state dict of its PyTorch reference module (docs/INTEROP.md), for `load_state_dict`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's weights as a PyTorch-style state dict (.safetensors).",
        discussion: """
            --layout pytorch (the default) names and arranges the tensors as the state_dict of the model's \
            reference PyTorch module (docs/INTEROP.md); --layout latent keeps Latent's names. Only weights and \
            buffers are written (no optimizer state), with metadata naming the model, the layout and the run's \
            settings. `--show-layout` prints the name mapping instead.
            """)

    @Argument(help: "A run folder written by `latent train` or `latent import` (its best checkpoint is used) or a .safetensors checkpoint.")
    var checkpoint: String

    @Option(name: .long, help: "The state dict file to write.")
    var output: String?

    @Option(name: .long, help: "Tensor names: pytorch (the reference module's state_dict) or latent (Latent's own).")
    var layout: String = "pytorch"

    @Flag(name: .long, help: "Print every PyTorch name with its shape and the Latent tensor it comes from, and write nothing.")
    var showLayout = false

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let console = outputOptions.console()
        guard ["pytorch", "latent"].contains(layout) else {
            throw CLIError.unknown(what: "layout", name: layout, valid: ["pytorch", "latent"])
        }
        guard showLayout || output != nil else { throw CLIError.usage("name the file to write with --output FILE.safetensors (or pass --show-layout)") }
        let url = try RunFolder.checkpoint(for: checkpoint)
        let (model, settings, _) = try RunModel.load(checkpoint: url)
        let chosen = layout == "pytorch" ? PyTorchLayout.standard(for: model.module) : PyTorchLayout.latentNames(of: model.module)
        if showLayout {
            console.json(["event": "layout", "layout": chosen.name, "tensors": chosen.rules.flatMap { rule in
                rule.parts.map { ["name": $0.name, "shape": $0.shape, "latent": rule.latentName, "scale": Double($0.scale), "optional": rule.optional] as [String: Any] }
            }])
            console.result("\(chosen.name) layout of \(settings.model.rawValue) (PyTorch name  shape  ← Latent tensor):")
            for rule in chosen.rules {
                var start = 0
                let rowSize = max(1, rule.latentShape.dropFirst().reduce(1, *))
                for part in rule.parts {
                    var source = rule.latentName
                    if rule.parts.count > 1 { source += " rows \(start / rowSize)..<\((start + part.count) / rowSize)" }
                    if part.scale != 1 { source += " = \(NumberText.short(Double(part.scale))) × PyTorch" }
                    if rule.optional { source += " (optional)" }
                    console.result("  \(part.name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(describing: part.shape).padding(toLength: 14, withPad: " ", startingAt: 0)) ← \(source)")
                    start += part.count
                }
            }
            return
        }
        let destination = URL(fileURLWithPath: output!)
        let metadata = ["format": "pt", "latent.model": settings.model.rawValue, "latent.layout": chosen.name,
                        RunModel.settingsKey: settings.json(), RunModel.configurationKey: try model.configurationJSON(),
                        "latent.exported_from": url.path]
        let tensors = chosen.torchTensors(of: model.module)
        do { try SafeTensors.write(tensors, metadata: metadata, to: destination) } catch {
            throw CLIError.failed("cannot write \(destination.path): \(error)")
        }
        console.json(["event": "export", "checkpoint": url.path, "layout": chosen.name, "tensors": tensors.count, "output": destination.path])
        console.result("exported \(tensors.count) tensors of \(url.path) (\(chosen.name) layout) → \(destination.path)")
    }
}
