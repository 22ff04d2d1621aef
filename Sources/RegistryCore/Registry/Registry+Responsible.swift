import Foundation
import GRDB

extension Registry {
    /// Makes `name` (村干部、村医、网格员、民警 …) responsible for the person `query` names (包保). The same name and
    /// role again updates the phone. Returns the person and everyone now responsible for them.
    public func assign(_ query: String, name: String, role: String, phone: String?) throws -> (
        person: Person, responsible: [Responsible]
    ) {
        let name = try Validate.required(name, field: .name)
        try SyncedRules.refuse(Responsible.databaseTableName, "name", name, field: .name)
        let role = try Validate.choice(role, field: .role, as: ResponsibleRole.self)
        let phone = try phone.flatMap { $0.trimmed.isEmpty ? nil : try Validate.phone($0) }
        let now = nowText
        return try write { db, recorder, settings in
            let person = try Registry.resolve(db, query)
            if let existing = try Responsible.filter(
                Responsible.Columns.personId == person.id && Responsible.Columns.name == name
                    && Responsible.Columns.role == role && Responsible.Columns.deleted == false
            ).fetchOne(db) {
                var changed = existing
                if let phone { changed.phone = phone }
                if changed != existing { try recorder.update(changed, from: existing) }
            } else {
                try recorder.insert(
                    Responsible(
                        id: ids.make(), village: settings.village, personId: person.id, name: name, role: role,
                        phone: phone, createdAt: now, deleted: false))
            }
            return (person, try Registry.responsible(db, of: [person.id])[person.id] ?? [])
        }
    }

    /// Who is responsible for each of `persons`, by role then name.
    static func responsible(_ db: Database, of persons: [String]) throws -> [String: [Responsible]] {
        guard !persons.isEmpty else { return [:] }
        let rows = try Responsible.filter(
            persons.contains(Responsible.Columns.personId) && Responsible.Columns.deleted == false
        ).fetchAll(db)
        // By role as the seed lists them (村干部、村医、网格员、民警), then name: the same order on every computer.
        let rank = Dictionary(uniqueKeysWithValues: ResponsibleRole.allCases.enumerated().map { ($1, $0) })
        return Dictionary(grouping: rows, by: \.personId).mapValues {
            $0.sorted { (rank[$0.role]!, $0.name) < (rank[$1.role]!, $1.name) }
        }
    }

    /// The work list's tasks grouped by who is responsible (`today --by-responsible`), with the checks each one's
    /// persons missed today; persons under a measure with nobody responsible come last, under `nil`.
    static func byResponsible(_ db: Database, _ list: WorkList) throws -> [WorkList.ResponsibleWork] {
        var tasks: [String: [(item: WorkList.Item, task: String)]] = [:]
        var order: [String] = []
        func add(_ items: [WorkList.Item], _ task: (WorkList.Item) -> String) {
            for item in items {
                if tasks[item.person_id] == nil { order.append(item.person_id) }
                tasks[item.person_id, default: []].append((item, task(item)))
            }
        }
        add(list.fevers) { _ in "发热/症状待处置" }
        add(list.tests_overdue) { "逾期未检（应 \($0.on ?? "")）" }
        add(list.tests_due) { _ in "今日核酸采样" }
        add(list.checks_missing) { "今日测温 \($0.checks_taken ?? 0)/2" }
        add(list.measures_ending) { _ in "今日管控期满" }
        let responsible = try Registry.responsible(db, of: order)
        var groups: [String: WorkList.ResponsibleWork] = [:]
        var groupOrder: [String] = []
        for personId in order {
            let entries = tasks[personId] ?? []
            let first = entries[0].item
            let line = WorkList.ResponsibleWork.Person(
                name: first.name, id_number: first.id_number, phone: first.phone,
                tasks: entries.map(\.task),
                checks_missing: entries.compactMap { $0.item.checks_taken.map { max(0, 2 - $0) } }.first ?? 0)
            let owners = responsible[personId] ?? []
            for owner in owners.isEmpty ? [nil] : owners.map(Optional.some) {
                let key = owner.map { "\($0.name)|\($0.role.rawValue)" } ?? ""
                if groups[key] == nil {
                    groupOrder.append(key)
                    groups[key] = WorkList.ResponsibleWork(
                        name: owner?.name, role: owner?.role.chinese, phone: owner?.phone, persons: [],
                        checks_missing: 0)
                }
                groups[key]!.persons.append(line)
                groups[key]!.checks_missing += line.checks_missing
            }
        }
        // Named people first, by name; nobody responsible last.
        return groupOrder.sorted { a, b in a.isEmpty != b.isEmpty ? !a.isEmpty : a < b }.map { groups[$0]! }
    }
}
