#!/usr/bin/env bash
# Fuzzes xai's readers of untrusted input with libFuzzer, under AddressSanitizer, in an optimised
# build that keeps Swift's checks (-O: an overflow, a bad conversion or an index out of range
# traps and is reported, where a release build's -Ounchecked would go on with a wrong value):
#   bash scripts/fuzz.sh TARGET SECONDS [JOBS]
# TARGET is lang (lexer, parser, interpreter), safetensors, csv or notebook (the exporter).
# The corpus starts from the language reference's examples, the shipped scripts and data and
# the reference safetensors files, and grows in .build-fuzz/corpus/TARGET. A crash, a leak-free
# abort or a timeout leaves its input in .build-fuzz/findings and makes the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz.sh lang|safetensors|csv|notebook SECONDS [JOBS]}
seconds=${2:-60}
jobs=${3:-1}
case $target in lang|safetensors|csv|notebook) ;; *) echo "fuzz: unknown target $target" >&2; exit 2;; esac

scratch=.build-fuzz
swift build -c debug --product xai-fuzz --scratch-path $scratch -Xswiftc -O \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DXAI_LIBFUZZER -Xcc -fsanitize=fuzzer-no-link,address \
    2>&1 | grep -vE "Cannot export local symbol|^\[" || true
fuzzer=$scratch/debug/xai-fuzz
[ -x $fuzzer ] || { echo "fuzz: the build failed" >&2; exit 1; }

seeds=$scratch/seeds/$target
corpus=$scratch/corpus/$target
findings=$scratch/findings
rm -rf "$seeds"; mkdir -p "$seeds" "$corpus" "$findings"
n=0
seed() { n=$((n + 1)); cat >"$seeds/seed-$n"; }
case $target in
lang|notebook)
    # Each fenced example of the language reference, and each shipped script in 3 KB pieces
    # (cut at blank lines) so that one input stays small.
    awk '/^```xai$/{f=1; next} /^```$/{f=0; print "\x1e"; next} f' docs/language.md \
        | awk -v RS='\x1e' -v dir="$seeds" 'NF { print > (dir "/doc-" NR); close(dir "/doc-" NR) }'
    for f in scripts/*.xai; do
        awk -v RS= -v dir="$seeds" -v name="$(basename "$f" .xai)" '
            { if (length(buf) + length($0) > 3000) { print buf > (dir "/" name "-" k); close(dir "/" name "-" k); k++; buf = "" }
              buf = buf $0 "\n\n" }
            END { if (buf != "") print buf > (dir "/" name "-" k) }' "$f"
    done ;;
csv)
    for f in data/*.csv data/*.tsv; do head -c 3000 "$f" | seed; done
    printf '\xef\xbb\xbf"a b","say, hi",label\r\n1,"he said ""x""",0\r\n2,"two\r\nlines",1\r\n' | seed ;;
safetensors)
    find ../shared/reference -name '*.safetensors' -size -64k | head -40 | while read -r f; do seed <"$f"; done ;;
esac

echo "fuzz: $target for $seconds s with $jobs job(s), $(ls "$seeds" | wc -l) seeds, corpus $(ls "$corpus" | wc -l) inputs"
log=$scratch/fuzz-$target.log
status=0
XAI_FUZZ=$target ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    $fuzzer "$corpus" "$seeds" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    $([ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs") -artifact_prefix="$findings/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
[ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
grep -E "^(stat::|Done)|#[0-9]+.*(DONE|INITED)" "$log" | tail -12
if [ $status -ne 0 ] || grep -qE "ERROR: (libFuzzer|AddressSanitizer)|Fatal error|SUMMARY:" "$log"; then
    grep -E -A30 "ERROR: (libFuzzer|AddressSanitizer)|Fatal error" "$log" | head -60
    echo "fuzz: $target found a failure; the input is in $findings" >&2
    exit 1
fi
