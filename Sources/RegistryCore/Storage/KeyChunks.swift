import GRDB

/// How many keys one `IN (?, ?, …)` lookup binds. SQLite's limit on bound variables was 999 before 3.32; 500 leaves
/// room for the other arguments of the query, and a statement of 500 placeholders is still cheap to prepare.
public let keysPerLookup = 500

extension Collection {
    /// The collection in consecutive slices of at most `size` elements (the last may be shorter).
    public func chunks(of size: Int) -> [SubSequence] {
        precondition(size > 0)
        var slices: [SubSequence] = []
        var start = startIndex
        while start != endIndex {
            let end = index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex
            slices.append(self[start..<end])
            start = end
        }
        return slices
    }
}

/// `count` placeholders for an `IN (…)`: "?, ?, ?". Built once a lookup, so without an array of "?" to join (that
/// showed in the county writer's profile).
public func placeholders(_ count: Int) -> String {
    count == 0 ? "" : "?" + String(repeating: ", ?", count: count - 1)
}

extension Database {
    /// The rows of a lookup by a list of keys, run once per `keysPerLookup` keys: `sql` is given the chunk's
    /// placeholders ("?, ?, …") to put inside its `IN (…)`; `leading` binds the placeholders before them.
    public func rows<Key: DatabaseValueConvertible>(
        forKeys keys: some Collection<Key>, leading: [any DatabaseValueConvertible] = [],
        _ sql: (_ placeholders: String) -> String
    ) throws -> [Row] {
        var rows: [Row] = []
        for chunk in keys.chunks(of: keysPerLookup) {
            var arguments = StatementArguments(leading.map { $0 as (any DatabaseValueConvertible)? })
            // Through existentials: GRDB's generic initializer builds a key path at run time on every call.
            arguments += StatementArguments(chunk.map { $0 as (any DatabaseValueConvertible)? })
            rows += try Row.fetchAll(self, sql: sql(placeholders(chunk.count)), arguments: arguments)
        }
        return rows
    }
}
