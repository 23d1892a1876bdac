import XCTest
import LatentTensor
@testable import LatentData

final class SpritesTests: XCTestCase {
    /// On-pixel count and centroid (column, row) of image `i` of a set.
    private func measure(_ set: SpriteSet, _ i: Int) -> (area: Int, column: Double, row: Double) {
        let image = set.images.indexSelect(axis: 0, indices: [i]).scalars
        var area = 0, sumColumn = 0.0, sumRow = 0.0
        for (k, v) in image.enumerated() where v == 1 {
            area += 1
            sumColumn += Double(k % 64) + 0.5
            sumRow += Double(k / 64) + 0.5
        }
        return (area, sumColumn / Double(max(area, 1)), sumRow / Double(max(area, 1)))
    }

    func testShapesFactorsAndDeterminism() {
        let a = Sprites.random(count: 20, generator: RandomGenerator(seed: 1))
        let b = Sprites.random(count: 20, generator: RandomGenerator(seed: 1))
        XCTAssertEqual(a.images.shape, [20, 1, 64, 64])
        XCTAssertEqual(a.factors.shape, [20, 5])
        XCTAssertEqual(a.factorIndices.shape, [20, 5])
        XCTAssertEqual(a.images.scalars, b.images.scalars)
        XCTAssertTrue(a.images.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        for i in 0..<20 {
            for f in 0..<5 {
                let index = Int(a.factorIndices[i, f])
                XCTAssertTrue((0..<Sprites.factorSizes[f]).contains(index))
                XCTAssertEqual(a.factors[i, f], Sprites.factorValue(f, index: index))
            }
        }
        XCTAssertEqual(a.dataset.labels?.shape, [20, 5])
    }

    func testFactorValueRanges() {
        XCTAssertEqual(Sprites.factorValue(1, index: 0), 0.5)
        XCTAssertEqual(Sprites.factorValue(1, index: 5), 1, accuracy: 1e-6)
        XCTAssertEqual(Sprites.factorValue(2, index: 0), 0)
        XCTAssertEqual(Sprites.factorValue(2, index: 39), 2 * Float.pi, accuracy: 1e-6)  // linspace(0, 2π, 40), as dSprites
        XCTAssertEqual(Sprites.factorValue(3, index: 31), 1)
        XCTAssertEqual(Sprites.factorSizes.reduce(1, *), 737_280)
    }

    /// Pixel areas match the shapes' areas (square 4·h², ellipse π·h·h/2, heart by fine
    /// integration of the same inside-test) within the boundary error, at every scale.
    func testAreasFollowScale() {
        var heartUnits = 0.0
        let steps = 800
        for i in 0..<steps {
            for j in 0..<steps {
                let u = -1.5 + 3 * (Double(i) + 0.5) / Double(steps), v = -1.5 + 3 * (Double(j) + 0.5) / Double(steps)
                if Sprites.contains(.heart, u, v) { heartUnits += 9 / Double(steps * steps) }
            }
        }
        let unitAreas = [4.0, Double.pi / 2, heartUnits]
        for shape in 0..<3 {
            for scale in [0, 5] {
                let set = Sprites.render([[shape, scale, 7, 16, 16]])
                let h = Sprites.unit * Double(Sprites.factorValue(1, index: scale))
                let expected = unitAreas[shape] * h * h
                // Boundary pixels are the only error: at most about the perimeter (< 8h).
                XCTAssertEqual(Double(measure(set, 0).area), expected, accuracy: 8 * h, "shape \(shape) scale \(scale)")
            }
        }
    }

    /// The centroid of a symmetric shape sits at its centre: x moves it right, y down.
    func testPositionFactors() {
        for (xi, yi) in [(0, 0), (31, 0), (0, 31), (15, 20)] {
            let set = Sprites.render([[0, 3, 0, xi, yi], [1, 3, 13, xi, yi]])
            let cx = Sprites.margin + Double(xi) / 31 * (64 - 2 * Sprites.margin)
            let cy = Sprites.margin + Double(yi) / 31 * (64 - 2 * Sprites.margin)
            for i in 0..<2 {
                let m = measure(set, i)
                XCTAssertEqual(m.column, cx, accuracy: 0.5)
                XCTAssertEqual(m.row, cy, accuracy: 0.5)
            }
            // Nothing is clipped at the extremes: the square keeps its area.
            XCTAssertEqual(Double(measure(set, 0).area), 4 * pow(Sprites.unit * 0.8, 2), accuracy: 8 * Sprites.unit * 0.8)
        }
    }

    /// A quarter turn swaps the ellipse's long axis from horizontal to vertical.
    func testRotationFactor() {
        let set = Sprites.render([[1, 5, 0, 16, 16], [1, 5, 10, 16, 16]])
        func extent(_ i: Int) -> (width: Double, height: Double) {
            let image = set.images.indexSelect(axis: 0, indices: [i]).scalars
            let on = image.indices.filter { image[$0] == 1 }
            let columns = on.map { $0 % 64 }, rows = on.map { $0 / 64 }
            return (Double(columns.max()! - columns.min()! + 1), Double(rows.max()! - rows.min()! + 1))
        }
        XCTAssertEqual(extent(0).width, 20, accuracy: 1)
        XCTAssertEqual(extent(0).height, 10, accuracy: 1)
        XCTAssertEqual(extent(1).width, 10, accuracy: 1)
        XCTAssertEqual(extent(1).height, 20, accuracy: 1)
    }

    func testGridOrder() {
        let set = Sprites.grid(strides: [1, 5, 20, 31, 31])
        XCTAssertEqual(set.images.count / 4096, 48)
        XCTAssertEqual(set.factorIndices.indexSelect(axis: 0, indices: [0]).scalars, [0, 0, 0, 0, 0])
        XCTAssertEqual(set.factorIndices.indexSelect(axis: 0, indices: [1]).scalars, [0, 0, 0, 0, 31])
        XCTAssertEqual(set.factorIndices.indexSelect(axis: 0, indices: [47]).scalars, [2, 5, 20, 31, 31])
    }
}
