import XCTest
import LatentTensor
import LatentNN

/// The causal mask of `MaskedConv2d`: its values, its effect on the forward pass, and gradients
/// against finite differences (masked taps get exactly zero).
final class MaskedConv2dTests: XCTestCase {
    func testMaskValuesForBothTypes() {
        XCTAssertEqual(MaskedConv2d.maskValues(kernelSize: 3, type: .a), [1, 1, 1, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(MaskedConv2d.maskValues(kernelSize: 3, type: .b), [1, 1, 1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(MaskedConv2d.maskValues(kernelSize: 5, type: .a).reduce(0, +), 12)
        XCTAssertEqual(MaskedConv2d.maskValues(kernelSize: 1, type: .a), [0])
        XCTAssertEqual(MaskedConv2d.maskValues(kernelSize: 1, type: .b), [1])
    }

    func testForwardEqualsConvolutionWithZeroedTaps() {
        let g = RandomGenerator(seed: 3)
        let conv = MaskedConv2d(2, 3, kernelSize: 3, maskType: .a, generator: g)
        let x = Tensor.randn([2, 2, 4, 5], generator: g)
        var w = conv.weight.value.scalars
        let mask = MaskedConv2d.maskValues(kernelSize: 3, type: .a)
        for i in w.indices { w[i] *= mask[i % 9] }
        let expected = x.conv2d(weight: Tensor(shape: [3, 2, 3, 3], scalars: w), bias: conv.bias!.value, padding: 1)
        XCTAssertEqual(conv(x).shape, [2, 3, 4, 5])
        XCTAssertTrue(conv(x).isClose(to: expected))
    }

    func testGradientsMatchFiniteDifferencesAndMaskedTapsGetNone() {
        let g = RandomGenerator(seed: 4)
        for type in [MaskedConv2d.MaskType.a, .b] {
            let conv = MaskedConv2d(2, 3, kernelSize: 3, maskType: type, generator: g)
            let x = Tensor.randn([2, 2, 3, 4], generator: g)
            let params = conv.parameters()
            let r = gradcheck([x] + params.map(\.value)) { xs in
                let saved = params.map(\.value)
                for (p, v) in zip(params, xs.dropFirst()) { p.value = v }
                defer { for (p, s) in zip(params, saved) { p.value = s } }
                return conv(xs[0])
            }
            XCTAssertTrue(r.passed, "type \(type): \(r.description)")
            conv.zeroGrad()
            (conv(x) * Tensor.randn([2, 3, 3, 4], generator: g)).sum().backward()
            let grad = conv.weight.grad!.scalars, mask = MaskedConv2d.maskValues(kernelSize: 3, type: type)
            for i in grad.indices where mask[i % 9] == 0 { XCTAssertEqual(grad[i], 0, "masked tap \(i % 9) of type \(type)") }
            XCTAssertTrue(grad.indices.contains { mask[$0 % 9] == 1 && grad[$0] != 0 })
        }
    }
}
