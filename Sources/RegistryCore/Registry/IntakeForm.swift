import Foundation

/// What a clerk fills in for an arrival, as typed: every field text, validated by `validated(today:)`.
public struct IntakeForm: Sendable, Equatable {
    public var name = ""
    public var idType = ""
    public var idNumber = ""
    public var phone = ""
    public var address = ""
    /// The stays of the trip; one for a trip entered by hand, several from an import.
    public var stays: [StayForm] = [StayForm()]
    public var arrived = ""
    public var category = ""
    public var transport = ""
    public var healthCode = ""
    public var vaccineDoses = ""
    public var source = ""
    /// Id numbers of who travelled with the person (`--with`, the CSV column 同行人), `;`-separated or one per entry.
    public var companions: [String] = []
    /// The person whose household this one joins (`--household`): an id number or a record id.
    public var household = ""
    /// Whether a new person at the address of a registered household joins it. What the clerk types, yes; a
    /// returnee's own declaration, no: anyone can declare a neighbour's address, and a household is who is moved with
    /// a positive. The clerk then joins them by name (`household`) after checking, and the outcome warns.
    public var joinByAddress = true
    /// The clerk confirmed that a person registered under this id number goes by the name typed now (`--rename`):
    /// without it, another name for a registered id number is refused, never written over silently.
    public var rename = false

    /// One stay, as typed.
    public struct StayForm: Sendable, Equatable {
        public var code = ""
        public var name = ""
        public var from = ""
        /// The departure from that place (`--departed`).
        public var to = ""

        public init(code: String = "", name: String = "", from: String = "", to: String = "") {
            self.code = code
            self.name = name
            self.from = from
            self.to = to
        }
    }

    public init() {}

    /// Checks every field; the first problem is thrown naming the field and the reason.
    public func validated(today: Day) throws -> Intake {
        let name = try parsedName()
        let identity = try parsedIdentity(today: today)
        let phone = try parsedPhone()
        let arrived = try parsedArrived(today: today)
        let parsed = try self.stays.map { try parsedStay($0, arrived: arrived) }
        let stays = parsed.map(\.stay)
        if stays.isEmpty { throw RegistryError.missing(.from) }
        let category = try parsedCategory()
        let doses = try parsedDoses()
        let address = try parsedAddress()
        let transport = try parsedTransport()
        return Intake(
            name: name, idType: identity.type, idNumber: identity.number, sex: identity.sex, birthDate: identity.birth,
            phone: phone, address: address, stays: stays, arrived: arrived,
            departed: stays.map(\.to).max()!, categoryOverride: category, transport: transport,
            healthCode: try parsedHealthCode(), vaccineDoses: doses,
            source: source.trimmed.isEmpty ? .selfReport : try Validate.choice(source, field: .source),
            companions: try parsedCompanions(own: identity.number),
            household: household.trimmed.isEmpty ? nil : household.trimmed,
            warnings: identity.warnings + parsed.compactMap(\.note), joinByAddress: joinByAddress, rename: rename)
    }

    /// Checks one field as typed, alone and against the fields it depends on when those are filled in: what the
    /// interactive prompt asks after each answer, so that a wrong value is asked again at once. The whole form is
    /// still checked by `validated(today:)` before anything is written.
    public func check(_ field: Field, today: Day) throws {
        switch field {
        case .name: _ = try parsedName()
        case .idType, .idNumber: _ = try parsedIdentity(today: today)
        case .phone: _ = try parsedPhone()
        case .arrived:
            let arrived = try parsedArrived(today: today)
            if let stay = stays.first, (try? Validate.day(stay.to, field: .departed)) != nil {
                _ = try parsedStay(stay, arrived: arrived)
            }
        case .from: _ = try Validate.place(stays.first?.code ?? "", field: .from, county: true)
        case .fromName: if let stay = stays.first { try Self.checkStayName(stay.name) }
        case .stayedFrom: _ = try Validate.optionalDay(stays.first?.from ?? "", field: .stayedFrom)
        case .departed:
            let stay = stays.first ?? StayForm()
            let to = try Validate.day(stay.to, field: .departed)
            if let from = try? Validate.optionalDay(stay.from, field: .stayedFrom), from > to {
                throw RegistryError(
                    .departed, zh: "\(to) 早于到达来源地日期 \(from)", en: "\(to) is before the first day there, \(from)")
            }
            if let arrived = try? parsedArrived(today: today), to > arrived {
                throw RegistryError(
                    .departed, zh: "离开日期 \(to) 晚于到达日期 \(arrived)", en: "departure \(to) is after the arrival \(arrived)"
                )
            }
        case .category: _ = try parsedCategory()
        case .vaccineDoses: _ = try parsedDoses()
        case .address: _ = try parsedAddress()
        case .transport: _ = try parsedTransport()
        case .healthCode: _ = try parsedHealthCode()
        case .source: if !source.trimmed.isEmpty { _ = try Validate.choice(source, field: .source) as ArrivalSource }
        case .companions: _ = try parsedCompanions(own: (try? parsedIdentity(today: today).number) ?? "")
        default: break
        }
    }

