#!/usr/bin/env python3
"""The county officer's dashboard (issue 22) in headless Chromium (Selenium with the system's chromium-driver), over
the real binaries: a county sync-server on 127.0.0.1 (SQLite) and village registries that sync to it. The officer's
path: open today, follow a missing village to its page and read the clerk's phone, open yesterday, follow a positive
person to their row, show persons in full; screenshots at phone and desktop widths, no page scrolls sideways. The
city officer's (issue 19): a city server above the county, its counties first, one click down to a county's villages.

    python3 sync-server/Tests/browser/test_dashboard.py REGISTRY SYNC_SERVER [SCREENSHOT_DIR]
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

REGISTRY, SERVER = sys.argv[1:3]
SHOTS = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="dashboard-shots-")
DAY = "2022-11-05"
ROSTER = [("110105001001", "东村", "110105001", "第一街道", "王会计 13800138001"),
          ("110105001002", "西村", "110105001", "第一街道", "赵会计 13800138002"),
          ("110105002001", "中村", "110105002", "第二街道", "李会计 13800138005")]
POSITIVE = "420102199003071232"


def run(*args, env=None):
    result = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stderr}")
    return result.stdout


def serve(env, directory):
    """Starts `sync-server serve` on a free port; its process and URL."""
    proc = subprocess.Popen([SERVER, "serve", "--port", "0"], env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=open(f"{directory}/serve.log", "a"), text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        found = re.search(r"listening on (\S+)", proc.stdout.readline() or "")
        if found:
            return proc, "http://" + found.group(1).rstrip("/")
    raise AssertionError("the server did not start")


class City:
    """北京市 above the county (and 丰台区, which has not linked yet): the county relays to it once, at 19:00."""

    def __init__(self, county):
        self.dir = tempfile.mkdtemp(prefix="city-")
        self.env = {"SYNC_SERVER_DB": f"{self.dir}/city.sqlite", "SYNC_SERVER_NOW": f"{DAY}T19:05:00+08:00"}
        run(SERVER, "init", "--region", "110100", "--level", "city", "--name", "北京市", env=self.env)
        with open(f"{self.dir}/counties.csv", "w") as f:
            f.write("code,name,parent_code\n110105,演示县,110100\n110106,丰台区,110100\n")
        run(SERVER, "regions", "import", f"{self.dir}/counties.csv", env=self.env)
        region = run(SERVER, "token", "issue", "--region", "110105", env=self.env).strip()
        self.token = run(SERVER, "token", "issue", "--county", env=self.env).strip()
        self.proc, self.url = serve(self.env, self.dir)
        run(SERVER, "upstream", "set", "--server", self.url, "--token", region, env=county.env)
        run(SERVER, "upstream", "sync", env=county.env)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class County:
    """A county whose 东村 reported on time with a positive, 西村 late, 中村 not at all; served at 19:00."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dashboard-")
        self.env = {"SYNC_SERVER_DB": f"{self.dir}/county.sqlite", "SYNC_SERVER_NOW": f"{DAY}T09:00:00+08:00"}
        run(SERVER, "init", "--county", "110105", "--name", "演示县", env=self.env)
        with open(f"{self.dir}/villages.csv", "w") as f:
            f.write("code,name,township_code,township_name,contact\n" + "".join(",".join(v) + "\n" for v in ROSTER))
        run(SERVER, "villages", "import", f"{self.dir}/villages.csv", env=self.env)
        self.token = run(SERVER, "token", "issue", "--county", env=self.env).strip()
        self.proc = None
        self.village(ROSTER[0], "16:50", POSITIVE)
        self.village(ROSTER[1], "18:30", "32010219751201003X")
        self.serve("19:00")

    def serve(self, at):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.env["SYNC_SERVER_NOW"] = f"{DAY}T{at}:00+08:00"
        self.proc, self.url = serve(self.env, self.dir)

    def village(self, entry, at, person):
        code, name = entry[0], entry[1]
        env = {"REGISTRY_DB": f"{self.dir}/{code}.sqlite", "REGISTRY_NOW": f"{DAY} {at}"}
        run(REGISTRY, "init", "--village", code, "--name", name, env=env)
        run(REGISTRY, "intake", "--name", "张三" if person == POSITIVE else "李四", "--id-number", person, "--from", "420102",
            "--departed", "2022-11-03", "--arrived", DAY, env=env)
        if person == POSITIVE:
            run(REGISTRY, "test", person, "--sampled", DAY, "--result", "阳性", env=env)
        run(REGISTRY, "report", "submit", "--reporter", "会计", env=env)
        self.serve(at)
        token = run(SERVER, "token", "issue", "--village", code, env=self.env).strip()
        run(REGISTRY, "sync", "run", "--server", self.url, "--token", token, env=env)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def log(self):
        with open(f"{self.dir}/serve.log") as f:
            return f.read()


def browser(width, height):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Headless Chromium keeps its window at least 500 px wide: a phone's width is emulated, as devtools does.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    return driver


