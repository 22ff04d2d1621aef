/// The version of this program (`registry --version`, `sync-server --version`), sent with every request to a server
/// (`X-Registry-Version`), which refuses a client older than its schema needs (`minimumClient`), saying which to install.
public enum RegistryVersion {
    public static let current = "0.20.0"

    /// The oldest client a server of this version syncs with: the first to send its version, and the first whose
    /// pushes carry what this schema checks.
    public static let minimumClient = "0.20.0"

    /// Whether `version` (dotted numbers; anything after a `-` ignored) is at least `minimum`.
    public static func isAtLeast(_ version: String, _ minimum: String) -> Bool? {
        func parts(_ text: String) -> [Int]? {
            let core = text.split(separator: "-", maxSplits: 1).first.map(String.init) ?? text
            let numbers = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard !numbers.isEmpty, numbers.count <= 4, numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else {
                return nil
            }
            return numbers.map { $0! }
        }
        guard let have = parts(version), let need = parts(minimum) else { return nil }
        for i in 0..<max(have.count, need.count) {
            let a = i < have.count ? have[i] : 0
            let b = i < need.count ? need[i] : 0
            if a != b { return a > b }
        }
        return true
    }
}
