#!/usr/bin/env python3
"""The clerk's pages and the returnee's declaration form, driven in headless Chromium (Selenium with the system's
chromium-driver, offline), over the real binaries: a county sync-server on 127.0.0.1 (SQLite), a village registry
and its registry-web. Run by scripts/test.sh; by hand:

    python3 village-web/Tests/browser/test_pages.py REGISTRY SYNC_SERVER REGISTRY_WEB [SCREENSHOT_DIR]
"""
import base64
import datetime
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import openpyxl
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

REGISTRY, SERVER, WEB = sys.argv[1:4]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="clerk-pages-")
VILLAGE = "110105001001"
NOW_VILLAGE = "2022-11-05 10:00"
NOW_COUNTY = "2022-11-05T10:00:00+08:00"


def run(*args, env=None, check=True):
    result = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stderr}")
    return result


def start(args, env, pattern):
    """Starts a server with --port 0 and returns (process, base URL) once it prints its address."""
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        found = re.search(pattern, line or "")
        if found:
            return proc, found.group(1).rstrip("/")
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"{args[0]} did not start")


def browser(width, height):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Headless Chromium keeps its window at least 500 px wide: a phone's width is emulated, as devtools does, so that
    # "no sideways scroll at 390 px" is measured at 390 px.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    return driver


def click_and_wait(driver, element):
    """Clicks a submit button and waits for the next page (the old one goes stale), so that no assertion reads the
    page the form was on."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:  # stale, or "does not belong to the document" while the next page loads
            return True
    WebDriverWait(driver, 20).until(gone)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def set_date(driver, element, value):
    """A date picker takes keys in the browser's locale order; the value is set as a picker would set it."""
    driver.execute_script("arguments[0].value = arguments[1]", element, value)


