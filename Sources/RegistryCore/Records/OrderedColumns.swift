import GRDB

/// A row's column names and values in the order its encoder writes them: what the change recorder binds to its
/// INSERT and writes to the log entry, without the dictionary GRDB's `PersistenceContainer` builds.
public struct OrderedColumns: Sendable {
    public private(set) var names: [String] = []
    public private(set) var values: [DatabaseValue] = []

    init(capacity: Int = 16) {
        names.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Appends the column a record's coding key names: the encoder writes the same names its decoder reads (the
    /// record's `CodingKeys`, declared once).
    public subscript<Key: CodingKey, Value: DatabaseValueConvertible>(_ key: Key) -> Value? {
        get { nil }
        set {
            names.append(key.stringValue)
            values.append(newValue?.databaseValue ?? .null)
        }
    }

    /// Appends a column (write-only: the getter exists because Swift needs one, and reads nothing).
    public subscript<Value: DatabaseValueConvertible>(_ name: String) -> Value? {
        get { nil }
        set {
            names.append(name)
            values.append(newValue?.databaseValue ?? .null)
        }
    }
}

/// A record that writes its columns by hand into `OrderedColumns` (see Records+Encoding.swift).
public protocol ColumnEncodable: EncodableRecord {
    func encodeColumns(to container: inout OrderedColumns)
}

extension ColumnEncodable {
    /// GRDB's writes (updates, fetch-and-save) see the same columns.
    public func encode(to container: inout PersistenceContainer) throws {
        var columns = OrderedColumns()
        encodeColumns(to: &columns)
        for (name, value) in zip(columns.names, columns.values) { container[name] = value }
    }
}

extension SyncedRecord {
    /// The row's columns in a fixed order: the hand-written order for `ColumnEncodable` records, sorted names for
    /// the rest (written rarely: risk areas, policies, leads, reports, roster).
    public func orderedColumns() throws -> OrderedColumns {
        if let encodable = self as? any ColumnEncodable {
            var columns = OrderedColumns()
            encodable.encodeColumns(to: &columns)
            return columns
        }
        let dictionary = try databaseDictionary
        var columns = OrderedColumns(capacity: dictionary.count)
        for name in dictionary.keys.sorted() { columns[name] = dictionary[name]! }
        return columns
    }
}
