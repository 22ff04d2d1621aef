import GRDB

// Hand-written encoding of the records written on every intake. GRDB's default goes through Codable (and
// JSONEncoder for the nested stays and phases), which dominated the import profile; these write the same
// columns and the same JSON (sorted keys, as GRDB's databaseJSONEncoder does), several times faster. They write
// into `OrderedColumns`, so that the change recorder gets names and values in a fixed order with no dictionary
// (GRDB's `PersistenceContainer` hashes every name); GRDB's own writes get the same columns through
// `encode(to:)`. Reading still goes through Codable. SchemaTests and the change-log replay test check both
// directions agree.

extension Person: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container["id"] = id
        container["village"] = village
        container["name"] = name
        container["id_type"] = idType.rawValue
        container["id_number"] = idNumber
        container["phone"] = phone
        container["sex"] = sex?.rawValue
        container["birth_date"] = birthDate?.description
        container["address"] = address
        container["created_at"] = createdAt
        container["deleted"] = deleted
        container["deleted_reason"] = deletedReason
        container["household"] = household
    }
}

extension Arrival: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container["id"] = id
        container["village"] = village
        container["person_id"] = personId
        container["arrived_on"] = arrivedOn.description
        container["departed_on"] = departedOn.description
        container["stays"] = JSONWriter.array(stays) { stay, w in
            w.field("code", stay.code)
            w.field("from", stay.from?.description)
            w.field("name", stay.name)
            w.field("to", stay.to.description)
        }
        container["transport"] = transport
        container["health_code"] = healthCode?.rawValue
        container["vaccine_doses"] = vaccineDoses
        container["source"] = source.rawValue
        container["category_override"] = categoryOverride?.rawValue
        container["category"] = category.rawValue
        container["day_zero"] = dayZero.description
        container["policy"] = policy
        container["lead_id"] = leadId
        container["created_at"] = createdAt
        container["deleted"] = deleted
    }
}

extension Measure: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container["id"] = id
        container["village"] = village
        container["person_id"] = personId
        container["arrival_id"] = arrivalId
        container["status"] = status.rawValue
        container["phases"] = JSONWriter.array(phases) { phase, w in
            w.field("ends_on", phase.endsOn.description)
            w.field("kind", phase.kind.rawValue)
            w.field("starts_on", phase.startsOn.description)
        }
        container["starts_on"] = startsOn?.description
        container["ends_on"] = endsOn?.description
        container["released_on"] = releasedOn?.description
        container["ordered_by"] = orderedBy
        container["reason"] = reason
        container["deleted"] = deleted
    }
}

extension MeasureEvent: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container["id"] = id
        container["village"] = village
        container["measure_id"] = measureId
        container["action"] = action.rawValue
        container["on_date"] = onDate.description
        container["recorded_at"] = recordedAt
        container["actor"] = actor
        container["reason"] = reason
        container["detail"] = detail
        container["deleted"] = deleted
    }
}

extension LabTest: ColumnEncodable {
    public func encodeColumns(to container: inout OrderedColumns) {
        container["id"] = id
        container["village"] = village
        container["person_id"] = personId
        container["measure_id"] = measureId
        container["due_on"] = dueOn?.description
        container["sampled_on"] = sampledOn?.description
        container["result"] = result.rawValue
        container["result_on"] = resultOn?.description
        container["lab"] = lab
        container["deleted"] = deleted
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
