import GRDB

/// Last-writer-wins per column, the pure core of every merge: which of an incoming change's columns win
/// against the versions a site already holds. Idempotent (a change never beats its own version), commutative
/// and associative (the result is the per-column maximum of the versions seen, whatever the order).
public enum Merge {
    /// The columns of `change` whose version beats the current one (or that have none yet), sorted. The key
    /// (`id`) is never a merged column.
    public static func winners(of change: Change, against current: [String: Version]) -> [String] {
        let version = change.version
        return change.columns.values.keys.filter { column in
            column != "id" && current[column].map { $0 < version } ?? true
        }.sorted()
    }

    /// Folds one written version of `columns` into the current versions of a row.
    public static func observe(
        _ columns: some Sequence<String>, at version: Version, into current: inout [String: Version]
    ) {
        for column in columns where current[column].map({ $0 < version }) ?? true {
            current[column] = version
        }
    }
}
