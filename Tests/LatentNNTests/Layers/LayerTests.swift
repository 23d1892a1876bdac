import XCTest
import LatentTensor
import LatentNN

/// Forward values computed by hand (or by the independently tested tensor ops), and gradients by
/// finite differences through each layer's parameters and input.
final class LayerTests: XCTestCase {
    func assertGrad(_ layer: Module & Layer, input: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        let params = layer.parameters()
        let r = gradcheck([input] + params.map(\.value)) { xs in
            let saved = params.map(\.value)
            for (p, x) in zip(params, xs.dropFirst()) { p.value = x }
            defer { for (p, s) in zip(params, saved) { p.value = s } }
            return layer(xs[0])
        }
        XCTAssertTrue(r.passed, r.description, file: file, line: line)
    }

    func testLinearHandComputed() {
        let l = Linear(2, 2)
        l.weight.value = Tensor([[1, 2], [3, 4]])
        l.bias!.value = Tensor([0.5, -1])
        XCTAssertEqual(l(Tensor([[1, 1], [2, 0]])).scalars, [3.5, 6, 2.5, 5])
        assertGrad(Linear(3, 2, generator: RandomGenerator(seed: 1)), input: Tensor.randn([4, 3], generator: RandomGenerator(seed: 2)))
    }

    func testConvLayersMatchOps() {
        let g = RandomGenerator(seed: 3)
        let conv = Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, generator: g)
        let x = Tensor.randn([2, 2, 5, 5], generator: g)
        XCTAssertEqual(conv(x).shape, [2, 3, 3, 3])
        XCTAssertTrue(conv(x).isClose(to: x.conv2d(weight: conv.weight.value, bias: conv.bias!.value, stride: 2, padding: 1)))
        assertGrad(conv, input: x)
        let up = ConvTranspose2d(3, 2, kernelSize: 4, stride: 2, padding: 1, generator: g)
        let h = Tensor.randn([1, 3, 3, 3], generator: g)
        XCTAssertEqual(up(h).shape, [1, 2, 6, 6])
        assertGrad(up, input: h)
        // All-ones 1×1 kernel: a transposed conv with stride 2 spreads each pixel to every other output.
        let spread = ConvTranspose2d(1, 1, kernelSize: 1, stride: 2, bias: false)
        spread.weight.value = Tensor.ones([1, 1, 1, 1])
        XCTAssertEqual(spread(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])).scalars, [1, 0, 2, 0, 0, 0, 3, 0, 4])
    }

    func testActivationsFlattenReshapeSequentialResidual() {
        let x = Tensor([[-1, 2]])
        XCTAssertEqual(Activation.relu(x).scalars, [0, 2])
        XCTAssertEqual(Activation(.leakyRelu(negativeSlope: 0.5))(x).scalars, [-0.5, 2])
        XCTAssertEqual(Flatten()(Tensor.zeros([2, 3, 4, 5])).shape, [2, 60])
        XCTAssertEqual(Reshape([3, -1])(Tensor.zeros([2, 12])).shape, [2, 3, 4])
        let seq = Sequential(Linear(2, 3), Activation.tanh, Linear(3, 1))
        XCTAssertEqual(seq(x).shape, [1, 1])
        assertGrad(seq, input: Tensor.randn([5, 2], generator: RandomGenerator(seed: 4)))
        let res = Residual(Linear(2, 2))
        let lin = res.body as! Linear
        XCTAssertTrue(res(x).isClose(to: lin(x) + x))
        assertGrad(Residual(Sequential(Linear(3, 3), Activation.gelu)), input: Tensor.randn([2, 3], generator: RandomGenerator(seed: 5)))
    }

    func testDropout() {
        let d = Dropout(0.25, generator: RandomGenerator(seed: 6))
        let y = d(Tensor.ones([100_000]))
        let zeros = y.scalars.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros) / 100_000, 0.25, accuracy: 0.01)
        XCTAssertTrue(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        d.eval()
        XCTAssertEqual(d(Tensor([1, 2])).scalars, [1, 2])
    }

    func testBatchNormHandComputed() {
        let bn = BatchNorm1d(2)
        let y = bn(Tensor([[1, 2], [3, 4]]))
        let s = 1 / (1 + Float(1e-5)).squareRoot()
        XCTAssertTrue(y.isClose(to: Tensor([[-s, -s], [s, s]])), "\(y)")
        XCTAssertTrue(bn.runningMean.value.isClose(to: Tensor([0.2, 0.3])))
        XCTAssertTrue(bn.runningVar.value.isClose(to: Tensor([1.1, 1.1])), "unbiased batch variance 2 enters the running estimate")
        XCTAssertEqual(bn.batchesTracked.value.scalars, [1])
        bn.eval()
        let e = bn(Tensor([[0.2, 0.3]]))
        XCTAssertTrue(e.isClose(to: Tensor([[0, 0]]), atol: 1e-6))
        let bn2 = BatchNorm2d(3)
        let img = Tensor.randn([4, 3, 2, 2], generator: RandomGenerator(seed: 7))
        let out = bn2(img)
        XCTAssertTrue(out.mean(axes: [0, 2, 3]).isClose(to: Tensor.zeros([3]), atol: 1e-5))
        assertGrad(BatchNorm2d(3), input: img)
        assertGrad(BatchNorm1d(2), input: Tensor.randn([5, 2, 3], generator: RandomGenerator(seed: 8)))
    }

    func testLayerNormHandComputed() {
        let ln = LayerNorm([3])
        let y = ln(Tensor([[1, 2, 3]]))
        let s = 1 / (2 / 3 + Float(1e-5)).squareRoot()
        XCTAssertTrue(y.isClose(to: Tensor([[-s, 0, s]])), "\(y)")
        ln.weight!.value = Tensor([1, 2, 3])
        ln.bias!.value = Tensor([0, 1, 0])
        assertGrad(ln, input: Tensor.randn([4, 3], generator: RandomGenerator(seed: 9)))
        assertGrad(LayerNorm([2, 3]), input: Tensor.randn([2, 2, 3], generator: RandomGenerator(seed: 10)))
    }
}
