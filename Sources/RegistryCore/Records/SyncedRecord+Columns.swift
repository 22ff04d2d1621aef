import GRDB

// Each synced record's columns, named once from its coding keys (GRDB's habit): requests read
// `Person.filter(Person.Columns.idNumber == number && Person.Columns.deleted == false)` instead of column names
// spelled as strings across files.

/// The columns every synced table has (`SyncedRecord`): for a condition shared by requests on several tables.
public enum SyncedColumns {
    public static let id = Column("id")
    public static let village = Column("village")
    public static let deleted = Column("deleted")
}

extension Arrival {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let arrivedOn = Column(CodingKeys.arrivedOn)
        public static let departedOn = Column(CodingKeys.departedOn)
        public static let stays = Column(CodingKeys.stays)
        public static let transport = Column(CodingKeys.transport)
        public static let healthCode = Column(CodingKeys.healthCode)
        public static let vaccineDoses = Column(CodingKeys.vaccineDoses)
        public static let source = Column(CodingKeys.source)
        public static let categoryOverride = Column(CodingKeys.categoryOverride)
        public static let category = Column(CodingKeys.category)
        public static let dayZero = Column(CodingKeys.dayZero)
        public static let policy = Column(CodingKeys.policy)
        public static let leadId = Column(CodingKeys.leadId)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension Contact {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let idNumber = Column(CodingKeys.idNumber)
        public static let name = Column(CodingKeys.name)
        public static let phone = Column(CodingKeys.phone)
        public static let relation = Column(CodingKeys.relation)
        public static let lastContactOn = Column(CodingKeys.lastContactOn)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let deleted = Column(CodingKeys.deleted)
        public static let deletedReason = Column(CodingKeys.deletedReason)
    }
}

