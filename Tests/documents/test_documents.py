#!/usr/bin/env python3
"""The printable documents (issue 17), through the built `registry` binary: each HTML printed to PDF by headless
Chromium, then checked with poppler's pdfinfo (one A4 page) and pdftotext (the figures are on it).

    python3 Tests/documents/test_documents.py REGISTRY
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

REGISTRY = sys.argv[1]


def pdf(html, directory):
    out = f"{directory}/{os.path.basename(html)}.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", f"file://{html}"], check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", out], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", "-layout", out, "-"], check=True, capture_output=True, text=True).stdout
    return info, text


def village(directory, now):
    env = {**os.environ, "REGISTRY_DB": f"{directory}/r.sqlite", "REGISTRY_NOW": now}
    def registry(*args, check=True, at=None):
        run_env = {**env, "REGISTRY_NOW": at} if at else env
        return subprocess.run([REGISTRY, *args], env=run_env, check=check, capture_output=True, text=True)
    registry("init", "--village", "110105001001", "--name", "东村")
    return registry


class Documents(unittest.TestCase):
    def test_daily_report_prints_on_one_a4_page_with_every_figure(self):
        d = tempfile.mkdtemp(prefix="documents-")
        registry = village(d, "2022-07-10 17:00")
        registry("intake", "--name", "张三", "--id-number", "420102199003071232", "--from", "420102", "--departed", "2022-07-08",
                 "--arrived", "2022-07-10", "--category", "密接")
        registry("report", "submit", "--reporter", "王会计", "--remarks", "张三已转运")
        registry("report", "--format", "html", "-o", f"{d}/report.html")
        info, text = pdf(f"{d}/report.html", d)
        self.assertRegex(info, r"Pages:\s+1\n")
        self.assertIn("(A4)", info)
        for words in ("东村 返乡人员排查管控日报表", "2022-07-10", "王会计", "张三已转运", "审核人", "当日新增返乡人员"):
            self.assertIn(words, text)
        self.assertRegex(text, r"第\s*1\s*版")
        self.assertRegex(text, r"当日新增返乡人员\s+1\b")
        # The submission time as a clerk reads it, not ISO 8601.
        self.assertRegex(text, r"报送时间：\s*2022-07-10 17:00")
        self.assertNotIn("T17:00", text)

    def test_quarantine_and_release_notices_each_print_on_one_page(self):
        d = tempfile.mkdtemp(prefix="documents-")
        registry = village(d, "2022-07-10 10:00")
        person = "110105199001011232"
        registry("intake", "--name", "李四", "--id-number", person, "--phone", "13800138000", "--address", "东村三组12号",
                 "--from", "420102", "--departed", "2022-07-08", "--arrived", "2022-07-10", "--category", "密接")
        # No release notice for someone still under the measure: it would certify what has not happened.
        refused = registry("notice", person, "--kind", "release", "-o", f"{d}/early.html", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("尚未解除管控", refused.stderr)
        self.assertFalse(os.path.exists(f"{d}/early.html"))

        registry("notice", person, "--kind", "quarantine", "-o", f"{d}/quarantine.html")
        info, text = pdf(f"{d}/quarantine.html", d)
        self.assertRegex(info, r"Pages:\s+1\n")
        self.assertIn("(A4)", info)
        for words in ("集中隔离告知书", "李四", person, "13800138000", "东村三组12号", "湖北省武汉市江岸区",
                      "新型冠状病毒肺炎防控方案（第九版）", "被告知人（签字）", "告知单位：东村"):
            self.assertIn(words, text)
        self.assertRegex(text, r"集中隔离医学观察\s+2022-07-10 至 2022-07-15")
        self.assertRegex(text, r"居家健康监测\s+2022-07-16 至 2022-07-18")
        self.assertIn("7月10日", text)  # the first test day of the plan

        for day in ("2022-07-10", "2022-07-11", "2022-07-13", "2022-07-15", "2022-07-18"):
            registry("test", person, "--sampled", day, "--result", "negative", at=f"{day} 09:00")
        registry("release", person, at="2022-07-19 09:00")
        measure_notice = registry("notice", person, "--kind", "quarantine", check=False, at="2022-07-19 09:00")
        self.assertEqual(measure_notice.returncode, 1)
        registry("notice", person, "--kind", "release", "-o", f"{d}/release.html", at="2022-07-19 09:00")
        info, text = pdf(f"{d}/release.html", d)
        self.assertRegex(info, r"Pages:\s+1\n")
        flat = re.sub(r"\s+", "", text)  # sentences wrap anywhere in Chinese
        for words in ("解除隔离告知书", "李四", person, "采样5次，阴性5次", "自2022-07-19起解除管控", "7月18日", "阴性"):
            self.assertIn(words, flat)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
