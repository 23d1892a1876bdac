/// The version of Latent that `latent --version` prints: the one place it is written. 0.x while
/// the command's settings and the library's API may still change between releases.
public enum LatentVersion {
    /// Semantic version, `major.minor.patch`.
    public static let current = "0.1.0"
}
