/// Checks a caller's input and stops with `message` when it is wrong.
///
/// Unlike `precondition`, whose message is dropped in optimized builds, this always prints the
/// message (op, shapes, what was expected) — release builds are what users run.
/// Public so that model code (layers, distributions) reports bad input the same way.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
