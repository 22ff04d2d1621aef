#!/usr/bin/env bash
# The main job on a fresh machine: builds the `registry` CLI and the county `sync-server`, starts the county server
# on 127.0.0.1 over its embedded SQLite database, and lets three villages register arrivals, take checks, submit
# their daily reports and sync. Everything lands in ./demo/ (re-running starts afresh).
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
read -r -a BUILD_FLAGS < scripts/build-flags  # the same debug build as scripts/test.sh's, so neither redoes the other
swift build "${BUILD_FLAGS[@]}" --product registry
swift build "${BUILD_FLAGS[@]}" --product sync-server
swift build "${BUILD_FLAGS[@]}" --product registry-web
BIN="$(swift build "${BUILD_FLAGS[@]}" --show-bin-path)"
REGISTRY="$BIN/registry"
SERVER="$BIN/sync-server"
export REGISTRY_WEB="$BIN/registry-web"  # what `registry serve` runs (it finds it beside registry anyway)
rm -rf demo && mkdir -p demo
# The demo replays one day of the 2022 autumn wave, so "now" is fixed and moves as the day does: the county
# publishes at 08:00, each village syncs at 08:30 (risk areas and leads come down), the clerks work at 16:30 and
# sync at 19:55, and the county runs its merge at 20:00. (Clocks only move forward: a registry refuses to submit
# a report with a clock set back before a time it has already seen.)
export REGISTRY_NOW="2022-11-05 16:30"
export SYNC_SERVER_NOW="2022-11-05T08:00:00+08:00"
sync() { REGISTRY_NOW="2022-11-05 19:55" "$REGISTRY" sync "$@"; }
# The county database: a SQLite file, or a postgres:// URL to run the same demo on PostgreSQL.
export SYNC_SERVER_DB="${SYNC_SERVER_DB:-$PWD/demo/county.sqlite}"

echo "== 县：建库、村名册、风险区、令牌 =="
"$SERVER" init --county 110105 --name 演示县
cat > demo/villages.csv <<'CSV'
code,name,township_code,township_name
110105001001,东村,110105001,第一街道
110105001002,西村,110105001,第一街道
110105002001,南村,110105002,第二街道
110105002002,北村,110105002,第二街道
CSV
"$SERVER" villages import demo/villages.csv
cat > demo/risk-areas.csv <<'CSV'
code,name,level,in_force_from,lifted_on
420102003,武汉市江岸区某街道,高,2022-10-25,
310115,上海市浦东新区,中,2022-10-20,2022-11-01
440106,广州市天河区,高,2022-10-28,
CSV
"$SERVER" risk-areas import demo/risk-areas.csv
cat > demo/leads.csv <<'CSV'
village,name,id_number,phone,from_code,from_name,reason,deadline
110105001001,张三,420102199003071232,13800138000,420102003,江岸区某街道,大数据推送,2022-11-06
110105002001,周八,,13500135000,440106,广州市天河区,协查,2022-11-04
CSV
"$SERVER" leads import demo/leads.csv
COUNTY_TOKEN="$("$SERVER" token issue --county)"
serve() {  # the server's clock (ISO 8601); the port stays the same across restarts
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
    SYNC_SERVER_NOW="$1" "$SERVER" serve --port "${PORT:-0}" > demo/server.out 2>> demo/server.log &
    SERVER_PID=$!
    for _ in $(seq 1 100); do grep -q "listening on" demo/server.out 2>/dev/null && break; sleep 0.1; done
    URL="http://$(sed -n 's/^listening on //p' demo/server.out)"
    PORT="${URL##*:}"
}
trap 'for p in ${SERVER_PID:-} ${WEB_PID:-} ${CITY_PID:-}; do kill $p 2>/dev/null || true; done' EXIT
serve "2022-11-05T08:30:00+08:00"
echo "县服务器：$URL"

