import Latent
import Foundation

/// The `latent` command. For now it has the demo; training commands for the model
/// families arrive with their issues.
let usage = """
usage: latent demo [--seed N] [--epochs N] [--flow-steps N] [--output DIR]
  demo    train a small MLP classifier (Module + Adam) and a RealNVP flow on two moons,
          report accuracy and test NLL, and write the flow's density to DIR (default latent-demo/)
"""

var args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else {
    print(usage)
    exit(2)
}
args.removeFirst()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write("error: \(message)\n\(usage)\n".data(using: .utf8)!)
    exit(2)
}

switch command {
case "demo":
    var seed: UInt64 = 0, epochs = 30, flowSteps = 1500
    var output = URL(fileURLWithPath: "latent-demo")
    var rest = args[...]
    while let arg = rest.popFirst() {
        switch arg {
        case "--seed":
            guard let v = rest.popFirst(), let s = UInt64(v) else { fail("--seed needs a non-negative integer") }
            seed = s
        case "--flow-steps":
            guard let v = rest.popFirst(), let n = Int(v), n >= 1 else { fail("--flow-steps needs a positive integer") }
            flowSteps = n
        case "--output":
            guard let v = rest.popFirst() else { fail("--output needs a directory") }
            output = URL(fileURLWithPath: v)
        case "--epochs":
            guard let v = rest.popFirst(), let e = Int(v), e >= 1 else { fail("--epochs needs a positive integer") }
            epochs = e
        default:
            fail("unknown option '\(arg)' for demo")
        }
    }
    let classifier = ClassifierDemo.run(seed: seed, epochs: epochs)
    print("")
    let flow = FlowDemo.run(seed: seed, steps: flowSteps, outputDirectory: output)
    exit(classifier == 0 && flow == 0 ? 0 : 1)
case "-h", "--help", "help":
    print(usage)
default:
    fail("unknown command '\(command)'")
}
