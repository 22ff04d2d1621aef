import GRDB
import GRDBSQLite

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

extension Statement {
    /// Runs the statement with `values` bound to its placeholders in order: for the writes that run once per row of an
    /// import or a push (an INSERT made from the same column list as its values, so that the number matches by
    /// construction). GRDB's `execute(arguments:)` builds a `StatementArguments` (every value mapped through an
    /// existential and back), checks it, and binds through a recursion of closures: 10 % of an import's samples.
    /// Here each value is bound with GRDB's own public binding (`StatementBinding`) and the statement run by GRDB,
    /// which marks it bound (`setUncheckedArguments` with none) so that it does not check them again. Public for the
    /// benchmarks' floors, which bind the same way so that they stay floors.
    public func execute(binding values: [DatabaseValue]) throws {
        setUncheckedArguments(StatementArguments())
        for (i, value) in values.enumerated() {
            try bindChecked(value, at: i + 1)
        }
        try execute()
    }

    /// Binds one value at a 1-based index; a failure (an index past the placeholders) is thrown, never ignored.
    func bindChecked(_ value: some StatementBinding, at index: Int) throws {
        let code = value.bind(to: sqliteStatement, at: CInt(index))
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding argument \(index)", sql: sql)
        }
    }
}