echo
echo "== 08:30 各村建库并首次同步（风险区、核查任务下发）=="
for village in 110105001001:东村 110105001002:西村 110105002001:南村; do
    code=${village%%:*}
    REGISTRY_DB="$PWD/demo/village-$code.sqlite" REGISTRY_NOW="2022-11-05 08:30" "$REGISTRY" init --village "$code" --name "${village#*:}"
    # The first sync brings the county's risk areas down, so that intake classifies by them. The token goes in the
    # environment (on a clerk's terminal, at the prompt), never on the command line, where ps and the history show it.
    REGISTRY_DB="$PWD/demo/village-$code.sqlite" REGISTRY_NOW="2022-11-05 08:30" \
        REGISTRY_TOKEN="$("$SERVER" token issue --village "$code")" "$REGISTRY" sync --server "$URL"
done
serve "2022-11-05T20:00:00+08:00"  # the evening: the server's clock at 20:00 for the syncs and the merge
export SYNC_SERVER_NOW="2022-11-05T20:00:00+08:00"

village() {  # code name
    export REGISTRY_DB="$PWD/demo/village-$1.sqlite"
    echo
    echo "== $2（$1）=="
}

village 110105001001 东村
"$REGISTRY" intake --name 张三 --id-number 420102199003071232 --phone 13800138000 --from 420102003001 \
    --from-name 江岸区某社区 --stayed-from 2022-10-01 --departed 2022-11-01 --arrived 2022-11-02 --transport 高铁
"$REGISTRY" intake --name 李四 --id-number 32010219751201003X --phone 13700137000 --from 420102005 \
    --from-name 江岸区另一街道 --departed 2022-11-03 --arrived 2022-11-05 --transport 自驾
"$REGISTRY" check 420102199003071232 --temp 36.5 --at "2022-11-05 08:00"
"$REGISTRY" test 420102199003071232 --sampled 2022-11-03 --result 阴性
"$REGISTRY" lead 420102199003071232 --outcome found
"$REGISTRY" report submit --reporter 王会计
sync

village 110105001002 西村
# Places by name (广州天河 → 440106); 王芳 travelled with 东村's 李四 and lives with her mother, who did not travel.
"$REGISTRY" intake --name 王芳 --id-number 440306198808155615 --phone 13600136000 --from 广州天河 \
    --departed 2022-11-04 --arrived 2022-11-05 --address 三组7号 --with 32010219751201003X
"$REGISTRY" household add 440306198808155615 --name 王母 --id-number 110105195001011234 --phone 13900139000
"$REGISTRY" check 440306198808155615 --temp 37.6 --symptom 咳嗽 --at "2022-11-05 08:10"
# Her sample comes back positive: her mother becomes a close contact at once; 东村 gets a lead for 李四 via the county.
"$REGISTRY" test 440306198808155615 --sampled 2022-11-05 --result 阳性
"$REGISTRY" report submit --reporter 赵书记 --remarks 发热一人阳性已报告卫生院
sync

village 110105002001 南村
# Nothing happened in 南村 today: the zero report is still sent (零报告), late, at 18:20.
REGISTRY_NOW="2022-11-05 18:20" "$REGISTRY" report submit --reporter 孙主任
sync
"$REGISTRY" report

