import Foundation
import Hummingbird
import RegistryCore

/// `/people`: 台账, everyone registered with their latest trip and measure; search (`q`: name, id number, phone),
/// filter (`filter=active`: under a measure today; `kind`: the measure in force), 50 to a page (`page`).
struct PeopleController: Sendable {
    let app: WebApp
    static let pageSize = 50

    struct Row: Sendable { let name, idNumber, phone, address, arrivedOn, fromName, category, measure, status: String }
    struct View: Sendable {
        let q, filter, kind: String
        let rows: [Row]
        let total: Int
        let pageLine: String
        let previous, next: String?
        let filters: [FieldView.Option], kinds: [FieldView.Option]
        let empty: Bool
    }

    func add(to router: Router<WebContext>) {
        router.get("/people") { request, context in
            let query = request.uri.queryParameters
            let q = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            let filter = query["filter"].map(String.init) ?? "all"
            let kind = query["kind"].map(String.init) ?? ""
            let page = max(1, query["page"].flatMap { Int(String($0)) } ?? 1)
            let today = app.registry.clock.today
            var rows = try app.registry.list(on: today, activeOnly: filter == "active")
            if !q.isEmpty {
                let found = Set(try app.registry.search(q).map(\.id))
                rows = rows.filter { found.contains($0.person.id) }
            }
            if !kind.isEmpty { rows = rows.filter { $0.phaseToday?.kind.rawValue == kind } }
            let total = rows.count
            let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
            let shown = rows.dropFirst((min(page, pages) - 1) * Self.pageSize).prefix(Self.pageSize)
            func link(_ p: Int) -> String {
                var parts = URLComponents()
                parts.path = "/people"
                parts.queryItems = [
                    URLQueryItem(name: "q", value: q), URLQueryItem(name: "filter", value: filter),
                    URLQueryItem(name: "kind", value: kind), URLQueryItem(name: "page", value: "\(p)"),
                ]
                return parts.string ?? "/people"
            }
            let view = View(
                q: q, filter: filter, kind: kind,
                rows: shown.map { s in
                    Row(
                        name: s.person.name, idNumber: s.person.idNumber, phone: s.person.phone ?? "",
                        address: s.person.address ?? "",
                        arrivedOn: "\(s.arrival.arrivedOn)", fromName: s.arrival.stays.last?.name ?? "",
                        category: s.arrival.category.label(.zh), measure: s.phaseToday?.kind.label(.zh) ?? "—",
                        status: s.measure.status.label(.zh))
                },
                total: total, pageLine: "共 \(total) 人，第 \(min(page, pages))/\(pages) 页",
                previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil,
                filters: [
                    .init(value: "all", label: "全部", selected: filter != "active"),
                    .init(value: "active", label: "管控中", selected: filter == "active"),
                ],
                kinds: [.init(value: "", label: "任何措施", selected: kind.isEmpty)]
                    + MeasureKind.allCases.map {
                        .init(value: $0.rawValue, label: $0.label(.zh), selected: $0.rawValue == kind)
                    },
                empty: total == 0)
            return app.pages.render(
                "people", title: "台账", active: "/people", content: view, app: app, context: context, request: request)
        }
    }
}
