import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` in a child process (fork) and checks that it stops (a failed `require`) with a message
/// on standard error containing `fragment`: how the tests see the library's bad-input messages.
func assertStops(mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line,
                 _ body: @escaping () -> Void) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return XCTFail("pipe() failed", file: file, line: line) }
    fflush(stdout)
    fflush(stderr)
    let child = fork()
    if child == 0 {
        close(ends[0])
        dup2(ends[1], STDERR_FILENO)
        body()
        _exit(0)
    }
    close(ends[1])
    var captured = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1024)
    while true {
        let n = read(ends[0], &chunk, chunk.count)
        if n <= 0 { break }
        captured += chunk[0..<n]
    }
    close(ends[0])
    var status: Int32 = 0
    waitpid(child, &status, 0)
    let message = String(decoding: captured, as: UTF8.self)
    XCTAssertNotEqual(status, 0, "expected a stop, but the body finished", file: file, line: line)
    XCTAssertTrue(message.contains(fragment), "message \"\(message)\" lacks \"\(fragment)\"", file: file, line: line)
}
