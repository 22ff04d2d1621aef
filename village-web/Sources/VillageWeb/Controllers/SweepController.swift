import Foundation
import Hummingbird
import RegistryCore

/// `/sweep`: 入户排查 on a phone at the door. The open round's households still to visit, by grid, each with one tap
/// per outcome (plain forms, no script); the page reloads to what is still open. Without a round: the county's
/// orders to answer and the form that starts one.
struct SweepController: Sendable {
    let app: WebApp

    struct Household: Sendable {
        let id, address, head, intakeHref: String
        /// Nil when nobody-home was never met (a section over 0 would still render).
        let nobodyHome: Int?
    }
    struct Grid: Sendable {
        let name: String
        let total, visited: Int
        let open: [Household]
    }
    struct Order: Sendable {
        let reason, due: String
    }
    struct View: Sendable {
        let open: Bool
        let reason, coverage: String
        /// Nil when the round has no due time.
        let due: String?
        let complete: Bool
        let grids: [Grid]
        let orders: [Order]
        let hasOrders: Bool
        let error: String?
    }

    func add(to router: Router<WebContext>) {
        router.get("/sweep") { request, context in try page(nil, request: request, context: context) }
        router.post("/sweep/start") { request, context in
            let form = try await PostedForm.read(request, context)
            switch app.attempt({
                try app.registry.startSweep(reason: form.optional("reason"), due: form.optional("due"))
            })
            {
            case .success: return Pages.redirect("/sweep", done: .sweepStarted)
            case .failure(let error):
                return try page(error, request: request, context: context, status: .unprocessableContent)
            }
        }
        router.post("/sweep/visit") { request, context in
            let form = try await PostedForm.read(request, context)
            switch app.attempt({
                try app.registry.recordVisit(
                    form["household"], result: form["result"],
                    returnees: form.optional("returnees").flatMap { Int($0) },
                    note: form.optional("note"))
            }) {
            case .success(let done):
                return Pages.redirect("/sweep", done: done.visit.result.reaches ? .visited : .visitedOpen)
            case .failure(let error):
                return try page(error, request: request, context: context, status: .unprocessableContent)
            }
        }
        router.post("/sweep/close") { request, context in
            let form = try await PostedForm.read(request, context)
            switch app.attempt({ try app.registry.closeSweep(reason: form.optional("reason")) }) {
            case .success: return Pages.redirect("/sweep", done: .sweepClosed)
            case .failure(let error):
                return try page(error, request: request, context: context, status: .unprocessableContent)
            }
        }
    }

    func page(_ error: RegistryError?, request: Request, context: WebContext, status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        let sweep = try app.registry.sweepStatus()
        let orders = try app.registry.sweepOrders().map { Order(reason: $0.reason, due: $0.dueAt) }
        var grids: [Grid] = []
        if let sweep = sweep {
            let open = Dictionary(grouping: sweep.open, by: { $0.grid ?? "" })
            grids = sweep.by_grid.map { grid in
                Grid(
                    name: grid.grid.isEmpty ? "未分网格" : grid.grid, total: grid.total, visited: grid.visited,
                    open: (open[grid.grid] ?? []).map {
                        Household(
                            id: $0.household, address: $0.address, head: $0.head_name ?? "",
                            intakeHref: "/intake?household="
                                + ($0.address.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                            nobodyHome: $0.nobody_home > 0 ? $0.nobody_home : nil)
                    })
            }
        }
        let view = View(
            open: sweep != nil, reason: sweep?.round.reason ?? "",
            coverage: sweep.map { "已排查 \($0.households_visited)/\($0.households_total) 户，未排查 \($0.households_open) 户" }
                ?? "",
            due: sweep?.round.due, complete: sweep?.households_open == 0, grids: grids, orders: orders,
            hasOrders: !orders.isEmpty,
            error: error?.message(.zh))
        return app.pages.render(
            "sweep", title: "入户排查", active: "/sweep", content: view, app: app, context: context, request: request,
            status: status)
    }
}
