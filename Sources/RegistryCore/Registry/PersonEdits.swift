import GRDB

/// A correction of a person's details as typed: a misspelt name, a new phone, the address. `nil` leaves a field
/// as it is; an empty phone or address clears it.
public struct PersonCorrection: Sendable, Equatable {
    public var name: String?
    public var phone: String?
    public var address: String?

    public init(name: String? = nil, phone: String? = nil, address: String? = nil) {
        self.name = name
        self.phone = phone
        self.address = address
    }

    public var isEmpty: Bool { name == nil && phone == nil && address == nil }

    /// `person` with the correction applied; the first bad field is thrown, naming the field.
    func applied(to person: Person) throws -> Person {
        var corrected = person
        if let name { corrected.name = try Validate.required(name, field: .name) }
        if let phone { corrected.phone = phone.trimmed.isEmpty ? nil : try Validate.phone(phone) }
        if let address { corrected.address = address.trimmed.isEmpty ? nil : address.trimmed }
        return corrected
    }
}

/// Corrections, deletions and restorations of a person, written the same way by a village clerk and by the
/// county (which edits a village's rows; the change keeps the village's scope, so the village pulls it).
/// A deletion is a tombstone on the person and everything recorded about them, so that a restore made
/// anywhere brings the whole file back and the columns merge like any other (delete, edit, restore order
/// correctly by their clocks).
public enum PersonEdits {
    /// Applies `correction` to `person`; logs only the columns that changed.
    public static func correct(
        _ db: Database, _ person: Person, _ correction: PersonCorrection,
        recorder: inout ChangeRecorder
    ) throws -> Person {
        if correction.isEmpty {
            throw RegistryError(
                nil, zh: "没有要更正的内容（--name、--phone、--address）", en: "nothing to correct (--name, --phone, --address)")
        }
        let corrected = try correction.applied(to: person)
        try recorder.update(corrected, from: person)
        return corrected
    }

    /// Deletes (`deleted` true, with a reason) or restores the person and their trips, measures, events, tests and
    /// checks. A restore is refused while another live person of the village holds the same id number (registered
    /// again after the deletion): two files for one person is what the county's duplicate list is for.
    public static func setDeleted(
        _ db: Database, _ person: Person, _ deleted: Bool, reason: String? = nil,
        recorder: inout ChangeRecorder
    ) throws -> Person {
        let reason = reason?.trimmed ?? ""
        if deleted && reason.isEmpty {
            throw RegistryError(
                .reason, zh: "删除须说明原因（--reason，例如：误登记、重复登记）",
                en: "a deletion needs a reason (--reason, e.g. registered by mistake, a duplicate)")
        }
        if !deleted,
            let other = try Person.fetchOne(
                db, sql: "SELECT * FROM person WHERE id_number = ? AND village = ? AND deleted = 0 AND id <> ?",
                arguments: [person.idNumber, person.village, person.id])
        {
            throw RegistryError(
                .idNumber, zh: "\(person.idNumber) 已重新登记为档案 \(other.id)，不能恢复旧档案",
                en: "\(person.idNumber) was registered again as \(other.id); the old file cannot be restored")
        }
        var marked = person
        marked.deleted = deleted
        marked.deletedReason = deleted ? reason : nil
        try recorder.update(marked, from: person)
        let owned = "person_id = ? AND deleted = ?"
        let arguments: StatementArguments = [person.id, !deleted]
        try mark(Arrival.self, db, owned, arguments, deleted, &recorder)
        try mark(Measure.self, db, owned, arguments, deleted, &recorder)
        try mark(
            MeasureEvent.self, db, "measure_id IN (SELECT id FROM measure WHERE person_id = ?) AND deleted = ?",
            arguments, deleted, &recorder)
        try mark(LabTest.self, db, owned, arguments, deleted, &recorder)
        try mark(HealthCheck.self, db, owned, arguments, deleted, &recorder)
        return marked
    }

    private static func mark<R: SyncedRecord>(
        _ type: R.Type, _ db: Database, _ condition: String, _ arguments: StatementArguments,
        _ deleted: Bool, _ recorder: inout ChangeRecorder
    ) throws {
        for old in try R.fetchAll(
            db, sql: "SELECT * FROM \(R.databaseTableName) WHERE \(condition)", arguments: arguments)
        {
            var new = old
            new.deleted = deleted
            try recorder.update(new, from: old)
        }
    }

    /// The person with `idNumber` (any accepted form) in `village` (any village when nil), live or deleted
    /// as asked; refused when none or several match.
    public static func find(_ db: Database, idNumber: String, village: String?, deleted: Bool) throws -> Person {
        let q = idNumber.trimmed
        var forms = [q.lowercased(), q.asciiCompacted.uppercased()]
        if let id = try? ResidentID(q) { forms.append(id.number) }
        var sql =
            "SELECT * FROM person WHERE (id IN (\(forms.map { _ in "?" }.joined(separator: ", "))) OR id_number IN (\(forms.map { _ in "?" }.joined(separator: ", ")))) AND deleted = ?"
        var arguments = StatementArguments(forms + forms) + [deleted]
        if let village {
            sql += " AND village = ?"
            arguments += [village]
        }
        let found = try Person.fetchAll(db, sql: sql + " ORDER BY id DESC", arguments: arguments)
        if found.count == 1 { return found[0] }
        if found.isEmpty {
            throw RegistryError(
                .person, zh: deleted ? "没有已删除的“\(q)”" : "找不到“\(q)”",
                en: deleted ? "no deleted person matches \"\(q)\"" : "no person matches \"\(q)\"")
        }
        let villages = Set(found.map(\.village)).sorted().joined(separator: ", ")
        throw RegistryError(
            .person, zh: "“\(q)”对应多份档案（\(villages)），请给出档案编号或 --village",
            en: "\"\(q)\" matches several files (\(villages)); give the record id or --village")
    }
}

extension Registry {
    /// Corrects the details of the person `query` names.
    public func correct(_ query: String, _ correction: PersonCorrection) throws -> Person {
        try write { db, recorder, _ in
            try PersonEdits.correct(db, try Registry.resolve(db, query), correction, recorder: &recorder)
        }
    }

    /// Deletes the person `query` names (registered by mistake, a duplicate…), with their whole file, saying why;
    /// `restore` undoes it.
    public func delete(_ query: String, reason: String) throws -> Person {
        try write { db, recorder, _ in
            try PersonEdits.setDeleted(db, try Registry.resolve(db, query), true, reason: reason, recorder: &recorder)
        }
    }

    /// Restores a deleted person (id number or record id) with their whole file.
    public func restore(_ query: String) throws -> Person {
        try write { db, recorder, settings in
            try PersonEdits.setDeleted(
                db, try PersonEdits.find(db, idNumber: query, village: settings.village, deleted: true), false,
                recorder: &recorder)
        }
    }
}
