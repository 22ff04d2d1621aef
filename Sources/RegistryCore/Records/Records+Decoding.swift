import Foundation
import GRDB

// Hand-written decoding of the records the work list and the daily report read by the ten thousand. GRDB's
// default goes through Codable (and JSONDecoder for the phases), which was most of `registry today` on 100k
// persons. Equivalent to the Codable decoding; the registry tests read every record back through these.

extension Person {
    /// A stored vocabulary value the program knows, or an error naming the table and column: a value no enum knows
    /// (written by a newer version, or by hand) must not silently become a default (a positive read as pending).
    static func known<T: RawRepresentable<String>>(_ row: Row, _ column: String, in table: String) throws -> T {
        let text: String = row[column]
        guard let value = T(rawValue: text) else {
            throw RegistryError(
                nil, zh: "\(table).\(column) 中有本程序不认识的值“\(text.prefix(40))”，请安装新版",
                en:
                    "\(table).\(column) holds a value this program does not know, \"\(text.prefix(40))\"; install a newer version"
            )
        }
        return value
    }

    public init(row: Row) throws {
        id = row["id"]
        village = row["village"]
        name = row["name"]
        idType = try Self.known(row, "id_type", in: "person")
        idNumber = row["id_number"]
        phone = row["phone"]
        sex = (row["sex"] as String?).flatMap(Sex.init(rawValue:))
        birthDate = (row["birth_date"] as String?).flatMap(Day.init)
        address = row["address"]
        createdAt = row["created_at"]
        deleted = row["deleted"]
        deletedReason = row["deleted_reason"]
        household = row["household"]
    }
}

extension Measure {
    public init(row: Row) throws {
        id = row["id"]
        village = row["village"]
        personId = row["person_id"]
        arrivalId = row["arrival_id"]
        status = try Person.known(row, "status", in: "measure")
        phases = try Phase.list(fromJSON: row["phases"])
        startsOn = (row["starts_on"] as String?).flatMap(Day.init)
        endsOn = (row["ends_on"] as String?).flatMap(Day.init)
        releasedOn = (row["released_on"] as String?).flatMap(Day.init)
        orderedBy = row["ordered_by"]
        reason = row["reason"]
        deleted = row["deleted"]
    }
}

extension LabTest {
    public init(row: Row) throws {
        id = row["id"]
        village = row["village"]
        personId = row["person_id"]
        measureId = row["measure_id"]
        dueOn = (row["due_on"] as String?).flatMap(Day.init)
        sampledOn = (row["sampled_on"] as String?).flatMap(Day.init)
        result = try Person.known(row, "result", in: "lab_test")
        resultOn = (row["result_on"] as String?).flatMap(Day.init)
        lab = row["lab"]
        deleted = row["deleted"]
    }
}

extension Phase {
    /// Phases from the JSON the registry writes (`[{"ends_on":…,"kind":…,"starts_on":…}]`), read without
    /// JSONDecoder; any other shape (a row written by another version) falls back to it.
    static func list(fromJSON text: String?) throws -> [Phase] {
        guard let text, text != "[]" else { return [] }
        if let phases = text.utf8.withContiguousStorageIfAvailable({ fastList($0) }) ?? nil { return phases }
        return try JSONDecoder().decode([Phase].self, from: Data(text.utf8))
    }

    private static let kindKey = Array("kind".utf8), startsKey = Array("starts_on".utf8),
        endsKey = Array("ends_on".utf8)

    /// Reads `[{"kind":"…","starts_on":"YYYY-MM-DD","ends_on":"YYYY-MM-DD"},…]` (keys in any order, string values free
    /// of escapes) straight from the bytes, without building a string per key or date; nil for any other shape.
    /// `registry today` reads tens of thousands of these on a large registry.
    private static func fastList(_ bytes: UnsafeBufferPointer<UInt8>) -> [Phase]? {
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        var phases: [Phase] = []
        var i = 0
        var kind: MeasureKind?
        var starts: Day?
        var ends: Day?
        func string() -> Range<Int>? {  // at a quote: the bytes up to the next quote
            guard i < bytes.count, bytes[i] == quote else { return nil }
            let start = i + 1
            var end = start
            while end < bytes.count && bytes[end] != quote {
                if bytes[end] == backslash { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            i = end + 1
            return start..<end
        }
        guard bytes.first == UInt8(ascii: "[") else { return nil }
        i = 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: ","):
                i += 1
            case quote:
                guard let key = string(), i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let value = string() else { return nil }
                let name = bytes[key]
                let text = bytes[value]
                if name.elementsEqual(kindKey) {
                    kind = MeasureKind(rawValue: String(decoding: text, as: UTF8.self))
                } else if name.elementsEqual(startsKey) {
                    starts = Day(canonical: text)
                } else if name.elementsEqual(endsKey) {
                    ends = Day(canonical: text)
                } else {
                    return nil
                }
            case UInt8(ascii: "}"):
                guard let k = kind, let s = starts, let e = ends else { return nil }
                phases.append(Phase(kind: k, startsOn: s, endsOn: e))
                (kind, starts, ends) = (nil, nil, nil)
                i += 1
            case UInt8(ascii: "]"):
                return i == bytes.count - 1 && kind == nil && starts == nil && ends == nil ? phases : nil
            default:
                return nil
            }
        }
        return nil
    }
}
