import Foundation
import XCTest
import LatentTestSupport
import Latent

/// `latent eval` on a sprites run reports the disentanglement scores and MIG's per-factor gaps.
final class DisentanglementEvalTests: XCTestCase {
    func testSpritesEvalReportsMIGPerFactorAndFactorVAEScore() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "beta-vae", "--data", "sprites", "--train-size", "256", "--test-size", "200", "--epochs", "1",
                            "--batch-size", "32", "--hidden", "32,32", "--latent", "4", "--output", "run", "--quiet"])
        let eval = try latent.succeed(["eval", "run", "--samples", "0", "--json"])
        let event = try LatentRunner.evalEvent(eval.stdout)
        let metrics = try XCTUnwrap(event["metrics"] as? [String: Double])
        // MIG's table: I(z_j; factor) ≥ 0 in nats for each of the 4 latents and 5 factors.
        let information = try XCTUnwrap(event["factor_information"] as? [String: [Double]])
        XCTAssertEqual(Set(information.keys), Set(Sprites.factorNames))
        for (name, row) in information {
            XCTAssertEqual(row.count, 4, name)
            XCTAssertTrue(row.allSatisfy { $0 >= 0 && $0.isFinite }, "\(name): \(row)")
            // A positive gap means one latent knows more about the factor than every other.
            let sorted = row.sorted(by: >)
            if let gap = metrics["mig_\(name)"], gap > 0 { XCTAssertGreaterThan(sorted[0], sorted[1], name) }
        }
        let gaps = try Sprites.factorNames.map { try XCTUnwrap(metrics["mig_\($0)"], "missing mig_\($0) in \(metrics.keys.sorted())") }
        XCTAssertTrue(gaps.allSatisfy { $0 >= 0 && $0 <= 1 }, "gaps \(gaps)")
        // MIG is the mean of the five per-factor gaps (every factor varies over 200 random sprites).
        XCTAssertEqual(try XCTUnwrap(metrics["mig"]), gaps.reduce(0, +) / 5, accuracy: 1e-9)
        let factorVAE = try XCTUnwrap(metrics["factorvae_score"])
        XCTAssertTrue(factorVAE >= 0 && factorVAE <= 1, "FactorVAE score \(factorVAE)")
        let betaVAE = try XCTUnwrap(metrics["betavae_score"])
        XCTAssertTrue(betaVAE >= 0 && betaVAE <= 1, "β-VAE score \(betaVAE)")
        for name in ["dci_disentanglement", "dci_completeness", "dci_informativeness", "sap"] {
            let value = try XCTUnwrap(metrics[name], "missing \(name)")
            XCTAssertTrue(value >= 0 && value <= 1, "\(name) \(value)")
        }
    }
}
