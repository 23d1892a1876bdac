import Foundation

/// Writes a TensorBoard event file, so `tensorboard --logdir <directory>` charts a run's losses,
/// shows its sample grids and its notes without any TensorFlow or Python code in the run.
///
/// The file is a sequence of TFRecord-framed `Event` protocol buffers; the first one carries
/// `file_version = "brain.Event:2"`. Every `add…` call encodes one event and appends it to the
/// file with a single `write`, so a crash can only cut short the record being written — TensorBoard
/// reads everything before it. The file is closed by `close()` or when the writer is released.
/// Use one writer from one thread at a time.
public final class TensorBoardWriter {
    /// The event file, `<directory>/events.out.tfevents.<unix seconds>.<hostname>` (the pattern
    /// TensorBoard looks for); a numeric suffix is added if another writer took that name.
    public let url: URL
    private var handle: FileHandle?

    /// Creates `directory` if needed and a new event file in it, and writes the file-version event.
    /// Throws a `VizError` naming the path if either cannot be created.
    public init(directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw VizError("TensorBoardWriter: cannot create the log directory \(directory.path): \(error.localizedDescription)")
        }
        let wallTime = Date().timeIntervalSince1970
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        let base = "events.out.tfevents.\(Int(wallTime)).\(host.isEmpty ? "localhost" : host)"
        (url, handle) = try Self.createExclusively(base, in: directory)
        try append(TensorBoardEvent.header(wallTime: wallTime), what: "the file-version event")
    }

    /// Records `value` for the chart `tag` (e.g. `"loss/train"`) at training step `step`.
    /// TensorBoard stores scalars as float32. `wallTime` is seconds since 1970, now by default.
    public func addScalar(_ tag: String, value: Double, step: Int, wallTime: Double? = nil) throws {
        try checkTag(tag)
        try addEvent([.scalar(tag: tag, value: Float(value))], step: step, wallTime: wallTime,
                     what: "scalar \(tag) at step \(step)")
    }

    /// Records several scalars at one step in one event, in sorted tag order (nothing if `values`
    /// is empty).
    public func addScalars(_ values: [String: Double], step: Int) throws {
        guard !values.isEmpty else { return }
        let sorted = values.sorted { $0.key < $1.key }
        for (tag, _) in sorted { try checkTag(tag) }
        try addEvent(sorted.map { .scalar(tag: $0.key, value: Float($0.value)) }, step: step, wallTime: nil,
                     what: "\(values.count) scalars at step \(step)")
    }

    /// Records `image` under `tag` at `step`, stored as an RGB PNG (colorspace 3) in the Images tab.
    public func addImage(_ tag: String, image: RGBImage, step: Int) throws {
        try checkTag(tag)
        let png = PNG.encode(image, grayWhenPossible: false)
        try addEvent([.image(tag: tag, width: image.width, height: image.height, colorspace: 3, encoded: png)],
                     step: step, wallTime: nil, what: "image \(tag) at step \(step)")
    }

    /// Records `text` (rendered as Markdown by TensorBoard's Text tab) under `tag` at `step`,
    /// e.g. the run's configuration.
    public func addText(_ tag: String, text: String, step: Int) throws {
        try checkTag(tag)
        try addEvent([.text(tag: tag, text: text)], step: step, wallTime: nil, what: "text \(tag) at step \(step)")
    }

    /// Forces the events written so far onto the disk (`fsync`); each event already reached the
    /// operating system when it was added.
    public func flush() throws {
        guard let handle else { return }
        do {
            try handle.synchronize()
        } catch {
            throw VizError("TensorBoardWriter: cannot flush \(url.path): \(error.localizedDescription)")
        }
    }

    /// Flushes and closes the file; adding events afterwards throws. Closing twice is harmless.
    public func close() throws {
        guard let open = handle else { return }
        handle = nil
        do {
            try open.synchronize()
            try open.close()
        } catch {
            throw VizError("TensorBoardWriter: cannot close \(url.path): \(error.localizedDescription)")
        }
    }

    private func addEvent(_ values: [SummaryValue], step: Int, wallTime: Double?, what: String) throws {
        let event = TensorBoardEvent.summary(values, step: step, wallTime: wallTime ?? Date().timeIntervalSince1970)
        try append(event, what: what)
    }

    /// Frames `event` as a TFRecord and appends it with one write.
    private func append(_ event: [UInt8], what: String) throws {
        guard let handle else {
            throw VizError("TensorBoardWriter: cannot add \(what): \(url.path) is already closed")
        }
        do {
            try handle.write(contentsOf: TFRecord.frame(event))
        } catch {
            throw VizError("TensorBoardWriter: cannot append \(what) to \(url.path): \(error.localizedDescription)")
        }
    }

    private func checkTag(_ tag: String) throws {
        guard !tag.isEmpty else {
            throw VizError("TensorBoardWriter: empty tag in \(url.path); expected a name such as \"loss/train\"")
        }
    }

    /// Creates `name` (or `name.1`, `name.2`, … if taken) in `directory`, failing rather than
    /// appending to another writer's file.
    private static func createExclusively(_ name: String, in directory: URL) throws -> (URL, FileHandle) {
        for attempt in 0..<100 {
            let url = directory.appendingPathComponent(attempt == 0 ? name : "\(name).\(attempt)")
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o644)
            if descriptor >= 0 { return (url, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)) }
            guard errno == EEXIST else {
                throw VizError("TensorBoardWriter: cannot create \(url.path): \(String(cString: strerror(errno)))")
            }
        }
        throw VizError("TensorBoardWriter: \(directory.path) already holds 100 event files named \(name)…; use another directory")
    }
}
