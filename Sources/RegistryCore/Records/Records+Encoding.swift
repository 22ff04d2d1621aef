import GRDB

// Hand-written encoding of the records written on every intake. GRDB's default goes through Codable (and
// JSONEncoder for the nested stays and phases), which dominated the import profile; these write the same
// columns and the same JSON (sorted keys, as GRDB's databaseJSONEncoder does), several times faster. They write
// into `OrderedColumns`, so that the change recorder gets names and values in a fixed order with no dictionary
// (GRDB's `PersistenceContainer` hashes every name); GRDB's own writes get the same columns through
// `encode(to:)`. Reading still goes through Codable. Column names come from each record's `CodingKeys`, which its
// decoder reads too: written once. SchemaTests and the change-log replay test check both
// directions agree.

extension Person: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container[CodingKeys.id] = id
        container[CodingKeys.village] = village
        container[CodingKeys.name] = name
        container[CodingKeys.idType] = idType.rawValue
        container[CodingKeys.idNumber] = idNumber
        container[CodingKeys.phone] = phone
        container[CodingKeys.sex] = sex?.rawValue
        container[CodingKeys.birthDate] = birthDate?.description
        container[CodingKeys.address] = address
        container[CodingKeys.createdAt] = createdAt
        container[CodingKeys.deleted] = deleted
        container[CodingKeys.deletedReason] = deletedReason
        container[CodingKeys.household] = household
    }
}

extension Stay {
    /// Stays as the `stays` column holds them (keys sorted, `from` null when unknown).
    public static func json(_ stays: [Stay]) -> String {
        JSONWriter.array(stays) { stay, w in
            w.field("code", stay.code)
            w.field("from", stay.from?.description)
            w.field("name", stay.name)
            w.field("to", stay.to.description)
        }
    }
}

extension Arrival: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container[CodingKeys.id] = id
        container[CodingKeys.village] = village
        container[CodingKeys.personId] = personId
        container[CodingKeys.arrivedOn] = arrivedOn.description
        container[CodingKeys.departedOn] = departedOn.description
        container[CodingKeys.stays] = Stay.json(stays)
        container[CodingKeys.transport] = transport
        container[CodingKeys.healthCode] = healthCode?.rawValue
        container[CodingKeys.vaccineDoses] = vaccineDoses
        container[CodingKeys.source] = source.rawValue
        container[CodingKeys.categoryOverride] = categoryOverride?.rawValue
        container[CodingKeys.category] = category.rawValue
        container[CodingKeys.dayZero] = dayZero.description
        container[CodingKeys.policy] = policy
        container[CodingKeys.leadId] = leadId
        container[CodingKeys.createdAt] = createdAt
        container[CodingKeys.deleted] = deleted
    }
}

extension Measure: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container[CodingKeys.id] = id
        container[CodingKeys.village] = village
        container[CodingKeys.personId] = personId
        container[CodingKeys.arrivalId] = arrivalId
        container[CodingKeys.status] = status.rawValue
        container[CodingKeys.phases] = JSONWriter.array(phases) { phase, w in
            w.field("ends_on", phase.endsOn.description)
            w.field("kind", phase.kind.rawValue)
            w.field("starts_on", phase.startsOn.description)
        }
        container[CodingKeys.startsOn] = startsOn?.description
        container[CodingKeys.endsOn] = endsOn?.description
        container[CodingKeys.releasedOn] = releasedOn?.description
        container[CodingKeys.orderedBy] = orderedBy
        container[CodingKeys.reason] = reason
        container[CodingKeys.deleted] = deleted
    }
}

extension MeasureEvent: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container[CodingKeys.id] = id
        container[CodingKeys.village] = village
        container[CodingKeys.measureId] = measureId
        container[CodingKeys.action] = action.rawValue
        container[CodingKeys.onDate] = onDate.description
        container[CodingKeys.recordedAt] = recordedAt
        container[CodingKeys.actor] = actor
        container[CodingKeys.reason] = reason
        container[CodingKeys.detail] = detail
        container[CodingKeys.deleted] = deleted
    }
}

extension LabTest: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container[CodingKeys.id] = id
        container[CodingKeys.village] = village
        container[CodingKeys.personId] = personId
        container[CodingKeys.measureId] = measureId
        container[CodingKeys.dueOn] = dueOn?.description
        container[CodingKeys.sampledOn] = sampledOn?.description
        container[CodingKeys.result] = result.rawValue
        container[CodingKeys.resultOn] = resultOn?.description
        container[CodingKeys.lab] = lab
        container[CodingKeys.deleted] = deleted
    }
}

/// A compact JSON writer for arrays of flat objects whose keys are given in sorted order.
enum JSONWriter {
    struct Object {
        var out: String
        var first = true

        mutating func field(_ key: String, _ value: String?) {
            out += first ? "\"" : ",\""
            first = false
            out += key
            out += "\":"
            if let value { ColumnValues.appendString(value, to: &out) } else { out += "null" }
        }
    }

    static func array<T>(_ items: [T], _ write: (T, inout Object) -> Void) -> String {
        var object = Object(out: "[")
        for (i, item) in items.enumerated() {
            object.out += i > 0 ? ",{" : "{"
            object.first = true
            write(item, &object)
            object.out += "}"
        }
        return object.out + "]"
    }
}
