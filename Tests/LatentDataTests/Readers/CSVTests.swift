import XCTest
import LatentTensor
@testable import LatentData

final class CSVTests: XCTestCase {
    func testPlainNumbersWithoutHeader() throws {
        let table = try CSV.decode(Array("1,2,3\n4.5,-6,7e2\r\n\n".utf8), path: "m")
        XCTAssertEqual(table.values.shape, [2, 3])
        XCTAssertEqual(table.values.scalars, [1, 2, 3, 4.5, -6, 700])
        XCTAssertNil(table.labels)
        XCTAssertNil(table.header)
    }

    func testHeaderAndLabelColumns() throws {
        let text = "x, y, label\n0.5, 1, 3\n\"2\", 4, 1\n"
        let last = try CSV.decode(Array(text.utf8), path: "m", hasHeader: true, labelColumn: -1, scale: 2)
        XCTAssertEqual(last.header, ["x", "y", "label"])
        XCTAssertEqual(last.values.scalars, [1, 2, 4, 8])
        XCTAssertEqual(last.labels?.scalars, [3, 1])
        let first = try CSV.decode(Array(text.utf8), path: "m", hasHeader: true, labelColumn: 0)
        XCTAssertEqual(first.values.scalars, [1, 3, 4, 1])
        XCTAssertEqual(first.labels?.scalars, [0.5, 2])
    }

    func testOtherDelimiterAndGzipFile() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile(Gzip.compress(Array("1;2\n3;4\n".utf8)), named: "t.csv.gz", in: dir)
        XCTAssertEqual(try CSV.read(url, delimiter: ";").values.scalars, [1, 2, 3, 4])
    }

    func testNonNumericCellNamesFileLineAndColumn() {
        assertDataError("data.csv", "line 3, column 2", "\"abc\" is not a number") {
            try CSV.decode(Array("1,2\n3,4\n5,abc\n".utf8), path: "data.csv")
        }
        assertDataError("data.csv", "line 1, column 2", "\"\" is not a number") { try CSV.decode(Array("1,,2\n".utf8), path: "data.csv") }
        assertDataError("data.csv", "line 1, column 1", "\"x\"") {
            try CSV.decode(Array("x,y\n1,2\n".utf8), path: "data.csv", hasHeader: false)
        }
    }

    func testRaggedRowsEmptyFilesAndBadLabelColumn() {
        assertDataError("r.csv", "line 2 has 3 cells, expected 2") { try CSV.decode(Array("1,2\n3,4,5\n".utf8), path: "r.csv") }
        assertDataError("e.csv", "no rows") { try CSV.decode(Array("a,b\n".utf8), path: "e.csv", hasHeader: true) }
        assertDataError("l.csv", "label column 5 is out of range for 2 columns") {
            try CSV.decode(Array("1,2\n".utf8), path: "l.csv", labelColumn: 5)
        }
        assertDataError("/nonexistent/a.csv", "file not found") { try CSV.read(URL(fileURLWithPath: "/nonexistent/a.csv")) }
    }
}