extension RiskArea {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let code = Column(CodingKeys.code)
        public static let name = Column(CodingKeys.name)
        public static let level = Column(CodingKeys.level)
        public static let inForceFrom = Column(CodingKeys.inForceFrom)
        public static let liftedOn = Column(CodingKeys.liftedOn)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension PolicyRecord {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let version = Column(CodingKeys.version)
        public static let effectiveFrom = Column(CodingKeys.effectiveFrom)
        public static let body = Column(CodingKeys.body)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension Lead {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let name = Column(CodingKeys.name)
        public static let idNumber = Column(CodingKeys.idNumber)
        public static let phone = Column(CodingKeys.phone)
        public static let fromCode = Column(CodingKeys.fromCode)
        public static let fromName = Column(CodingKeys.fromName)
        public static let reason = Column(CodingKeys.reason)
        public static let deadline = Column(CodingKeys.deadline)
        public static let outcome = Column(CodingKeys.outcome)
        public static let outcomeOn = Column(CodingKeys.outcomeOn)
        public static let personId = Column(CodingKeys.personId)
        public static let deleted = Column(CodingKeys.deleted)
        public static let lastContactOn = Column(CodingKeys.lastContactOn)
        public static let source = Column(CodingKeys.source)
        public static let departedOn = Column(CodingKeys.departedOn)
        public static let arrivedOn = Column(CodingKeys.arrivedOn)
        public static let address = Column(CodingKeys.address)
        public static let transport = Column(CodingKeys.transport)
        public static let declaredAt = Column(CodingKeys.declaredAt)
    }
}

extension VillageEntry {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let code = Column(CodingKeys.code)
        public static let name = Column(CodingKeys.name)
        public static let townshipCode = Column(CodingKeys.townshipCode)
        public static let townshipName = Column(CodingKeys.townshipName)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension DailyReport {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let date = Column(CodingKeys.date)
        public static let revision = Column(CodingKeys.revision)
        public static let figures = Column(CodingKeys.figures)
        public static let isZeroReport = Column(CodingKeys.isZeroReport)
        public static let reporter = Column(CodingKeys.reporter)
        public static let remarks = Column(CodingKeys.remarks)
        public static let submittedAt = Column(CodingKeys.submittedAt)
        public static let firstSubmittedAt = Column(CodingKeys.firstSubmittedAt)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension Household {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let address = Column(CodingKeys.address)
        public static let headName = Column(CodingKeys.headName)
        public static let headIdNumber = Column(CodingKeys.headIdNumber)
        public static let phone = Column(CodingKeys.phone)
        public static let members = Column(CodingKeys.members)
        public static let grid = Column(CodingKeys.grid)
        public static let notes = Column(CodingKeys.notes)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension SweepRound {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let reason = Column(CodingKeys.reason)
        public static let dueAt = Column(CodingKeys.dueAt)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let orderId = Column(CodingKeys.orderId)
        public static let closedAt = Column(CodingKeys.closedAt)
        public static let closeReason = Column(CodingKeys.closeReason)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension SweepVisit {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let roundId = Column(CodingKeys.roundId)
        public static let householdId = Column(CodingKeys.householdId)
        public static let result = Column(CodingKeys.result)
        public static let returnees = Column(CodingKeys.returnees)
        public static let note = Column(CodingKeys.note)
        public static let visitedAt = Column(CodingKeys.visitedAt)
        public static let visitor = Column(CodingKeys.visitor)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension SweepOrder {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let batch = Column(CodingKeys.batch)
        public static let givenFor = Column(CodingKeys.givenFor)
        public static let reason = Column(CodingKeys.reason)
        public static let dueAt = Column(CodingKeys.dueAt)
        public static let orderedAt = Column(CodingKeys.orderedAt)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension LabTest {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let measureId = Column(CodingKeys.measureId)
        public static let dueOn = Column(CodingKeys.dueOn)
        public static let sampledOn = Column(CodingKeys.sampledOn)
        public static let result = Column(CodingKeys.result)
        public static let resultOn = Column(CodingKeys.resultOn)
        public static let lab = Column(CodingKeys.lab)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension HealthCheck {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let takenAt = Column(CodingKeys.takenAt)
        public static let takenOn = Column(CodingKeys.takenOn)
        public static let temperature = Column(CodingKeys.temperature)
        public static let symptoms = Column(CodingKeys.symptoms)
        public static let symptomsWritten = Column(CodingKeys.symptomsWritten)
        public static let flagged = Column(CodingKeys.flagged)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension Measure {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let arrivalId = Column(CodingKeys.arrivalId)
        public static let status = Column(CodingKeys.status)
        public static let phases = Column(CodingKeys.phases)
        public static let startsOn = Column(CodingKeys.startsOn)
        public static let endsOn = Column(CodingKeys.endsOn)
        public static let releasedOn = Column(CodingKeys.releasedOn)
        public static let orderedBy = Column(CodingKeys.orderedBy)
        public static let reason = Column(CodingKeys.reason)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension MeasureEvent {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let measureId = Column(CodingKeys.measureId)
        public static let action = Column(CodingKeys.action)
        public static let onDate = Column(CodingKeys.onDate)
        public static let recordedAt = Column(CodingKeys.recordedAt)
        public static let actor = Column(CodingKeys.actor)
        public static let reason = Column(CodingKeys.reason)
        public static let detail = Column(CodingKeys.detail)
        public static let deleted = Column(CodingKeys.deleted)
    }
}

extension Person {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let name = Column(CodingKeys.name)
        public static let idType = Column(CodingKeys.idType)
        public static let idNumber = Column(CodingKeys.idNumber)
        public static let phone = Column(CodingKeys.phone)
        public static let sex = Column(CodingKeys.sex)
        public static let birthDate = Column(CodingKeys.birthDate)
        public static let address = Column(CodingKeys.address)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let deleted = Column(CodingKeys.deleted)
        public static let deletedReason = Column(CodingKeys.deletedReason)
        public static let household = Column(CodingKeys.household)
    }
}

extension Responsible {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let village = Column(CodingKeys.village)
        public static let personId = Column(CodingKeys.personId)
        public static let name = Column(CodingKeys.name)
        public static let role = Column(CodingKeys.role)
        public static let phone = Column(CodingKeys.phone)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let deleted = Column(CodingKeys.deleted)
    }
}
