import GRDB

/// A nucleic-acid test: planned (due), sampled, and its result.
public struct LabTest: SyncedRecord, Equatable {
    public static let databaseTableName = "lab_test"

    public var id: String
    public var village: String
    public var personId: String
    public var measureId: String?
    /// The day it is due by the plan; nil for a test taken outside the plan.
    public var dueOn: Day?
    public var sampledOn: Day?
    public var result: TestResult
    /// The day the result came in.
    public var resultOn: Day?
    public var lab: String?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case measureId = "measure_id"
        case dueOn = "due_on"
        case sampledOn = "sampled_on"
        case result
        case resultOn = "result_on"
        case lab, deleted
    }

    /// A test from its parts (the county writes one into a village's file for a sample the village never recorded).
    public init(
        id: String, village: String, personId: String, measureId: String?, dueOn: Day?, sampledOn: Day?,
        result: TestResult, resultOn: Day?, lab: String?, deleted: Bool
    ) {
        (self.id, self.village, self.personId, self.measureId) = (id, village, personId, measureId)
        (self.dueOn, self.sampledOn, self.result, self.resultOn) = (dueOn, sampledOn, result, resultOn)
        (self.lab, self.deleted) = (lab, deleted)
    }
}

/// A temperature and symptom check (体温监测), taken twice a day while under a measure.
public struct HealthCheck: SyncedRecord, Equatable {
    public static let databaseTableName = "health_check"

    public var id: String
    public var village: String
    public var personId: String
    /// Local time of the check, `YYYY-MM-DD HH:MM`.
    public var takenAt: String
    /// The local day of the check.
    public var takenOn: Day
    public var temperature: Double
    /// Symptom codes, comma-separated: what the figures and the county count.
    public var symptoms: String
    /// The clerk's own words for the symptoms (`咳嗽、头晕`), joined by 、; nil when none were written (and on checks
    /// recorded before the words were kept).
    public var symptomsWritten: String?
    /// Fever (≥ 37.3 °C) or any symptom.
    public var flagged: Bool
    public var deleted: Bool

    /// The temperature from which a check counts as fever.
    public static let feverThreshold = 37.3

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case takenAt = "taken_at"
        case takenOn = "taken_on"
        case temperature
        case symptoms
        case symptomsWritten = "symptoms_written"
        case flagged, deleted
    }
}

extension TestResult: DatabaseValueConvertible {}
