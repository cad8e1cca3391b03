#!/usr/bin/env bash
# Sets up and runs every test: every shipped .xai script re-run and compared byte for byte
# with its recorded transcript and exported as a notebook; the same transcripts again on
# other kernel paths and thread counts; then the unit and reference tests (swift test),
# which also parse those notebooks.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1

log=$(mktemp)
swift build --build-tests >"$log" 2>&1
status=$?
if [ $status -ne 0 ] || grep -qE 'warning:' "$log"; then
    grep -E 'error|warning:' "$log" | sort -u | head -40
    echo "test: the debug build failed or showed warnings" >&2
    exit 1
fi

swift build -c release --product xai >"$log" 2>&1 || { cat "$log"; exit 1; }
xai=.build/release/xai
shopt -s nullglob
scripts=(scripts/*.xai)
notebooks=$(mktemp -d)

# 1. Every shipped script on this CPU's fastest path with every core: its output must equal
#    the recorded transcript byte for byte (as `xai check`), and it is exported as a notebook,
#    which NotebookTests (below) parses strictly. Scripts that take under 4 s are exported a
#    second time and must give the same bytes.
quick=(); tiny=(); medium=()
for f in "${scripts[@]}"; do
    name=$(basename "$f" .xai)
    start=$(date +%s%N)
    out=$($xai export "$f" --check --html "$notebooks/$name.html" --md "$notebooks/$name.md" 2>&1)
    st=$?
    printf '%s\n' "$out" | grep -v "^wrote "
    [ $st -eq 0 ] || { echo "test: $f no longer matches its transcript, or exporting it failed" >&2; exit 1; }
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ $ms -lt 20000 ] && medium+=("$f")
    [ $ms -lt 4000 ] || continue
    quick+=("$f")
    [ $ms -lt 1000 ] && tiny+=("$f")
    $xai export "$f" --html "$notebooks/$name.again.html" >/dev/null || exit 1
    cmp -s "$notebooks/$name.html" "$notebooks/$name.again.html" || { echo "test: exporting $f twice gave different bytes" >&2; exit 1; }
    rm "$notebooks/$name.again.html"
done

# 2. The same bytes on other kernel paths and thread counts: every script that takes under 20
#    seconds once more on the second-fastest vector path where the CPU has one (AVX2 on an
#    AVX-512 machine) with 3 workers (the long demos, gpt, bert and the plausibility table,
#    would double CI's time; their ops are the quick scripts' ops, and products are checked bit
#    for bit on every path by the unit tests); the quick scripts on every vector path with 1, 3
#    and 8 workers; the tiny ones on the portable scalar path too (its products are about 180×
#    slower): each with 1 worker, and those that take under 3 seconds there with 3 and 8.
mapfile -t paths < <($xai kernels | cut -f1)
vector=(); for p in "${paths[@]}"; do [ "$p" = scalar ] || vector+=("$p"); done
second=${vector[1]:-${vector[0]:-scalar}}
XAI_KERNEL=$second XAI_THREADS=3 $xai check "${medium[@]}" >"$log" 2>&1 \
    || { cat "$log"; echo "test: transcripts differ on the $second path with 3 threads" >&2; exit 1; }
echo "same transcripts on the $second path with 3 threads: ${#medium[@]} scripts"
check_on() {  # path threads scripts…
    local path=$1 threads=$2; shift 2
    XAI_KERNEL=$path XAI_THREADS=$threads $xai check "$@" >"$log" 2>&1 \
        || { cat "$log"; echo "test: transcripts differ on the $path path with $threads threads" >&2; exit 1; }
}
for path in "${paths[@]}"; do
    if [ "$path" = scalar ]; then
        fast=()
        for f in "${tiny[@]}"; do
            start=$(date +%s%N)
            check_on scalar 1 "$f"
            [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ] && fast+=("$f")
        done
        if [ ${#fast[@]} -gt 0 ]; then check_on scalar 3 "${fast[@]}"; check_on scalar 8 "${fast[@]}"; fi
        echo "same transcripts on the scalar path: ${#tiny[@]} scripts with 1 thread, ${#fast[@]} with 3 and 8"
        continue
    fi
    for threads in 1 3 8; do
        # Already checked above for these scripts.
        [ "$path" = "$second" ] && [ "$threads" = 3 ] && continue
        check_on "$path" "$threads" "${quick[@]}"
    done
    echo "same transcripts on the $path path with 1, 3 and 8 threads: ${#quick[@]} scripts"
done

# 2b. Explaining at scale: 1,000 JSON lines (990 sentences and 10 malformed lines) through
#     `xai explain-batch`, in one process and in 4 shards run by 4 processes at once; the shards'
#     records, concatenated, must equal the whole run's (line numbers aside), in order, with
#     each malformed line reported and the stream going on.
batch=$(mktemp -d)
awk -F'\t' 'NR > 1 && NR <= 991 { gsub(/\\/, "\\\\", $1); gsub(/"/, "\\\"", $1); printf "{\"id\": %d, \"text\": \"%s\"}\n", NR - 1, $1 }
             NR % 100 == 0 { print "not json " NR }' data/sentiment.tsv | head -1000 >"$batch/in.jsonl"
[ "$(wc -l <"$batch/in.jsonl")" -eq 1000 ] || { echo "test: the batch input does not have 1000 lines" >&2; exit 1; }
explain_batch() { $xai explain-batch data/pretrained/sentiment-bert --method integrated_gradients --options 'steps: 16'; }
explain_batch <"$batch/in.jsonl" | sed 's/^{"line": [0-9]*, //' >"$batch/whole" || exit 1
split -n l/4 -d "$batch/in.jsonl" "$batch/shard."
for s in "$batch"/shard.0?; do explain_batch <"$s" | sed 's/^{"line": [0-9]*, //' >"$s.out" & done
wait
cat "$batch"/shard.0?.out >"$batch/sharded"
[ "$(wc -l <"$batch/whole")" -eq 1000 ] && [ "$(grep -c '"error"' "$batch/whole")" -eq 10 ] \
    && [ "$(grep -c '"explanation"' "$batch/whole")" -eq 990 ] \
    || { echo "test: explain-batch did not give 990 explanations and 10 error records" >&2; exit 1; }
cmp -s "$batch/whole" "$batch/sharded" || { echo "test: explain-batch in 4 shards differs from one run" >&2; exit 1; }
echo "explain-batch: 1000 lines in, 990 explanations and 10 error records out, the same in 4 shards"
rm -rf "$batch"

# 3. The kernels' bits on ARM64: the same products (Tests/KernelBits) built for this machine
#    and for ARM64, run under emulation; every path of both must print the same digest.
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
    bits=$(mktemp -d)
    sources=(Sources/CKernels/sgemm.c Sources/CKernels/s8gemm.c Sources/CKernels/elementwise.c Tests/KernelBits/kernel_bits.c)
    cc -O2 -ffp-contract=off -fno-math-errno -ISources/CKernels/include "${sources[@]}" -o "$bits/native" -lm || exit 1
    aarch64-linux-gnu-gcc -O2 -ffp-contract=off -fno-math-errno -static -ISources/CKernels/include "${sources[@]}" -o "$bits/arm64" -lm || exit 1
    { "$bits/native" && qemu-aarch64 "$bits/arm64"; } >"$bits/digests" || { echo "test: the kernel bits program failed" >&2; exit 1; }
    digests=$(cut -d' ' -f2 "$bits/digests" | sort -u | wc -l)
    [ "$digests" -eq 1 ] || { cat "$bits/digests"; echo "test: products differ between paths or CPUs" >&2; exit 1; }
    echo "same product bits on $(cut -d' ' -f1 "$bits/digests" | tr '\n' ' ')(x86-64 and ARM64)"
    rm -rf "$bits"
fi

# 4. A short fuzzing campaign: every fuzz seed, then seeded random mutants of each, through the
#    language, the safetensors and CSV/TSV readers and the notebook exporter (scripts/fuzz.sh
#    runs the long, coverage-guided one with libFuzzer).
swift build --product xai-fuzz >"$log" 2>&1 || { cat "$log"; exit 1; }
for spec in lang:20 safetensors:300 csv:500 notebook:40; do
    bash scripts/fuzz.sh --short "${spec%%:*}" "${spec#*:}" || { echo "test: the short fuzz of ${spec%%:*} failed" >&2; exit 1; }
done

XAI_NOTEBOOK_DIR="$notebooks" swift test --skip-build 2>&1 | tee "$log" | grep -vE "^Test Case '.*' (started|passed)"
status=${PIPESTATUS[0]}
rm -rf "$notebooks"
[ $status -eq 0 ] || { echo "test: swift test failed" >&2; exit 1; }
rm -f "$log"
