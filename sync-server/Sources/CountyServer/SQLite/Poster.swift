import Foundation
import GRDB
import Mustache
import RegistryCore

/// The poster a village puts up at its entrance: its name, the instructions and a QR code of its declaration page
/// (`<base-url>/declare/<code>`), one A4 page per village, for `sync-server poster`.
public enum Poster {
    static let template: MustacheTemplate = {
        try! PageTemplate.parse(PackageResources.poster_mustache)
    }()

    struct View {
        let countyName: String
        let posters: [Page]
    }
    /// `qr`: the QR code as a data URI of its SVG, so that the template writes it escaped like every other value.
    struct Page { let villageName, townshipName, code, url, qr: String }

    /// The declaration address of a village under `baseURL` (http or https, no query): the only text written into
    /// the page unescaped is the QR code drawn from it, so the URL is checked first.
    public static func url(base: String, village: String) throws -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let parts = URLComponents(string: trimmed), ["http", "https"].contains(parts.scheme ?? ""),
            parts.host?.isEmpty == false,
            parts.query == nil, parts.fragment == nil
        else {
            throw RegistryError(
                .file, zh: "--base-url 应是 http(s)://县服务器地址，例如 https://county.example.cn",
                en: "--base-url must be the server's http(s) address, e.g. https://county.example.cn")
        }
        return "\(trimmed)/declare/\(village)"
    }

    /// The posters of `villages` (codes on the roster; all of them when nil), in roster order.
    public static func html(_ db: CountyDatabase, countyName: String, villages: [String]?, baseURL: String) throws
        -> String
    {
        let roster = try db.read { db in
            try VillageEntry.filter(VillageEntry.Columns.deleted == false).order(
                VillageEntry.Columns.townshipCode, VillageEntry.Columns.code
            ).fetchAll(
                db)
        }
        var chosen = roster
        if let villages {
            chosen = try villages.map { code in
                guard let entry = roster.first(where: { $0.code == code }) else {
                    throw RegistryError(.village, zh: "\(code) 不在村名册中", en: "\(code) is not on the roster")
                }
                return entry
            }
        }
        if chosen.isEmpty {
            throw RegistryError(
                .village, zh: "村名册是空的：先 sync-server villages import",
                en: "the roster is empty: run sync-server villages import first")
        }
        let pages = try chosen.map { entry in
            let url = try url(base: baseURL, village: entry.code)
            return Page(
                villageName: entry.name, townshipName: entry.townshipName, code: entry.code, url: url,
                qr: "data:image/svg+xml;base64," + Data(try QRCode(url).svg(size: "120mm").utf8).base64EncodedString())
        }
        return template.render(View(countyName: countyName, posters: pages))
    }
}
