"""Explaining at scale with Spark: `xai explain-batch` as the program of RDD.pipe. Each partition's lines go
through one xai process; the records come back in the partitions' order. pyspark (with Java) is needed to run this;
it is not a dependency of xai.

  python3 bench/spark_explain_batch.py XAI_BINARY CHECKPOINT_DIR INPUT.jsonl OUTPUT.jsonl [PARTITIONS]

It prints the lines in and out, the error records and the seconds, and checks that the records are in input order.
"""
import json, sys, time
from pyspark.sql import SparkSession

xai, model, source, target = sys.argv[1:5]
partitions = int(sys.argv[5]) if len(sys.argv) > 5 else 4
spark = SparkSession.builder.master(f"local[{partitions}]").appName("xai explain-batch").getOrCreate()
lines = spark.sparkContext.textFile(source, minPartitions=partitions)
start = time.perf_counter()
records = lines.pipe(f"{xai} explain-batch {model} --method integrated_gradients --options 'steps: 16'").collect()
seconds = time.perf_counter() - start
with open(target, "w", encoding="utf-8") as f:
    f.write("".join(r + "\n" for r in records))
ids = [json.loads(r)["id"] for r in records]
inputs = [l for l in open(source, encoding="utf-8").read().splitlines()]
expected = [json.loads(l).get("id") if l.startswith("{") else None for l in inputs]
errors = sum(1 for r in records if '"error"' in r)
print(f"{len(inputs)} lines in, {len(records)} records out ({errors} errors) in {seconds:.1f} s "
      f"over {lines.getNumPartitions()} partitions; in input order: {ids == expected}")
spark.stop()
