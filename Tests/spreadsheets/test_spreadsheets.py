#!/usr/bin/env python3
"""Files that pass through a spreadsheet (issue 17), through the built `registry` binary and real spreadsheet
programs: LibreOffice headless (from the system packages) and openpyxl (PyPI). Run by scripts/test.sh; by hand:

    python3 Tests/spreadsheets/test_spreadsheets.py REGISTRY
"""
import csv
import datetime
import io
import os
import subprocess
import sys
import tempfile
import unittest

import openpyxl

REGISTRY = sys.argv[1]
NOW = "2022-11-05 10:00"
PEOPLE = [  # name, id number, phone, from, departed, arrived
    ("张三", "420102199003071232", "13800138000", "湖北省武汉市江岸区", "2022-11-01", "2022-11-02"),
    ("李四", "32010219751201003X", "", "上海市浦东新区", "2022-11-01", "2022-11-03"),
    ("王五", "110101199001011237", "13900139000", "北京市东城区", "2022-11-02", "2022-11-04"),
]


class Village:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="spreadsheet-")
        self.db = f"{self.dir}/registry.sqlite"
        self.run("init", "--village", "110105001001", "--name", "东村")

    def run(self, *args, check=True):
        result = subprocess.run([REGISTRY, *args], env={**os.environ, "REGISTRY_DB": self.db, "REGISTRY_NOW": NOW},
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"registry {' '.join(args)}: {result.stderr}")
        return result

    def ids(self):
        rows = list(csv.DictReader(io.StringIO(self.run("list", "--format", "csv").stdout.lstrip("\ufeff"))))
        return sorted(row["身份证号"].strip('="') for row in rows)


def soffice(dir, target, source, infilter=None):
    """Converts with LibreOffice headless in its own profile (parallel runs do not share one)."""
    args = ["soffice", f"-env:UserInstallation=file://{dir}/lo-profile", "--headless", "--convert-to", target, "--outdir", dir, source]
    if infilter:
        args[3:3] = [f"--infilter={infilter}"]
    subprocess.run(args, check=True, capture_output=True, timeout=180)


class Spreadsheets(unittest.TestCase):
    def registered(self):
        village = Village()
        for name, id_number, phone, place, departed, arrived in PEOPLE:
            args = ["intake", "--name", name, "--id-number", id_number, "--from", place, "--departed", departed, "--arrived", arrived]
            if phone:
                args += ["--phone", phone]
            village.run(*args)
        return village

    def test_csv_round_trip_through_libreoffice_keeps_every_id_number(self):
        village = self.registered()
        village.run("export", "-o", f"{village.dir}/export.csv")
        # CSV → xlsx → CSV, as a clerk opening the export and saving it again does.
        soffice(village.dir, "xlsx", f"{village.dir}/export.csv", infilter="CSV:44,34,76")
        os.rename(f"{village.dir}/export.xlsx", f"{village.dir}/opened.xlsx")
        sheet = openpyxl.load_workbook(f"{village.dir}/opened.xlsx").active
        shown = sorted(str(row[0].value).strip('="') for row in sheet.iter_rows(min_row=2))
        self.assertEqual(shown, sorted(p[1] for p in PEOPLE), "every id number as text, all 18 digits")
        soffice(village.dir, "csv:Text - txt - csv (StarCalc):44,34,76", f"{village.dir}/opened.xlsx")
        copy = Village()
        result = copy.run("import", f"{village.dir}/opened.csv")
        self.assertIn("新增 3", result.stdout)
        self.assertEqual(copy.ids(), sorted(p[1] for p in PEOPLE))

    def test_xlsx_export_reads_in_openpyxl_and_libreoffice_and_imports_back(self):
        village = self.registered()
        village.run("export", "--format", "xlsx", "-o", f"{village.dir}/export.xlsx")
        book = openpyxl.load_workbook(f"{village.dir}/export.xlsx")
        sheet = book.active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet["A1"].value, "身份证号")
        self.assertTrue(sheet["A1"].font.b)
        ids = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(sorted(ids), sorted(p[1] for p in PEOPLE))
        self.assertTrue(all(row[0].data_type == "s" and row[0].number_format == "@" for row in ids.values()))
        self.assertEqual(ids["420102199003071232"][4].value, "13800138000")
        self.assertGreater(sheet.column_dimensions["A"].width, 18)
        # LibreOffice opens it and writes it back as xlsx; the registry reads that too.
        os.makedirs(f"{village.dir}/lo", exist_ok=True)
        soffice(f"{village.dir}/lo", "xlsx", f"{village.dir}/export.xlsx")
        for path in (f"{village.dir}/export.xlsx", f"{village.dir}/lo/export.xlsx"):
            copy = Village()
            self.assertIn("新增 3", copy.run("import", path).stdout)
            self.assertEqual(copy.ids(), sorted(p[1] for p in PEOPLE))
            self.assertEqual(copy.run("export").stdout, village.run("export").stdout, path)

    def test_a_clerks_workbook_from_openpyxl(self):
        path = tempfile.mkdtemp(prefix="clerk-book-") + "/返乡人员.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "说明"
        sheet.append(["这一页是填表说明"])
        data = book.create_sheet("登记")
        data.append(["东村返乡人员登记表（十一月）"])  # a title row above the header
        data.append(["姓名", "身份证号", "手机号", "来源地", "离开日期", "到达日期"])
        data.append(["张三", "420102199003071232", 13800138000, "武汉市江岸区", datetime.date(2022, 11, 1), "2022-11-02"])
        data.append(["王五", "110101199001011237", None, "北京市东城区", datetime.date(2022, 11, 2), datetime.date(2022, 11, 4)])
        data.cell(row=4, column=6).number_format = 'yyyy"年"m"月"d"日"'
        data.append(["钱七", 440306198808155614, None, "深圳市南山区", "2022-11-01", "2022-11-02"])  # a wrong id stored as a number
        book.save(path)
        village = Village()
        refused = village.run("import", path, "--sheet", "登记", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("第 5 行", refused.stderr)  # the row number Excel shows
        self.assertIn("未导入任何数据", refused.stdout)
        self.assertIn("缺少必需的列", village.run("import", path, check=False).stderr)  # the first sheet is the notes
        result = village.run("import", path, "--sheet", "登记", "--skip-invalid")
        self.assertIn("新增 2", result.stdout)
        shown = village.run("show", "420102199003071232", "--format", "json").stdout
        self.assertIn('"phone" : "13800138000"', shown)  # a phone stored as a number reads back exactly
        self.assertIn('"arrived_on" : "2022-11-04"', village.run("show", "110101199001011237", "--format", "json").stdout)
        self.assertIn("没有名为", village.run("import", path, "--sheet", "无此表", check=False).stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
