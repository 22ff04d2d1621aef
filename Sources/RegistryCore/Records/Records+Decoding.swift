import Foundation
import GRDB

// Hand-written decoding of the records the work list and the daily report read by the ten thousand. GRDB's
// default goes through Codable (and JSONDecoder for the phases), which was most of `registry today` on 100k
// persons. Equivalent to the Codable decoding; the registry tests read every record back through these.

extension Person {
    public init(row: Row) throws {
        id = row["id"]
        village = row["village"]
        name = row["name"]
        idType = IDType(rawValue: row["id_type"]) ?? .other
        idNumber = row["id_number"]
        phone = row["phone"]
        sex = (row["sex"] as String?).flatMap(Sex.init(rawValue:))
        birthDate = (row["birth_date"] as String?).flatMap(Day.init)
        address = row["address"]
        createdAt = row["created_at"]
        deleted = row["deleted"]
    }
}

extension Measure {
    public init(row: Row) throws {
        id = row["id"]
        village = row["village"]
        personId = row["person_id"]
        arrivalId = row["arrival_id"]
        status = MeasureStatus(rawValue: row["status"]) ?? .active
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
        result = TestResult(rawValue: row["result"]) ?? .pending
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
        var phases: [Phase] = []
        // Each object is {"ends_on":"YYYY-MM-DD","kind":"…","starts_on":"YYYY-MM-DD"}.
        for object in text.dropFirst(2).dropLast(2).components(separatedBy: "},{") {
            let fields = object.split(separator: ",").map { $0.split(separator: ":", maxSplits: 1) }
            var values: [Substring: Substring] = [:]
            for field in fields where field.count == 2 {
                values[field[0].trimmingQuotes] = field[1].trimmingQuotes
            }
            guard values.count == 3, let kind = values["kind"].flatMap({ MeasureKind(rawValue: String($0)) }),
                  let start = values["starts_on"].flatMap({ Day(String($0)) }), let end = values["ends_on"].flatMap({ Day(String($0)) })
            else {
                return try JSONDecoder().decode([Phase].self, from: Data(text.utf8))
            }
            phases.append(Phase(kind: kind, startsOn: start, endsOn: end))
        }
        return phases
    }
}

extension Substring {
    var trimmingQuotes: Substring {
        var s = self
        while s.first == "\"" || s.first == "{" { s.removeFirst() }
        while s.last == "\"" || s.last == "}" { s.removeLast() }
        return s
    }
}
