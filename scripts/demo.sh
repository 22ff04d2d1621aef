#!/usr/bin/env bash
# The main job on a fresh machine: builds the `registry` CLI, sets up a demo village registry in ./demo/, loads a
# risk-area list and registers sample arrivals, then prints the day's work list and the register.
# Usage: scripts/demo.sh   (re-running starts the demo afresh)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product registry
BIN="$(swift build -c release --show-bin-path)/registry"
rm -rf demo && mkdir -p demo
export REGISTRY_DB="$PWD/demo/village.sqlite"
# The demo replays one day of the 2022 autumn wave, so its "now" is fixed.
export REGISTRY_NOW="2022-11-05 09:30"

"$BIN" init --village 110105001001 --name 演示村
cat > demo/risk-areas.csv <<'CSV'
code,name,level,in_force_from,lifted_on
420102003,武汉市江岸区某街道,高,2022-10-25,
310115,上海市浦东新区,中,2022-10-20,2022-11-01
440106,广州市天河区,高,2022-10-28,
CSV
"$BIN" risk-areas import demo/risk-areas.csv

"$BIN" intake --name 张三 --id-number 420102199003071232 --phone 13800138000 --from 420102003001 \
    --from-name 江岸区某社区 --stayed-from 2022-10-01 --departed 2022-11-01 --arrived 2022-11-02 --transport 高铁
"$BIN" intake --name 李四 --id-number 32010219751201003X --phone 13700137000 --from 420102005 \
    --from-name 江岸区另一街道 --departed 2022-11-03 --arrived 2022-11-04 --transport 自驾
"$BIN" intake --name 王芳 --id-number 440306198808155615 --phone 13600136000 --from 440106 \
    --from-name 广州市天河区 --departed 2022-11-04 --arrived 2022-11-04
"$BIN" intake --name 赵六 --id-number 11010519491231002X --from 110101 --from-name 北京市东城区 \
    --departed 2022-11-03 --arrived 2022-11-04 --category 密接
"$BIN" check 420102199003071232 --temp 36.5 --at "2022-11-05 08:00"
"$BIN" check 440306198808155615 --temp 37.6 --symptom 干咳 --at "2022-11-05 08:10"
"$BIN" test 420102199003071232 --sampled 2022-11-03 --result 阴性

echo
"$BIN" today
echo
"$BIN" list
echo
"$BIN" report submit --reporter 王会计 --remarks 演示
"$BIN" report
echo
"$BIN" report history --from 2022-11-01