    /// Every field's problem at once, in the form's order (one per field): what a page shows beside each field, so
    /// that a clerk on a phone fixes them in one round trip instead of one per submit. Empty when each field passes
    /// alone; `validated(today:)` still decides the whole form.
    public func problems(today: Day) -> [RegistryError] {
        let order: [Field] = [
            .name, .idNumber, .phone, .from, .fromName, .stayedFrom, .departed, .arrived, .category, .transport,
            .healthCode, .vaccineDoses, .address, .source, .companions,
        ]
        var found: [RegistryError] = []
        for field in order {
            do {
                try check(field, today: today)
            } catch let error as RegistryError {
                if !found.contains(where: { $0.field == error.field }) { found.append(error) }
            } catch {}
        }
        return found
    }

    /// What a refused form shows: every field's problem (`problems`), then `refusal` when it names a field none of
    /// them does (a refusal only the registry could make, such as another name for a registered id number).
    public func problems(today: Day, besides refusal: RegistryError) -> [RegistryError] {
        let each = problems(today: today)
        return each + [refusal].filter { r in !each.contains { $0.field == r.field } }
    }

    // One parser per field, shared by the whole-form check and the field-by-field one.

    private func parsedName() throws -> String {
        let name = try Validate.required(self.name, field: .name)
        // Lengths and characters by the rules the county checks pushes against, here so that an import names the line.
        try SyncedRules.refuse("person", "name", name, field: .name)
        return name
    }

    private struct Identity {
        var type: IDType, number: String, sex: Sex?, birth: Day?, warnings: [Localized]
    }

    private func parsedIdentity(today: Day) throws -> Identity {
        let idType: IDType = idType.trimmed.isEmpty ? .residentID : try Validate.choice(idType, field: .idType)
        guard idType == .residentID else {
            let number = try Validate.required(self.idNumber.asciiCompacted.uppercased(), field: .idNumber)
            try SyncedRules.refuse("person", "id_number", number, field: .idNumber)
            return Identity(type: idType, number: number, sex: nil, birth: nil, warnings: [])
        }
        let id = try ResidentID(self.idNumber, today: today)
        var warnings: [Localized] = []
        if !id.hasKnownProvince {
            warnings.append(
                Localized(
                    zh: "身份证号前两位 \(id.number.prefix(2)) 不是已知省份代码，请核对",
                    en: "id number prefix \(id.number.prefix(2)) is not a known province; please check"))
        }
        if id.wasUpgraded {
            warnings.append(
                Localized(
                    zh: "15 位旧身份证号已升级为 \(id.number)",
                    en: "the 15-digit legacy number was upgraded to \(id.number)"))
        }
        return Identity(type: .residentID, number: id.number, sex: id.sex, birth: id.birthDate, warnings: warnings)
    }

    private func parsedPhone() throws -> String? {
        phone.trimmed.isEmpty ? nil : try Validate.phone(phone)
    }

    private func parsedArrived(today: Day) throws -> Day {
        let arrived = try Validate.day(self.arrived, field: .arrived)
        if arrived > today {
            throw RegistryError(
                .arrived, zh: "到达日期 \(arrived) 在今天（\(today)）之后", en: "\(arrived) is after today (\(today))")
        }
        return arrived
    }

