import Foundation
import RegistryCore
import RegistrySync
import Testing

/// `sync-server merge --mask` (issue 17): what goes up to the city names nobody in full.
@Suite("Masked merge", .serialized)
struct MaskedMergeTests {
    @Test(
        "a person registered in two villages: the masked merge keeps the duplicate, masked; unmasked without the flag")
    func maskedDuplicates() async throws {
        let county = try ServerHarness()
        try county.start()
        for code in ["110105001001", "110105001002"] {
            let token = try county.command(["token", "issue", "--village", code])
            let village = try makeVillage(county, code: code)
            try intake(village, name: "欧阳娜娜", id: "420102199003071232")
            _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        }
        let masked = try county.command(["merge", "--format", "json", "--mask"])
        #expect(masked.contains("420102********1232") && masked.contains("欧**娜"))
        #expect(!masked.contains("420102199003071232") && !masked.contains("欧阳娜娜") && !masked.contains("13800138000"))
        let full = try county.command(["merge", "--format", "json"])
        #expect(full.contains("420102199003071232"))
        let table = try county.command(["merge", "--mask"])
        #expect(table.contains("420102********1232") && !table.contains("420102199003071232"), "\(table)")
        // The day's merge as a workbook: one row per village, codes as text.
        let path = county.path("merge.xlsx")
        _ = try county.command(["merge", "--format", "xlsx", "-o", path])
        let book = try XLSXFile(path: path)
        #expect(book.header.prefix(5) == ["日期", "乡镇代码", "乡镇", "村代码", "村名"])
        #expect(
            book.rows.contains { $0.fields[3] == "110105001001" }
                && book.rows.contains { $0.fields[3] == "110105001002" })
    }
}
