import Foundation
import GRDB

/// A returnee's self-declaration (返乡报备): the fields of the county's /declare page, checked by the intake form's
/// validators, become a lead of source `self_report` for the village. `registry intake --lead` turns it back into
/// an intake form, so the clerk verifies rather than retypes.
public enum Declaration {
    /// The fields a returnee fills in, by their form names (the CLI's flags in snake_case).
    public static let fields = [
        "name", "id_number", "phone", "from", "from_name", "departed", "arrived", "address", "transport",
    ]

    /// The intake form of posted fields; a field not posted is empty. The source is always self_report.
    public static func form(_ posted: [String: String]) -> IntakeForm {
        var form = IntakeForm()
        form.name = posted["name"] ?? ""
        form.idNumber = posted["id_number"] ?? ""
        form.phone = posted["phone"] ?? ""
        form.stays = [.init(code: posted["from"] ?? "", name: posted["from_name"] ?? "", to: posted["departed"] ?? "")]
        form.arrived = posted["arrived"] ?? ""
        form.address = posted["address"] ?? ""
        form.transport = posted["transport"] ?? ""
        form.source = ArrivalSource.selfReport.rawValue
        return form
    }

    /// The lead a valid declaration becomes, to be verified by the village within a day. The same person declaring the
    /// same arrival again gives the same lead id (a second press of the button sends nothing new).
    /// - Throws: the first field at fault, as the intake form names it; a phone is required here, since the clerk
    ///   must be able to call back.
    public static func lead(_ form: IntakeForm, village: String, today: Day, declaredAt: String) throws -> Lead {
        if form.phone.trimmed.isEmpty { throw RegistryError.missing(.phone) }
        let intake = try form.validated(today: today)
        let stay = intake.stays[0]
        var lead = Lead(
            id: IDGenerator.stable("declaration|\(village)|\(intake.idNumber)|\(intake.arrived)"), village: village,
            name: intake.name, idNumber: intake.idNumber, phone: intake.phone, fromCode: stay.code,
            fromName: stay.name, reason: LeadSource.selfReport.chinese, deadline: today.adding(days: 1))
        lead.source = .selfReport
        lead.departedOn = intake.departed
        lead.arrivedOn = intake.arrived
        lead.address = intake.address
        lead.transport = intake.transport
        lead.declaredAt = declaredAt
        return lead
    }
}

extension IntakeForm {
    /// The intake form a declared lead fills in: what the returnee declared, the source self_report (a county lead:
    /// county_lead). The clerk's own flags, given too, take precedence (see `registry intake --lead`).
    public init(lead: Lead) {
        self.init()
        name = lead.name
        idNumber = lead.idNumber ?? ""
        phone = lead.phone ?? ""
        stays = [.init(code: lead.fromCode ?? "", name: lead.fromName ?? "", to: lead.departedOn?.description ?? "")]
        arrived = lead.arrivedOn?.description ?? ""
        address = lead.address ?? ""
        transport = lead.transport ?? ""
        source = (lead.source == .selfReport ? ArrivalSource.selfReport : .countyLead).rawValue
        // A declared address joins nobody's household by itself (see `joinByAddress`); a county's lead may.
        joinByAddress = lead.source != .selfReport
    }
}

extension Registry {
    /// An open lead by its id, or the id number, phone or name it carries; or a refusal naming the field.
    public func openLead(_ id: String) throws -> Lead {
        try read { db, _ in try Registry.openLead(db, id) }
    }

    /// Registers the person of a lead (a declaration or a county lead) and closes the lead as found, in one
    /// transaction: either both are written or neither.
    public func intake(_ form: IntakeForm, lead leadID: String) throws -> IntakeOutcome {
        var intake = try form.validated(today: clock.today)
        return try write { db, recorder, settings in
            let old = try Registry.openLead(db, leadID)
            intake.leadID = old.id
            // Whatever the form said: a returnee's declared address joins no household by itself.
            if old.source == .selfReport { intake.joinByAddress = false }
            let outcome = try register(
                intake, db: db, recorder: &recorder, settings: settings,
                rules: try RulesContext.load(db, settings: settings))
            var closed = old
            closed.outcome = .found
            closed.outcomeOn = clock.today
            closed.personId = outcome.person.id
            try recorder.update(closed, from: old)
            try planFound(closed, db: db, recorder: &recorder, settings: settings)
            return outcome
        }
    }
}

extension Declaration {
    /// How the county marks, in a declaration's lead, a later declaration of the same id number that said otherwise.
    public static let laterMark = "⚠ 同一身份证号另有申报"

    /// What later declarations said, from a lead's reason (nil when none did).
    public static func laterDeclarations(_ reason: String?) -> String? {
        guard let reason, let range = reason.range(of: laterMark) else { return nil }
        return String(reason[range.lowerBound...])
    }
}