class OfficersPath(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.county = County()
        # The token as the password of a Basic login (what the browser's login box sends); the name is the officer's.
        cls.base = cls.county.url.replace("http://", f"http://officer-li:{cls.county.token}@")

    @classmethod
    def tearDownClass(cls):
        cls.county.close()

    def setUp(self):
        self.driver = browser(1280, 1000)

    def tearDown(self):
        self.driver.quit()

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def test_officers_path(self):
        d = self.driver
        d.get(f"{self.base}/dashboard?date={DAY}")
        self.assertIn("演示县 返乡人员排查管控汇总", self.text())
        # The village that has not reported, with whom to phone; the late one, by how late.
        chase = d.find_element(By.ID, "chase").text
        self.assertIn("中村", chase)
        self.assertIn("李会计 13800138005", chase)
        self.assertRegex(chase, r"西村.*迟到 1 小时")
        d.find_element(By.LINK_TEXT, "中村").click()
        self.assertIn("当日未收到日报", self.text())
        self.assertEqual(d.find_element(By.ID, "contact").text, "李会计 13800138005")
        d.find_element(By.ID, "back").click()
        # Yesterday: its own date and figures.
        d.find_element(By.ID, "prev-day").click()
        self.assertIn("日期 2022-11-04", self.text())
        d.find_element(By.ID, "next-day").click()
        # The positive person, masked, to their row on their village's page.
        flagged = d.find_element(By.ID, "flagged")
        self.assertIn("阳性", flagged.text)
        self.assertNotIn(POSITIVE, self.text())
        flagged.find_element(By.PARTIAL_LINK_TEXT, "张").click()
        self.assertRegex(d.current_url, r"/dashboard/village/110105001001\?date=2022-11-05#flag-")
        row = d.find_element(By.CSS_SELECTOR, "tr:target")
        self.assertIn("阳性", row.text)
        self.assertIn("420102********1232", row.text)
        # In full, on one click, logged with who and which village.
        d.find_element(By.ID, "unmask").click()
        self.assertIn(POSITIVE, self.text())
        self.assertIn("officer-li", self.text())
        log = self.county.log()
        self.assertIn("persons shown unmasked", log)
        self.assertIn("village=110105001001", log)
        self.assertIn("user=officer-li", log)

    def test_city_officers_path(self):
        city = City(self.county)
        try:
            d = self.driver
            base = city.url.replace("http://", f"http://officer-wang:{city.token}@")
            d.get(f"{base}/dashboard?date={DAY}")
            body = self.text()
            self.assertIn("北京市 返乡人员排查管控汇总", body)
            # Its counties first, right under the counts: the county that relayed, and the one that has not linked.
            self.assertLess(body.index("各区县报送情况"), body.index("需要处理"))
            regions = d.find_element(By.ID, "regions").text
            self.assertRegex(regions, r"演示县\s*110105\s*3\s*2\s*1\s*1\s*1")  # expected, reported, on time, late, missing
            self.assertRegex(regions, r"丰台区\s*110106\s*尚无数据：未接入或从未上报")
            self.assertEqual(d.find_elements(By.ID, "chase"), [], "the top page chases counties, not every village")
            # One click down: the county's townships and villages, with whom to phone; back up.
            d.find_element(By.LINK_TEXT, "演示县").click()
            self.assertIn("region=110105", d.current_url)
            self.assertIn("北京市 · 演示县", self.text())
            # The clerks' phones stay with the county: the city phones the county.
            self.assertRegex(d.find_element(By.ID, "chase").text, r"中村 第二街道 未报 （由区县联系）")
            self.assertIn("第二街道", self.text())
            d.save_screenshot(f"{SHOTS}/city-county-1280.png")
            d.find_element(By.ID, "up").click()
            self.assertNotIn("region=", d.current_url)
            phone = browser(390, 844)
            try:
                phone.get(f"{base}/dashboard?date={DAY}")
                phone.save_screenshot(f"{SHOTS}/city-390.png")
                self.assertLessEqual(phone.execute_script("return document.documentElement.scrollWidth"), 390)
            finally:
                phone.quit()
        finally:
            city.close()

    def test_screenshots_fit_phone_and_desktop(self):
        for width, height in ((390, 844), (1280, 1000)):
            d = browser(width, height)
            try:
                for path in (f"/dashboard?date={DAY}", f"/dashboard/village/110105001001?date={DAY}"):
                    d.get(self.base + path)
                    name = "dashboard" if "village" not in path else "village"
                    d.save_screenshot(f"{SHOTS}/{name}-{width}.png")
                    self.assertEqual(d.execute_script("return window.innerWidth"), width)
                    scroll = d.execute_script("return document.documentElement.scrollWidth")
                    self.assertLessEqual(scroll, width, f"{path} scrolls sideways at {width} px")
                    # No table squeezed to a character per line (issue 37): a short header or value holds on one
                    # line; a wide table scrolls inside its own box instead.
                    squeezed = d.execute_script(SQUEEZED_CELLS)
                    self.assertEqual(squeezed, [], f"{path} at {width} px: cells broken into lines")
            finally:
                d.quit()


# The text of table cells of at most 6 characters that the browser broke over more than one line.
SQUEEZED_CELLS = """
return [...document.querySelectorAll('th, td')].filter(cell => {
    const text = cell.textContent.trim();
    if (text.length < 2 || text.length > 6) return false;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return tops.size > 1;
}).map(cell => cell.textContent.trim());
"""


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
