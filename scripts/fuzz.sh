#!/usr/bin/env bash
# Fuzzes xai's readers of untrusted input. Two campaigns:
#   bash scripts/fuzz.sh TARGET SECONDS [JOBS]    libFuzzer, coverage-guided, under AddressSanitizer,
#       in an optimised build that keeps Swift's checks (-O: an overflow, a bad conversion or an
#       index out of range traps and is reported, where a release build's -Ounchecked would go on
#       with a wrong value). The corpus grows in .build-fuzz/corpus/TARGET; a failing input is
#       left in .build-fuzz/findings.
#   bash scripts/fuzz.sh --short TARGET MUTANTS   the debug build's replay driver: every seed, then
#       MUTANTS seeded random mutants of each (what CI runs, in seconds).
# TARGET is lang (lexer, parser, interpreter), safetensors, csv or notebook (the exporter). Seeds
# are the language reference's examples, the shipped scripts and data, and the reference
# safetensors files.
set -euo pipefail
cd "$(dirname "$0")/.."
short=false
if [ "${1:-}" = "--short" ]; then short=true; shift; fi
target=${1:?usage: fuzz.sh [--short] lang|safetensors|csv|notebook SECONDS|MUTANTS [JOBS]}
amount=${2:-60}
jobs=${3:-1}
case $target in lang|safetensors|csv|notebook) ;; *) echo "fuzz: unknown target $target" >&2; exit 2;; esac

scratch=.build-fuzz
seeds=$scratch/seeds/$target
rm -rf "$seeds"; mkdir -p "$seeds"
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
    for f in data/*.csv data/*.tsv; do seed < <(head -c 3000 "$f"); done
    printf '\xef\xbb\xbf"a b","say, hi",label\r\n1,"he said ""x""",0\r\n2,"two\r\nlines",1\r\n' | seed ;;
safetensors)
    find ../shared/reference -name '*.safetensors' -size -64k | sort | head -40 | while read -r f; do seed <"$f"; done ;;
esac

if $short; then
    # The language's long demos train for minutes by design: as seeds they only slow a short run.
    [ "$target" = lang ] && rm -f "$seeds"/gpt-* "$seeds"/transformer-* "$seeds"/bert-*
    XAI_FUZZ=$target .build/debug/xai-fuzz "$seeds" --mutations "$amount"
    exit
fi

swift build -c debug --product xai-fuzz --scratch-path $scratch -Xswiftc -O \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DXAI_LIBFUZZER -Xcc -fsanitize=fuzzer-no-link,address \
    2>&1 | grep -vE "Cannot export local symbol|^\[" || true
fuzzer=$scratch/debug/xai-fuzz
[ -x $fuzzer ] || { echo "fuzz: the build failed" >&2; exit 1; }
corpus=$scratch/corpus/$target
findings=$scratch/findings
mkdir -p "$corpus" "$findings"
echo "fuzz: $target for $amount s with $jobs job(s), $(ls "$seeds" | wc -l) seeds, corpus $(ls "$corpus" | wc -l) inputs"
log=$scratch/fuzz-$target.log
status=0
XAI_FUZZ=$target ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    $fuzzer "$corpus" "$seeds" -max_total_time="$amount" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    $([ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs") -artifact_prefix="$findings/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
[ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
grep -E "^(stat::|Done)|#[0-9]+.*(DONE|INITED)" "$log" | tail -12
if [ $status -ne 0 ] || grep -qE "ERROR: (libFuzzer|AddressSanitizer)|Fatal error|SUMMARY:" "$log"; then
    grep -E -A30 "ERROR: (libFuzzer|AddressSanitizer)|Fatal error" "$log" | head -60
    echo "fuzz: $target found a failure; the input is in $findings" >&2
    exit 1
fi
