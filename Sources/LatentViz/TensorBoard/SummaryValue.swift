/// One entry of a TensorBoard `Summary`: a tagged scalar, image or text.
///
/// Field numbers follow tensorboard/compat/proto/summary.proto, tensor.proto and
/// tensor_shape.proto: `Summary.Value` has tag = 1, simple_value = 2, image = 4, tensor = 8,
/// metadata = 9; `Summary.Image` has height = 1, width = 2, colorspace = 3,
/// encoded_image_string = 4; `TensorProto` has dtype = 1, tensor_shape = 2, string_val = 8.
enum SummaryValue {
    /// A point on a scalar chart (TensorBoard stores scalars as float32).
    case scalar(tag: String, value: Float)
    /// An encoded picture; `colorspace` 1 is gray, 3 is RGB.
    case image(tag: String, width: Int, height: Int, colorspace: Int, encoded: [UInt8])
    /// Markdown text for the text plugin: a rank-0 string tensor with plugin name "text".
    case text(tag: String, text: String)

    /// `tensorflow.DataType.DT_STRING`.
    private static let stringDataType: Int64 = 7

    /// The serialized `Summary.Value` message.
    func encode(into message: inout ProtobufWriter) {
        switch self {
        case let .scalar(tag, value):
            message.string(1, tag)
            message.float(2, value)
        case let .image(tag, width, height, colorspace, encoded):
            message.string(1, tag)
            message.message(4) { image in
                image.int64(1, Int64(height))
                image.int64(2, Int64(width))
                image.int64(3, Int64(colorspace))
                image.bytes(4, encoded)
            }
        case let .text(tag, text):
            message.string(1, tag)
            message.message(9) { metadata in
                metadata.message(1) { plugin in plugin.string(1, "text") }
            }
            message.message(8) { tensor in
                tensor.int64(1, Self.stringDataType)
                tensor.message(2) { _ in }
                tensor.string(8, text)
            }
        }
    }
}