class World:
    """A county with one village on its roster, the village's registry, its pages and a village token."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="clerk-world-")
        self.county_env = {"SYNC_SERVER_DB": f"{self.dir}/county.sqlite", "SYNC_SERVER_NOW": NOW_COUNTY}
        self.village_env = {"REGISTRY_DB": f"{self.dir}/village.sqlite", "REGISTRY_NOW": NOW_VILLAGE}
        run(SERVER, "init", "--county", "110105", "--name", "演示县", env=self.county_env)
        with open(f"{self.dir}/villages.csv", "w") as f:
            f.write(f"code,name,township_code,township_name\n{VILLAGE},东村,110105001,第一街道\n")
        run(SERVER, "villages", "import", f"{self.dir}/villages.csv", env=self.county_env)
        self.token = run(SERVER, "token", "issue", "--village", VILLAGE, env=self.county_env).stdout.strip()
        self.county, self.county_url = start([SERVER, "serve", "--port", "0"], self.county_env, r"listening on (\S+)")
        self.county_url = "http://" + self.county_url
        run(REGISTRY, "init", "--village", VILLAGE, "--name", "东村", env=self.village_env)
        self.web, self.url = start([WEB, "--port", "0"], self.village_env, r"clerk pages on (\S+)")

    def close(self):
        for proc in (self.web, self.county):
            proc.terminate()
            proc.wait(timeout=10)


class ClerkPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.driver = browser(1280, 900)
        cls.wait = WebDriverWait(cls.driver, 20)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.world.close()

    def open(self, path):
        self.driver.get(self.world.url + path)

    def fill(self, fields):
        for name, value in fields.items():
            element = self.driver.find_element(By.NAME, name)
            if element.tag_name == "select":
                element.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
            elif element.get_attribute("type") == "date":
                set_date(self.driver, element, value)
            else:
                element.clear()
                element.send_keys(value)

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def test_1_register_check_report(self):
        self.open("/intake")
        # A wrong check digit: the form comes back with the message beside the id number, the rest kept.
        self.fill({"name": "张三", "id_number": "420102199003071231", "phone": "13800138000", "from": "湖北省武汉市江岸区",
                   "departed": "2022-11-01", "arrived": "2022-11-02", "address": "3 组 12 号"})
        click_and_wait(self.driver, self.driver.find_element(By.ID, "save"))
        self.assertIn("校验位", self.text("#id_number-error"))
        self.assertEqual(self.driver.find_element(By.NAME, "name").get_attribute("value"), "张三")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, ".error")), 1)
        # Corrected: the plan first, then saved; the person's page opens.
        self.fill({"id_number": "420102199003071232"})
        click_and_wait(self.driver, self.driver.find_element(By.ID, "preview"))
        self.assertTrue(self.text("#plan-category"))
        self.assertIn("尚未保存", self.text("#plan"))
        click_and_wait(self.driver, self.driver.find_element(By.ID, "save"))
        self.wait.until(lambda d: "/people/420102199003071232" in d.current_url)
        self.assertIn("已登记", self.text("#flash"))
        self.assertIn("张三", self.text("#person-name"))
        # A temperature check from the person's page.
        form = self.driver.find_element(By.ID, "form-check")
        form.find_element(By.NAME, "temp").send_keys("36.6")
        click_and_wait(self.driver, form.find_element(By.CSS_SELECTOR, "button"))
        self.assertIn("体温已记录", self.text("#flash"))
        self.assertIn("36.6", self.text("#checks"))
        # A wrong temperature is refused beside its field.
        form = self.driver.find_element(By.ID, "form-check")
        form.find_element(By.NAME, "temp").send_keys("3b.6")
        click_and_wait(self.driver, form.find_element(By.CSS_SELECTOR, "button"))
        self.assertTrue(self.text("#temp-error"))
        # The list finds them by name.
        self.open("/people?q=" + urllib.parse.quote("张三"))
        self.assertIn("420102199003071232", self.text("#people"))
        # The daily report, submitted with the reporter's name.
        self.open("/report")
        self.assertIn("尚未报送", self.text("#report-status"))
        self.fill({"reporter": "王会计"})
        click_and_wait(self.driver, self.driver.find_element(By.ID, "submit-report"))
        self.assertIn("已报送第 1 版", self.text("#report-status"))
        self.assertIn("王会计", self.text("#report-status"))

    def test_1b_quick_check_from_the_work_list(self):
        # A close contact (set by hand: only a stricter category) is under a measure: listed for checks today.
        self.open("/intake")
        self.fill({"name": "王五", "id_number": "110101199001011237", "from": "北京市东城区", "departed": "2022-11-03",
                   "arrived": "2022-11-04", "category": "close_contact"})
        click_and_wait(self.driver, self.driver.find_element(By.ID, "save"))
        self.open("/today")
        row = next(r for r in self.driver.find_elements(By.CSS_SELECTOR, "#checks_missing + table tr") if "王五" in r.text)
        self.assertIn("已测 0/2", row.text)
        row.find_element(By.NAME, "temp").send_keys("36.5")
        click_and_wait(self.driver, row.find_element(By.CSS_SELECTOR, "button"))
        self.assertTrue(self.driver.current_url.endswith("/today?done=checked#checks_missing"))
        self.assertIn("体温已记录", self.text("#flash"))
        row = next(r for r in self.driver.find_elements(By.CSS_SELECTOR, "#checks_missing + table tr") if "王五" in r.text)
        self.assertIn("已测 1/2", row.text)

    def test_2_declaration_reaches_the_village(self):
        phone = browser(390, 844)
        try:
            phone.get(f"{self.world.county_url}/declare/{VILLAGE}")
            def fill(fields):
                for name, value in fields.items():
                    element = phone.find_element(By.NAME, name)
                    if element.get_attribute("type") == "date":
                        set_date(phone, element, value)
                        continue
                    element.clear()
                    element.send_keys(value)
            fill({"name": "李四", "id_number": "32010219751201003", "phone": "13700137000", "from": "上海市浦东新区",
                  "departed": "2022-11-03", "arrived": "2022-11-04", "address": "5 组 2 号", "transport": "火车 G7"})
            click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button"))
            self.assertTrue(phone.find_element(By.ID, "id_number-error").text)
            fill({"id_number": "32010219751201003X"})
            click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button"))
            self.assertIn("申报已收到", phone.find_element(By.ID, "declared").text)
            self.assertNotIn("李四", phone.page_source)  # nothing echoed back
            phone.save_screenshot(f"{SHOTS}/declare-phone.png")
        finally:
            phone.quit()
        # The clerk syncs from the sync page (the page reloads itself until the sync is done).
        self.open("/sync")
        self.fill({"server": self.world.county_url, "token": self.world.token})
        click_and_wait(self.driver, self.driver.find_element(By.ID, "sync-now"))
        self.wait.until(lambda d: d.find_elements(By.ID, "sync-outcome") or d.find_elements(By.ID, "sync-failed"))
        self.assertIn("同步完成", self.text("#sync-outcome"))
        # 今日工作 lists the declaration; registering from it fills the form and closes it.
        self.open("/today")
        row = self.driver.find_element(By.CSS_SELECTOR, "tr.declaration")
        self.assertIn("李四", row.text)
        click_and_wait(self.driver, row.find_element(By.LINK_TEXT, "核实登记"))
        self.assertEqual(self.driver.find_element(By.NAME, "id_number").get_attribute("value"), "32010219751201003X")
        self.assertEqual(self.driver.find_element(By.NAME, "from").get_attribute("value"), "310115")
        self.assertIn("自主申报", self.text("#lead-line"))
        click_and_wait(self.driver, self.driver.find_element(By.ID, "save"))
        self.wait.until(lambda d: "/people/32010219751201003X" in d.current_url)
        self.open("/today")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "tr.declaration"), [])
        # The closed lead and the new person go up at the next sync.
        self.open("/sync")
        click_and_wait(self.driver, self.driver.find_element(By.ID, "sync-now"))
        self.wait.until(lambda d: d.find_elements(By.ID, "sync-outcome"))
        self.assertEqual(self.text("#pending"), "0")

    def test_2b_import_and_export(self):
        # A file saved by Excel in GB18030, one good row and one with a wrong check digit.
        path = f"{self.world.dir}/名单.csv"
        with open(path, "wb") as f:
            f.write("姓名,身份证号,手机号,来源地,离开日期,到达日期\n赵六,440306198808155615,13600136000,深圳市南山区,2022-11-01,2022-11-02\n"
                    "钱七,440306198808155614,,深圳市南山区,2022-11-01,2022-11-02\n".encode("gb18030"))
        self.open("/files")
        self.driver.find_element(By.NAME, "file").send_keys(path)
        click_and_wait(self.driver, self.driver.find_element(By.ID, "import"))
        self.assertIn("未导入任何数据", self.text("#import-summary"))  # all or nothing by default
        self.assertIn("第 3 行", self.text("#import-errors"))
        self.driver.find_element(By.NAME, "file").send_keys(path)
        self.driver.find_element(By.CSS_SELECTOR, "input[value='skip_invalid']").click()
        click_and_wait(self.driver, self.driver.find_element(By.ID, "import"))
        self.assertIn("新增 1", self.text("#import-summary"))
        self.assertIn("GB18030", self.text("#import-summary").upper())
        self.assertIn("第 3 行", self.text("#import-errors"))
        # An Excel workbook (written by openpyxl) with a phone stored as a number.
        book = openpyxl.Workbook()
        book.active.append(["姓名", "身份证号", "手机号", "来源地", "离开日期", "到达日期"])
        book.active.append(["孙八", "110101198001011232", 13500135000, "北京市东城区", datetime.date(2022, 11, 1), datetime.date(2022, 11, 3)])
        book.save(f"{self.world.dir}/名单.xlsx")
        self.driver.find_element(By.NAME, "file").send_keys(f"{self.world.dir}/名单.xlsx")
        click_and_wait(self.driver, self.driver.find_element(By.ID, "import"))
        self.assertIn("新增 1", self.text("#import-summary"))
        self.assertIn("Excel 工作表", self.text("#import-summary"))
        workbook = urllib.request.urlopen(self.world.url + "/files/export.xlsx").read()
        with open(f"{self.world.dir}/export.xlsx", "wb") as f:
            f.write(workbook)
        ids = [row[0].value for row in openpyxl.load_workbook(f"{self.world.dir}/export.xlsx").active.iter_rows(min_row=2)]
        self.assertIn("110101198001011232", ids)
        export = urllib.request.urlopen(self.world.url + "/files/export.csv").read()
        self.assertTrue(export.startswith(b"\xef\xbb\xbf"))  # the BOM Excel needs to read UTF-8
        text = export.decode("utf-8-sig")
        self.assertIn("440306198808155615", text)
        self.assertIn("赵六", text)
        self.assertNotIn("钱七", text)

    def test_2c_sweep_at_the_door_on_a_phone(self):
        # The register imported from the command line (GB18030, as Excel saves it), then the round on a phone.
        register = "住址,户主,网格\n东村一组1号,王建国,一组\n东村一组2号,李秀英,一组\n东村二组5号,张伟,二组\n"
        with open(f"{self.world.dir}/register.csv", "wb") as f:
            f.write(register.encode("gb18030"))
        run(REGISTRY, "households", "import", f"{self.world.dir}/register.csv", env=self.world.village_env)
        phone = browser(390, 844)
        try:
            phone.get(self.world.url + "/sweep")
            phone.find_element(By.NAME, "reason").send_keys("新增风险区 江岸")
            click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "form[action='/sweep/start'] button"))
            self.assertIn("已排查 0/3 户", phone.find_element(By.ID, "sweep-coverage").text)
            first = next(c for c in phone.find_elements(By.CSS_SELECTOR, ".household") if "东村一组1号" in c.text)
            click_and_wait(phone, first.find_element(By.CSS_SELECTOR, "button[value='seen']"))
            self.assertIn("已记录入户结果", phone.find_element(By.ID, "flash").text)
            self.assertIn("已排查 1/3 户", phone.find_element(By.ID, "sweep-coverage").text)
            self.assertNotIn("东村一组1号", " ".join(c.text for c in phone.find_elements(By.CSS_SELECTOR, ".household")))
            second = next(c for c in phone.find_elements(By.CSS_SELECTOR, ".household") if "东村一组2号" in c.text)
            click_and_wait(phone, second.find_element(By.CSS_SELECTOR, "button[value='nobody_home']"))
            second = next(c for c in phone.find_elements(By.CSS_SELECTOR, ".household") if "东村一组2号" in c.text)
            self.assertIn("无人在家 1 次", second.text)
            overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            self.assertLessEqual(overflow, 1, "/sweep scrolls sideways at 390px")
            self.assertTrue(phone.save_screenshot(f"{SHOTS}/sweep-phone.png"))
            # A returnee found at the door: the intake form comes with the household filled in.
            third = next(c for c in phone.find_elements(By.CSS_SELECTOR, ".household") if "东村二组5号" in c.text)
            click_and_wait(phone, third.find_element(By.LINK_TEXT, "发现返乡人员：登记"))
            self.assertEqual(phone.find_element(By.NAME, "household").get_attribute("value"), "东村二组5号")
        finally:
            phone.quit()
        status = run(REGISTRY, "sweep", "status", "--format", "json", env=self.world.village_env).stdout
        self.assertIn('"households_visited" : 1', status)

    def test_3_screenshots_fit_phone_and_desktop(self):
        pages = ["/today", "/intake", "/sweep", "/people", "/people/420102199003071232", "/report", "/sync", "/files"]
        for width, height, label in ((390, 844, "phone"), (1280, 900, "desktop")):
            driver = browser(width, height)
            try:
                for path in pages:
                    driver.get(self.world.url + path)
                    name = path.strip("/").replace("/", "-") or "root"
                    self.assertTrue(driver.save_screenshot(f"{SHOTS}/{name}-{label}.png"))
                    self.assertEqual(driver.execute_script("return window.innerWidth"), width)
                    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                    self.assertLessEqual(overflow, 1, f"{path} scrolls sideways at {width}px")
            finally:
                driver.quit()

    def test_3b_report_prints_on_one_page_without_menus(self):
        self.open("/report")
        pdf = base64.b64decode(self.driver.print_page(PrintOptions()))
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        self.assertEqual(pages, 1, "the daily report prints on one page")
        # In print media the menu and the forms are gone, the figures stay.
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            shown = self.driver.execute_script(
                "return [...document.querySelectorAll('nav, form, #figures')].map(e => [e.tagName, getComputedStyle(e).display])")
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.assertTrue(all(display == "none" for tag, display in shown if tag in ("NAV", "FORM")), shown)
        self.assertIn(["TABLE", "table"], shown)

    def test_4_poster_qr_decodes_to_the_declaration_page(self):
        poster = f"{self.world.dir}/poster.html"
        run(SERVER, "poster", "--village", VILLAGE, "--base-url", self.world.county_url, "-o", poster, env=self.world.county_env)
        driver = browser(900, 1300)
        try:
            driver.get("file://" + poster)
            self.assertIn("东村", driver.page_source)
            driver.save_screenshot(f"{SHOTS}/poster.png")
        finally:
            driver.quit()
        decoded = run("zbarimg", "-q", "--raw", f"{SHOTS}/poster.png").stdout.strip()
        self.assertEqual(decoded, f"{self.world.county_url}/declare/{VILLAGE}")


class Guard(unittest.TestCase):
    """Login, CSRF and the loopback rule, over HTTP."""

    def test_another_address_needs_a_password(self):
        world_dir = tempfile.mkdtemp(prefix="clerk-guard-")
        env = {"REGISTRY_DB": f"{world_dir}/v.sqlite", "REGISTRY_NOW": NOW_VILLAGE}
        run(REGISTRY, "init", "--village", VILLAGE, "--name", "东村", env=env)
        refused = run(WEB, "--host", "0.0.0.0", "--port", "0", env=env, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("--password", refused.stderr)
        proc, url = start([WEB, "--host", "127.0.0.1", "--port", "0", "--password", "村委会2022"], env, r"clerk pages on (\S+)")
        try:
            # A name of another site that resolves to this computer (DNS rebinding) is refused.
            with self.assertRaises(urllib.error.HTTPError) as rebound:
                urllib.request.urlopen(urllib.request.Request(url + "/login", headers={"Host": "rebound.example"}))
            self.assertEqual(rebound.exception.code, 421)
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(url + "/today")
            self.assertTrue(page.geturl().endswith("/login"))
            with self.assertRaises(urllib.error.HTTPError) as wrong:
                opener.open(url + "/login", urllib.parse.urlencode({"password": "wrong"}).encode())
            self.assertEqual(wrong.exception.code, 401)
            page = opener.open(url + "/login", urllib.parse.urlencode({"password": "村委会2022"}).encode())
            html = page.read().decode()
            self.assertIn("今日工作", html)
            csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
            # A form without the session's token is refused; with it, it is taken.
            with self.assertRaises(urllib.error.HTTPError) as forged:
                opener.open(url + "/report", urllib.parse.urlencode({"reporter": "x"}).encode())
            self.assertEqual(forged.exception.code, 403)
            page = opener.open(url + "/report", urllib.parse.urlencode({"reporter": "王会计", "csrf": csrf}).encode())
            self.assertIn("已报送第 1 版", page.read().decode())
            # Another site's page posting to the clerk's server is refused by its Origin.
            request = urllib.request.Request(url + "/report", urllib.parse.urlencode({"reporter": "x", "csrf": csrf}).encode(),
                                             headers={"Origin": "http://evil.example"})
            with self.assertRaises(urllib.error.HTTPError) as cross:
                opener.open(request)
            self.assertEqual(cross.exception.code, 403)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    print(f"screenshots in {SHOTS}", file=sys.stderr)
    unittest.main(argv=[sys.argv[0], "-v"])
