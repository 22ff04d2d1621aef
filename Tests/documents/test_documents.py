#!/usr/bin/env python3
"""The printable documents (issue 17), through the built `registry` binary: each HTML printed to PDF by headless
Chromium, then checked with poppler's pdfinfo (one A4 page) and pdftotext (the figures are on it).

    python3 Tests/documents/test_documents.py REGISTRY [SYNC_SERVER]

With SYNC_SERVER, the county's printable summary (`sync-server merge --format html`) too: a county on 127.0.0.1
whose villages report on time, late and not at all.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

REGISTRY = sys.argv[1]
SERVER = sys.argv[2] if len(sys.argv) > 2 else None


def pdf(html, directory):
    out = f"{directory}/{os.path.basename(html)}.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", f"file://{html}"], check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", out], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", "-layout", out, "-"], check=True, capture_output=True, text=True).stdout
    return info, text


def village(directory, now, code="110105001001", name="东村"):
    """A new village registry in `directory` whose clock reads `now`; returns a function running `registry` on it."""
    os.makedirs(directory, exist_ok=True)
    env = {**os.environ, "REGISTRY_DB": f"{directory}/r.sqlite", "REGISTRY_NOW": now}
    def registry(*args, check=True, at=None):
        run_env = {**env, "REGISTRY_NOW": at} if at else env
        result = subprocess.run([REGISTRY, *args], env=run_env, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"registry {' '.join(args)}: {result.stderr}")
        return result
    registry("init", "--village", code, "--name", name)
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


@unittest.skipUnless(SERVER, "needs the sync-server binary")
class CountySummary(unittest.TestCase):
    def test_county_summary_prints_on_one_page_naming_the_villages_to_chase(self):
        d = tempfile.mkdtemp(prefix="documents-county-")
        county_env = {**os.environ, "SYNC_SERVER_DB": f"{d}/county.sqlite", "SYNC_SERVER_NOW": "2022-07-10T10:00:00+08:00"}
        def server(*args):
            return subprocess.run([SERVER, *args], env=county_env, check=True, capture_output=True, text=True).stdout
        server("init", "--county", "110105", "--name", "演示县")
        roster = [("110105001001", "东村", "110105001", "第一镇"), ("110105001002", "西村", "110105001", "第一镇"),
                  ("110105002001", "南村", "110105002", "第二镇"), ("110105002002", "北村", "110105002", "第二镇")]
        with open(f"{d}/villages.csv", "w") as f:
            f.write("code,name,township_code,township_name\n" + "".join(",".join(v) + "\n" for v in roster))
        server("villages", "import", f"{d}/villages.csv")
        # 东村 reports at 16:00 with two arrivals, 南村 at 18:30 (late) with one; 西村 and 北村 send nothing. The county
        # runs while each syncs, its clock at the village's (a report is on time only if it arrived when it says).
        for (code, name, *_), at, arrivals in ((roster[0], "2022-07-10 16:00", 2), (roster[2], "2022-07-10 18:30", 1)):
            registry = village(f"{d}/{code}", at, code, name)
            for i in range(arrivals):
                registry("intake", "--name", f"返乡{i}", "--id-number", ["420102199003071232", "110105199001011232"][i],
                         "--from", "420102", "--departed", "2022-07-08", "--arrived", "2022-07-10", "--category", "密接")
            registry("report", "submit", "--reporter", "会计")
            token = server("token", "issue", "--village", code).strip()
            county_env["SYNC_SERVER_NOW"] = at.replace(" ", "T") + ":00+08:00"
            proc = subprocess.Popen([SERVER, "serve", "--port", "0"], env=county_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                url = None
                deadline = time.time() + 30
                while url is None and time.time() < deadline and proc.poll() is None:
                    found = re.search(r"listening on (\S+)", proc.stdout.readline() or "")
                    url = found and "http://" + found.group(1).rstrip("/")
                self.assertIsNotNone(url, "the county server did not start")
                registry("sync", "run", "--server", url, "--token", token)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        county_env["SYNC_SERVER_NOW"] = "2022-07-10T19:00:00+08:00"
        server("merge", "--date", "2022-07-10", "--format", "html", "-o", f"{d}/summary.html")
        info, text = pdf(f"{d}/summary.html", d)
        self.assertRegex(info, r"Pages:\s+1\n")
        self.assertIn("(A4)", info)
        flat = re.sub(r"\s+", "", text)
        for words in ("演示县返乡人员排查管控日报汇总表", "日期：2022-07-10", "报送截止：17:00", "应报4个村（社区），已报2",
                      "未报：西村", "迟报：南村", "未报：北村", "审核人", "报出时间：2022-07-1019:00"):
            self.assertIn(words, flat)
        self.assertRegex(text, r"按时报送\s+1\s+迟报\s+1\s+未报\s+2")
        self.assertRegex(text, r"第一镇\s+2\s+1\s+0\s+1")
        self.assertRegex(text, r"当日新增返乡人员\s+3\b")
        self.assertNotIn("420102199003071232", text)  # the page names no person

    def test_a_county_of_500_villages_nobody_reported_still_prints_on_one_page(self):
        d = tempfile.mkdtemp(prefix="documents-county-")
        env = {**os.environ, "SYNC_SERVER_DB": f"{d}/county.sqlite", "SYNC_SERVER_NOW": "2022-07-10T19:00:00+08:00"}
        subprocess.run([SERVER, "init", "--county", "110105", "--name", "演示县"], env=env, check=True, capture_output=True)
        with open(f"{d}/villages.csv", "w") as f:
            f.write("code,name,township_code,township_name\n")
            for t in range(1, 26):
                f.writelines(f"110105{t:03d}{v:03d},第{t}镇{v}村,110105{t:03d},第{t}镇\n" for v in range(1, 21))
        subprocess.run([SERVER, "villages", "import", f"{d}/villages.csv"], env=env, check=True, capture_output=True)
        subprocess.run([SERVER, "merge", "--format", "html", "-o", f"{d}/summary.html"], env=env, check=True, capture_output=True)
        info, text = pdf(f"{d}/summary.html", d)
        self.assertRegex(info, r"Pages:\s+1\n")
        flat = re.sub(r"\s+", "", text)
        self.assertIn("应报500个村（社区），已报0", flat)
        self.assertRegex(flat, r"未报：第25镇1村、第25镇2村、(第25镇\d+村、)*第25镇\d+村等20个")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
