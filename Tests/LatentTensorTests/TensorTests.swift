import XCTest
import LatentTensor

final class TensorTests: XCTestCase {
    func testCreation() {
        XCTAssertEqual(Tensor.zeros([2, 3]).scalars, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Tensor.full([2], 7).scalars, [7, 7])
        XCTAssertEqual(Tensor.arange(0, 5).scalars, [0, 1, 2, 3, 4])
        XCTAssertEqual(Tensor.arange(1, 2, step: 0.25).scalars, [1, 1.25, 1.5, 1.75])
        XCTAssertEqual(Tensor.linspace(0, 1, count: 5).scalars, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(Tensor.eye(2).scalars, [1, 0, 0, 1])
        XCTAssertEqual(Tensor(3).shape, [])
        XCTAssertEqual(Tensor(3).item, 3)
        XCTAssertEqual(Tensor([[1, 2], [3, 4]])[1, 0], 3)
        XCTAssertEqual(Tensor([[1, 2], [3, 4]])[-1, -1], 4)
    }

    func testDescriptionIsReadable() {
        XCTAssertEqual(Tensor([[1, 2], [3, 4.5]]).description, "Tensor([[1., 2.],\n        [3., 4.5]], shape: [2, 2])")
        XCTAssertEqual(Tensor(2).description, "Tensor(2., shape: [])")
        let long = Tensor.arange(0, 2000).description
        XCTAssertTrue(long.contains("[0., 1., 2., …, 1997., 1998., 1999.]"), long)
        XCTAssertTrue(Tensor([1]).requiringGrad().description.hasSuffix("requiresGrad)"))
    }
}