echo
echo "== 县级汇总 20:00 =="
"$SERVER" merge --date 2022-11-05
echo
# The county token is a password: kept in a 0600 file, never printed inside a URL (where history, logs and a
# browser's address bar keep it).
(umask 077 && printf '%s\n' "$COUNTY_TOKEN" > demo/county-token.txt)
echo "看板 / dashboard: $URL/dashboard?date=2022-11-05（用户名 county，密码是县令牌，见 demo/county-token.txt）"
command -v curl > /dev/null && curl -s -o demo/dashboard.html -u "county:$COUNTY_TOKEN" "$URL/dashboard?date=2022-11-05" && echo "（已保存到 demo/dashboard.html）"
echo
echo "== 东村再次同步：县里下发的密接核查（李四与西村阳性王芳同行）=="
REGISTRY_DB="$PWD/demo/village-110105001001.sqlite" sync
REGISTRY_DB="$PWD/demo/village-110105001001.sqlite" "$REGISTRY" today
echo
echo "== 返乡人员扫码自主申报（县服务器 /declare 页面，手机填写），东村同步后核实登记 =="
"$SERVER" poster --village 110105001001 --base-url "$URL" -o demo/poster-东村.html
echo "海报 / poster: demo/poster-东村.html（二维码指向 $URL/declare/110105001001）"
curl -s -o /dev/null -w "申报页面回答 %{http_code}\n" --data-urlencode name=赵九 --data-urlencode id_number=110101198001011232 \
    --data-urlencode phone=13900139000 --data-urlencode from=广州市天河区 --data-urlencode departed=2022-11-03 \
    --data-urlencode arrived=2022-11-05 --data-urlencode address=东村五组8号 "$URL/declare/110105001001"
REGISTRY_DB="$PWD/demo/village-110105001001.sqlite" sync
REGISTRY_DB="$PWD/demo/village-110105001001.sqlite" "$REGISTRY" today | sed -n '/待核实的自主申报/,/^$/p'

echo
echo "== 市级：建库、区县名册；县向市逐级上报（serve --upstream-every 5m 则定时上报），市级汇总 =="
CITY_DB="$PWD/demo/city.sqlite"
"$SERVER" init --region 110100 --level city --name 演示市 --db "$CITY_DB"
printf 'code,name,parent_code\n110105,演示县,110100\n' > demo/regions.csv
"$SERVER" regions import demo/regions.csv --db "$CITY_DB"
SYNC_SERVER_NOW="2022-11-05T20:00:00+08:00" "$SERVER" serve --db "$CITY_DB" --port 0 > demo/city.out 2>> demo/city.log &
CITY_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" demo/city.out 2>/dev/null && break; sleep 0.1; done
CITY_URL="http://$(sed -n 's/^listening on //p' demo/city.out)"
"$SERVER" upstream set --server "$CITY_URL" --token "$("$SERVER" token issue --region 110105 --db "$CITY_DB")"
SYNC_SERVER_NOW="2022-11-05T20:01:00+08:00" "$SERVER" upstream sync
SYNC_SERVER_NOW="2022-11-05T20:02:00+08:00" "$SERVER" merge --date 2022-11-05 --db "$CITY_DB"

echo
echo "== 县服务器日志（每次同步一行，不含身份证号和手机号）=="
sleep 0.5
cat demo/server.log

echo
echo "== 东村的网页版（registry serve）=="
REGISTRY_DB="$PWD/demo/village-110105001001.sqlite" REGISTRY_NOW="2022-11-05 20:05" "$REGISTRY" serve --port "${WEB_PORT:-8420}" > demo/web.out 2>&1 &
WEB_PID=$!
for _ in $(seq 1 100); do grep -q "clerk pages on" demo/web.out 2>/dev/null && break; sleep 0.1; done
echo "村干部网页 / clerk's pages: $(sed -n 's/^clerk pages on //p' demo/web.out)（今日工作里有待核实的自主申报）"
if [ -t 0 ]; then
    echo "按 Ctrl-C 结束 / Ctrl-C to stop"
    wait "$WEB_PID"
elif [ "${DEMO_WAIT:-0}" -gt 0 ]; then
    echo "网页和县服务器保持 ${DEMO_WAIT} 秒后结束 / pages stay up for ${DEMO_WAIT} s"
    sleep "$DEMO_WAIT"
else
    # Run without a terminal (a pipe, CI): nobody can press Ctrl-C, so the servers stop here; say so and how to keep them.
    echo "（没有终端，网页和县服务器随演示结束；在终端里运行，或设 DEMO_WAIT=600，可保持开启）"
    echo "(no terminal: the servers stop with the demo; run it in a terminal, or set DEMO_WAIT=600, to keep them up)"
fi
