import Foundation
import Testing

@testable import RegistryCore

/// A returnee's declaration with a neighbour's address (issue 34): whoever declares can type any address, and the
/// household is who is moved with a positive.
@Suite("Declared address")
struct DeclaredAddressTests {
    @Test(
        "a declaration at a neighbour's address joins no household when verified, and says so; the clerk joins them by name; a clerk's own intake at that address joins"
    )
    func neighboursAddress() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(
            at("一组3号", form(name: "王强", id: "420102199003071232", departed: "2022-07-05", arrived: "2022-07-06")))
        let wang = try #require(try registry.file("420102199003071232").person)
        try registry.write { _, recorder, settings in
            var lead = Lead(
                id: "declared-1", village: settings.village, name: "李四", idNumber: "32010219751201003X",
                phone: "13900139000", fromCode: "420102", fromName: "江岸区", reason: "自主申报",
                deadline: day("2022-07-10"))
            lead.source = .selfReport
            lead.address = "一组3号"
            lead.arrivedOn = day("2022-07-09")
            lead.departedOn = day("2022-07-08")
            try recorder.insert(lead)
        }
        // Verified as declared: a household of its own, and a warning naming the reason and the way to join.
        let declared = try registry.intake(IntakeForm(lead: try registry.openLead("declared-1")), lead: "declared-1")
        #expect(declared.person.householdKey != wang.householdKey)
        #expect(declared.warnings.contains { $0.zh.contains("申报的住址与 王强 家相同，未并入该户") })
        // The clerk checked and they do live together: joined by name.
        var joined = at(
            "一组3号", form(name: "李四", id: "32010219751201003X", departed: "2022-07-08", arrived: "2022-07-09"))
        joined.household = "420102199003071232"
        let together = try registry.intake(joined)
        #expect(together.person.householdKey == wang.householdKey)

        // A clerk's own intake at the address joins the household living there, as before.
        let typed = try registry.intake(
            at("一组3号", form(name: "王母", id: "440306198808155615", departed: "2022-07-08", arrived: "2022-07-09")))
        #expect(typed.person.householdKey == wang.householdKey)
    }
}

/// The form with an address.
private func at(_ address: String, _ form: IntakeForm) -> IntakeForm {
    var form = form
    form.address = address
    return form
}
