/// The serialized `Event` messages of an event file (tensorboard/compat/proto/event.proto):
/// wall_time = 1 (double, seconds since 1970), step = 2 (int64), then one of
/// file_version = 3 or summary = 5 (a `Summary` whose repeated `value` is field 1).
enum TensorBoardEvent {
    /// The version string TensorBoard expects in the first event of every file.
    static let fileVersion = "brain.Event:2"

    /// The first event of a file, announcing its format.
    static func header(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, fileVersion)
        return event.bytes
    }

    /// An event carrying `values` at training step `step`.
    static func summary(_ values: [SummaryValue], step: Int, wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, Int64(step))
        event.message(5) { summary in
            for value in values {
                summary.message(1) { value.encode(into: &$0) }
            }
        }
        return event.bytes
    }
}
