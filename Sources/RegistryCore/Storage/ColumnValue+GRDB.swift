import GRDB

// The SQLite store's edge: sync's column values to and from GRDB's. Nothing above the storage layer sees a
// `DatabaseValue`.

extension ColumnValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let n): n.databaseValue
        case .real(let d): d.databaseValue
        case .string(let s): s.databaseValue
        }
    }

    /// A stored value as sync carries it; a blob (which no synced column holds) reads as null.
    public init(_ value: DatabaseValue) {
        switch value.storage {
        case .null, .blob: self = .null
        case .int64(let n): self = .integer(n)
        case .double(let d): self = .real(d)
        case .string(let s): self = .string(s)
        }
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ColumnValue? { ColumnValue(dbValue) }
}

extension ColumnValues {
    /// Column values from stored ones (tests and tools that build changes from rows).
    public init(_ values: [String: DatabaseValue]) {
        self.init(values.mapValues(ColumnValue.init))
    }
}

extension StatementArguments {
    /// Arguments from values already encoded. GRDB's initializer for a sequence of concrete values maps it through a
    /// key path that the runtime builds on every call (`_swift_getKeyPath`, with dynamic casts): 10 % of an import's
    /// time went to building the arguments of its two inserts. Through existentials it is a plain map.
    public init(encoded values: [DatabaseValue]) {
        self.init(values.map { $0 as (any DatabaseValueConvertible)? })
    }
}

extension Statement {
    /// Runs the statement with arguments that match its placeholders by construction (an INSERT built from the same
    /// column list as its values), without GRDB's check of their number and names: that check copies the arguments
    /// and binds them through a recursion of closures, 4 % of an import's samples. GRDB offers the unchecked binding
    /// for this case (`setUncheckedArguments`); a mismatch would be a bug in the statement's construction.
    func executeUnchecked(_ arguments: StatementArguments) throws {
        setUncheckedArguments(arguments)
        try execute()
    }
}
