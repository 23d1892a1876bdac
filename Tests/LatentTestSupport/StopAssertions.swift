import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared by every test target (a library target only tests depend on).
///
/// Runs `body` in a forked child process and asserts that it stops with a message containing
/// every string in `fragments`. This is how the tests check the library's bad-input messages,
/// which end the process by design.
public func assertStops(withMessageContaining fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ body: @escaping () -> Void) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return XCTFail("pipe failed", file: file, line: line) }
    fflush(stdout); fflush(stderr)
    let pid = fork()
    if pid == 0 {
        close(fds[0])
        dup2(fds[1], 2)
        body()
        _exit(0)
    }
    close(fds[1])
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fds[0], &buffer, buffer.count)
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let text = String(decoding: output, as: UTF8.self)
    let exitedNormally = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
    XCTAssertFalse(exitedNormally, "expected the call to stop, but it returned", file: file, line: line)
    for f in fragments {
        XCTAssertTrue(text.contains(f), "message lacks '\(f)':\n\(text.prefix(600))", file: file, line: line)
    }
}

/// `assertStops` for a single expected fragment.
public func assertStops(mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line,
                        _ body: @escaping () -> Void) {
    assertStops(withMessageContaining: [fragment], file: file, line: line, body)
}
