import Mustache
import RegistryCore

/// The printed 无疫村（社区）认定表 (`sync-server villages certificate`): one A4 page with each criterion, the evidence
/// behind it, the status, and the township's and the county's actions with who and when.
public enum CertificateDocument {
    static let template: MustacheTemplate = {
        // Compiled into the binary; a template that does not parse is a build defect every test shows.
        try! PageTemplate.parse(PackageResources.disease_free_certificate_mustache)
    }()

    struct Evidence { let label, detail, holds: String }
    struct Record { let action, by, at, reason: String }
    struct View {
        let countyName, name, village, township, date, window, statusLabel, source, generatedAt: String
        let evidence: [Evidence]
        let records: [Record]
        let hasRecords: Bool
    }

    public static func html(
        _ status: DiseaseFree.Status, criteria: DiseaseFree.Criteria, countyName: String, generatedAt: String
    ) -> String {
        let actions = ["review": "乡镇审核", "certify": "县里认定", "revoke": "撤销"]
        let view = View(
            countyName: countyName, name: status.name, village: status.village, township: status.township_name,
            date: status.date, window: "\(criteria.window_days)", statusLabel: status.label, source: criteria.source,
            generatedAt: generatedAt,
            evidence: status.evidence.map {
                Evidence(label: $0.label, detail: $0.detail, holds: $0.holds ? "符合" : "不符合")
            },
            records: status.records.map {
                Record(
                    action: actions[$0.action] ?? $0.action, by: $0.by, at: ReadableTime.minute($0.at),
                    reason: $0.reason ?? "")
            }, hasRecords: !status.records.isEmpty)
        return template.render(view)
    }
}
