import GRDB

/// Last-writer-wins per column, the pure core of every merge: which of an incoming change's columns win
/// against the versions a site already holds. Idempotent (a change never beats its own version), commutative
/// and associative (the result is the per-column maximum of the versions seen, whatever the order).
public enum Merge {
    /// The columns of `change` whose version beats the current one (or that have none yet).
    public static func winners(of change: Change, against current: [String: Version]) -> [String] {
        let version = change.version
        return change.columns.values.keys.filter { column in
            guard let held = current[column] else { return true }
            return held < version
        }.sorted()
    }

    /// The current version of each column, from the log entries of one row.
    public static func versions(of entries: [(columns: [String], version: Version)]) -> [String: Version] {
        var current: [String: Version] = [:]
        for entry in entries {
            for column in entry.columns where current[column].map({ $0 < entry.version }) ?? true {
                current[column] = entry.version
            }
        }
        return current
    }
}
