import Latent
import Foundation

/// The `latent` command. For now it has the engine demo; training commands for the model
/// families arrive with their issues.
let usage = """
usage: latent demo [--seed N] [--epochs N]
  demo    train a small MLP classifier (Module + Adam) and report its accuracy
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
    var seed: UInt64 = 0, epochs = 30
    var rest = args[...]
    while let arg = rest.popFirst() {
        switch arg {
        case "--seed":
            guard let v = rest.popFirst(), let s = UInt64(v) else { fail("--seed needs a non-negative integer") }
            seed = s
        case "--epochs":
            guard let v = rest.popFirst(), let e = Int(v), e >= 1 else { fail("--epochs needs a positive integer") }
            epochs = e
        default:
            fail("unknown option '\(arg)' for demo")
        }
    }
    exit(Demo.run(seed: seed, epochs: epochs))
case "-h", "--help", "help":
    print(usage)
default:
    fail("unknown command '\(command)'")
}
