import Foundation
import Testing

@testable import RegistryCore

/// `text` in GB18030, as Excel on a Chinese Windows saves it (through the system's iconv).
func gb18030(_ text: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

@Suite("Import from Excel-saved CSV")
struct ImportTests {
    let chinese =
        "身份证号,姓名,手机号,来源地代码,来源地,离开日期,到达日期\r\n"
        + "420102199003071232,张三,13800138000,420102,\"武汉市,江岸区\",2022-07-01,2022-07-02\r\n"
        + "420102199003071232,张三,13800138000,310115,上海,2022-06-25,2022-07-02\r\n"
        + "32010219751201003X,李四,,420102,\"多行\n地址\",2022-07-01,2022-07-03\r\n\r\n\r\n"

    @Test("GB18030 with Chinese headers: detected, quoted commas and line breaks, stays grouped into one trip")
    func gbFile() throws {
        let registry = try makeRegistry()
        let csv = try CSVFile(data: try gb18030(chinese), file: "x.csv")
        #expect(csv.encoding == .gb18030)
        let report = try registry.importArrivals(csv)
        #expect(report.imported == 2 && report.rejected.isEmpty && report.written)
        let file = try registry.file("420102199003071232")
        #expect(file.trips.count == 1)
        #expect(file.trips[0].arrival.stays.map(\.name) == ["武汉市,江岸区", "上海"])
        #expect(try registry.file("32010219751201003X").trips[0].arrival.stays[0].name == "多行\n地址")
    }

    @Test("UTF-8 with BOM, English headers in another order, and one Chinese header mixed in; unknown columns reported")
    func bomAndMixedHeaders() throws {
        let registry = try makeRegistry()
        let text =
            "\u{FEFF}arrived,from_code,姓名,id_number,departed,remark\n2022-07-02,420102,张三,420102199003071232,2022-07-01,x\n"
        let csv = try CSVFile(data: Data(text.utf8), file: "x.csv")
        #expect(csv.encoding == .utf8BOM)
        let report = try registry.importArrivals(csv)
        #expect(report.imported == 1)
        #expect(report.unknownColumns == ["remark"])
    }

    /// Run with pass 1 keeping every validated row (the usual case) and keeping only one, so that pass 2's
    /// validation of the rows past the kept ones (a file of more than `Registry.keptIntakes` rows) is held too.
    @Test(
        "a bad check digit on line 4: every bad row listed, nothing written; then the rest imported",
        arguments: [Registry.keptIntakes, 1])
    func allOrNothing(keeping: Int) throws {
        let registry = try makeRegistry()
        let bad = chinese.replacingOccurrences(of: "32010219751201003X", with: "320102197512010031")
        let before = try snapshot(registry)
        let report = try registry.importArrivals(try CSVFile(data: Data(bad.utf8), file: "x.csv"), keeping: keeping)
        #expect(!report.written)
        #expect(report.rejected.map(\.line) == [4])
        #expect(report.rejected[0].error.field == .idNumber)
        #expect(try snapshot(registry) == before)

        let partial = try registry.importArrivals(
            try CSVFile(data: Data(bad.utf8), file: "x.csv"), mode: .skipInvalid, keeping: keeping)
        #expect(partial.imported == 1 && partial.rejected.count == 1)
        let trips = try registry.file("420102199003071232").trips
        #expect(trips.count == 1 && trips[0].arrival.stays.map(\.code) == ["420102", "310115"])
    }

    @Test("re-importing the same file creates nothing new")
    func reimport() throws {
        let registry = try makeRegistry()
        _ = try registry.importArrivals(try CSVFile(data: Data(chinese.utf8), file: "x.csv"))
        let before = try snapshot(registry)
        let again = try registry.importArrivals(try CSVFile(data: Data(chinese.utf8), file: "x.csv"))
        #expect(again.imported == 0 && again.alreadyPresent == 2)
        #expect(try snapshot(registry) == before)
    }

    @Test("a dry run validates and writes nothing")
    func dryRun() throws {
        let registry = try makeRegistry()
        let before = try snapshot(registry)
        let report = try registry.importArrivals(try CSVFile(data: Data(chinese.utf8), file: "x.csv"), dryRun: true)
        #expect(!report.written && report.rejected.isEmpty)
        #expect(try snapshot(registry) == before)
    }

    @Test("a missing required column is refused by name; a binary file is refused as not text")
    func badFiles() throws {
        let registry = try makeRegistry()
        #expect {
            try registry.importArrivals(try CSVFile(data: Data("姓名,身份证号\n张三,420102199003071232\n".utf8), file: "x.csv"))
        } throws: { ($0 as? RegistryError)?.message(.en).contains("from_code") ?? false }
        #expect(throws: RegistryError.self) { try CSVFile(data: Data([0xFF, 0xFE, 0x00, 0x81, 0x30]), file: "x.xlsx") }
    }
}

/// An id number typed into a number cell of a workbook (issue 37): named as Excel's conversion, not a check digit.
@Suite("Numbers from workbooks")
struct WorkbookNumberTests {
    @Test("a whole number over 15 digits reads as Excel shows it and is refused as converted; shorter ones stay whole")
    func longNumbers() {
        let shown = XLSXFile.number("1.30109199003071E+17")
        #expect(shown == "1.30109199003071E+17", "\(shown)")
        #expect(XLSXFile.number("130109199003071232") == "1.30109199003071E+17")
        #expect(XLSXFile.number("13800138000") == "13800138000")
        #expect(XLSXFile.number("36.799999999999997") == "36.8")
        do {
            _ = try ResidentID(shown)
            Issue.record("a converted number was taken")
        } catch let error as RegistryError {
            #expect(error.message(.zh).contains("被 Excel 改成的科学计数法"), "\(error.message(.zh))")
        } catch {
            Issue.record("\(error)")
        }
    }
}
