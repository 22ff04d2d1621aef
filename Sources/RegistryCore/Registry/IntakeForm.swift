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
        let name = try Validate.required(self.name, field: .name)
        let idType: IDType = idType.trimmed.isEmpty ? .residentID : try Validate.choice(idType, field: .idType)
        var idNumber: String, sex: Sex? = nil, birth: Day? = nil, warnings: [Localized] = []
        if idType == .residentID {
            let id = try ResidentID(self.idNumber, today: today)
            idNumber = id.number
            sex = id.sex
            birth = id.birthDate
            if !id.hasKnownProvince {
                warnings.append(Localized(zh: "身份证号前两位 \(id.number.prefix(2)) 不是已知省份代码，请核对",
                                          en: "id number prefix \(id.number.prefix(2)) is not a known province; please check"))
            }
            if id.wasUpgraded {
                warnings.append(Localized(zh: "15 位旧身份证号已升级为 \(id.number)",
                                          en: "the 15-digit legacy number was upgraded to \(id.number)"))
            }
        } else {
            idNumber = try Validate.required(self.idNumber.asciiCompacted.uppercased(), field: .idNumber)
        }
        let phone = phone.trimmed.isEmpty ? nil : try Validate.phone(phone)
        let arrived = try Validate.day(self.arrived, field: .arrived)
        if arrived > today {
            throw RegistryError(.arrived, zh: "到达日期 \(arrived) 在今天（\(today)）之后", en: "\(arrived) is after today (\(today))")
        }
        var stays: [Stay] = []
        for form in self.stays {
            let code = try Validate.areaCode(form.code, field: .from)
            let to = try Validate.day(form.to, field: .departed)
            let from = try Validate.optionalDay(form.from, field: .stayedFrom)
            if let from, from > to {
                throw RegistryError(.stayedFrom, zh: "\(from) 晚于离开日期 \(to)", en: "\(from) is after the departure \(to)")
            }
            if to > arrived {
                throw RegistryError(.departed, zh: "离开日期 \(to) 晚于到达日期 \(arrived)",
                                    en: "departure \(to) is after the arrival \(arrived)")
            }
            stays.append(Stay(code: code, name: form.name.trimmed, from: from, to: to))
        }
        if stays.isEmpty { throw RegistryError.missing(.from) }
        let category: Category? = category.trimmed.isEmpty ? nil : try Validate.choice(category, field: .category)
        if let category, !Category.overrides.contains(category) {
            throw RegistryError(.category, zh: "只能手工指定 密接、次密接、入境（其余按旅居史判定）",
                                en: "only close_contact, secondary_contact or inbound can be set by hand; the rest follow from the travel history")
        }
        let doses: Int?
        if vaccineDoses.trimmed.isEmpty { doses = nil } else {
            guard let n = Int(vaccineDoses.asciiCompacted), (0...9).contains(n) else {
                throw RegistryError(.vaccineDoses, zh: "应为 0–9 的整数", en: "must be a whole number from 0 to 9")
            }
            doses = n
        }
        // Lengths and characters by the rules the county checks pushes against, here so that an import names the line.
        try SyncedRules.refuse("person", "name", name, field: .name)
        try SyncedRules.refuse("person", "id_number", idNumber, field: .idNumber)
        try SyncedRules.refuse("person", "address", address.trimmed, field: .address)
        try SyncedRules.refuse("arrival", "transport", transport.trimmed, field: .transport)
        for stay in stays {
            if let problem = SyncedRules.stayName.problem(stay.name.databaseValue) {
                throw RegistryError(.fromName, problem)
            }
        }
        return Intake(
            name: name, idType: idType, idNumber: idNumber, sex: sex, birthDate: birth, phone: phone,
            address: address.trimmed.isEmpty ? nil : address.trimmed, stays: stays, arrived: arrived,
            departed: stays.map(\.to).max()!, categoryOverride: category,
            transport: transport.trimmed.isEmpty ? nil : transport.trimmed,
            healthCode: healthCode.trimmed.isEmpty ? nil : try Validate.choice(healthCode, field: .healthCode),
            vaccineDoses: doses,
            source: source.trimmed.isEmpty ? .selfReport : try Validate.choice(source, field: .source),
            warnings: warnings)
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
    /// What the clerk should double-check although the form was accepted.
    public var warnings: [Localized]
}