    /// One stay; the place typed as a code or a name (a name alone may come in `from_name`: it is resolved), with a
    /// note when the gazetteer changed what was typed.
    private func parsedStay(_ form: StayForm, arrived: Day) throws -> (stay: Stay, note: Localized?) {
        let byName = form.code.trimmed.isEmpty && !form.name.trimmed.isEmpty
        let place = try Validate.place(
            byName ? form.name : form.code, name: byName ? "" : form.name, field: byName ? .fromName : .from,
            county: true)
        let to = try Validate.day(form.to, field: .departed)
        let from = try Validate.optionalDay(form.from, field: .stayedFrom)
        if let from, from > to {
            throw RegistryError(.stayedFrom, zh: "\(from) 晚于离开日期 \(to)", en: "\(from) is after the departure \(to)")
        }
        if to > arrived {
            throw RegistryError(
                .departed, zh: "离开日期 \(to) 晚于到达日期 \(arrived)",
                en: "departure \(to) is after the arrival \(arrived)")
        }
        try Self.checkStayName(place.name)
        return (Stay(code: place.code, name: place.name, from: from, to: to), place.note)
    }

    private static func checkStayName(_ name: String) throws {
        if let problem = SyncedRules.stayName.problem(.string(name.trimmed)) { throw RegistryError(.fromName, problem) }
    }

    private func parsedCategory() throws -> Category? {
        let category: Category? = category.trimmed.isEmpty ? nil : try Validate.choice(category, field: .category)
        if let category, !Category.overrides.contains(category) {
            throw RegistryError(
                .category, zh: "只能手工指定 密接、次密接、入境（其余按旅居史判定）",
                en:
                    "only close_contact, secondary_contact or inbound can be set by hand; the rest follow from the travel history"
            )
        }
        return category
    }

    private func parsedDoses() throws -> Int? {
        if vaccineDoses.trimmed.isEmpty { return nil }
        guard let n = Int(vaccineDoses.asciiCompacted), (0...9).contains(n) else {
            throw RegistryError(.vaccineDoses, zh: "应为 0–9 的整数", en: "must be a whole number from 0 to 9")
        }
        return n
    }

    private func parsedAddress() throws -> String? {
        try SyncedRules.refuse("person", "address", address.trimmed, field: .address)
        return address.trimmed.isEmpty ? nil : address.trimmed
    }

    private func parsedTransport() throws -> String? {
        try SyncedRules.refuse("arrival", "transport", transport.trimmed, field: .transport)
        return transport.trimmed.isEmpty ? nil : transport.trimmed
    }

    /// The companions' id numbers, each checked in full, once each, never the person's own.
    private func parsedCompanions(own: String) throws -> [String] {
        var numbers: [String] = []
        let separators: Set<Character> = [";", "；", ",", "，", "、", "\n"]
        for entry in companions {
            for text in entry.split(whereSeparator: { separators.contains($0) }).map(String.init)
            where !text.trimmed.isEmpty {
                let number: String
                do {
                    number = try ResidentID(text).number
                } catch let error as RegistryError {
                    throw RegistryError(
                        .companions, zh: "\(text.trimmed)：\(error.reason.zh)", en: "\(text.trimmed): \(error.reason.en)"
                    )
                }
                if number == own {
                    throw RegistryError(
                        .companions, zh: "\(number) 是本人的身份证号", en: "\(number) is the person's own id number")
                }
                if !numbers.contains(number) { numbers.append(number) }
            }
        }
        if numbers.count > 50 {
            throw RegistryError(.companions, zh: "同行人最多 50 位", en: "at most 50 companions")
        }
        return numbers
    }

    private func parsedHealthCode() throws -> HealthCode? {
        healthCode.trimmed.isEmpty ? nil : try Validate.choice(healthCode, field: .healthCode)
    }
}

/// A validated arrival, ready to be registered.
public struct Intake: Sendable, Equatable {
    public var name: String
    public var idType: IDType
    public var idNumber: String
    public var sex: Sex?
    public var birthDate: Day?
    public var phone: String?
    public var address: String?
    public var stays: [Stay]
    public var arrived: Day
    /// The latest departure of the trip (day 0 unless a risk area gives an earlier one).
    public var departed: Day
    public var categoryOverride: Category?
    public var transport: String?
    public var healthCode: HealthCode?
    public var vaccineDoses: Int?
    public var source: ArrivalSource
    /// Who travelled with the person, by id number.
    public var companions: [String] = []
    /// The person whose household this one joins, as the clerk named them.
    public var household: String?
    /// What the clerk should double-check although the form was accepted.
    public var warnings: [Localized]
    /// The lead (a declaration, a county lead) this intake answers, when registered from one.
    public var leadID: String? = nil
    /// See `IntakeForm.joinByAddress`.
    public var joinByAddress = true
    /// See `IntakeForm.rename`.
    public var rename = false
}
