#!/usr/bin/env bash
# The semantic cache's figures (README, "Semantic cache"): quality on held-out QQP pairs and lookup latency.
#
#   1. switchboard cache eval on bench/data/qqp-heldout.jsonl (the 6,000 pairs the thresholds were NOT calibrated on;
#      bench/data/qqp-calibrate.jsonl holds the other 6,000): the per-threshold table, what each guard adds, grey-zone
#      verification (the pair's label stands in for the verifier model) and the online mode at max_false_hit_rate 0.01.
#      Then the same on bench/data/polarity-probe.jsonl: 36 hand-written pairs (24 questions and their opposites, 12
#      paraphrases), the cases the polarity guard is for, which QQP hardly has (a demonstration, not a rate); and on
#      bench/data/guard-probe.jsonl: a QA run's 118 adversarial non-duplicates (role swaps by the grammar, questions about
#      an exact string, opposite actions, …) and 24 paraphrases that must still match (a demonstration too); and on
#      bench/data/swap-probe.jsonl: 20 lowercase word swaps ("… in python" / "… in javascript") and 16 paraphrases.
#   2. the same table for all-minilm-l6-v2-q, the faster model (no verification / online runs).
#   3. switchboard cache bench: lookup p50/p99 with 100,000 entries, memory an entry and the index's recall against exact
#      search, for both models; then Lucene's index and pgvector's interleaved (Lucene, pgvector, Lucene, pgvector: the
#      machine's load moves between runs), with the load average printed before each.
#      pgvector mode needs PostgreSQL with the vector extension: PGVECTOR_URL (default
#      jdbc:postgresql://127.0.0.1:5432/test?user=postgres); PGVECTOR_URL=none skips it.
#
# Uses target/switchboard.jar (built with Maven if missing; run under the team's lock on a shared machine:
#   flock /tmp/switchboard-mvn.lock bench/semantic.sh). About 25 minutes on 2 cores (10 without pgvector).
# Output: bench/results/semantic.md (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/jdk.sh"
jar="${SWITCHBOARD_JAR:-$root/target/switchboard.jar}"
if [ ! -f "$jar" ]; then (cd "$root" && mvn -B -q -o -Dmaven.test.skip=true package); fi
mkdir -p "$here/results"
out="$here/results/semantic.md"
# Lucene's vector search uses the JDK's vector API when the module is on (SIMD dot products).
run() { java -Xmx2g --add-modules jdk.incubator.vector -jar "$jar" "$@" 2> >(grep -v -E 'WARN|INFO|Platform|VectorizationProvider|^Dec|^Jan' >&2); }
{
  echo "# Semantic cache figures ($(date -u +%F), $(nproc) cores)"
  echo; echo '## bge-small-en-v15-q (default) on held-out pairs'; echo '```'
  run cache eval --pairs "$here/data/qqp-heldout.jsonl" --verify --max-false-hit-rate 0.01
  echo '```'; echo; echo '## bge-small-en-v15-q on the polarity probe (hand-written opposites and paraphrases)'; echo '```'
  run cache eval --pairs "$here/data/polarity-probe.jsonl"
  echo '```'; echo; echo '## bge-small-en-v15-q on the guard probe (adversarial pairs of a QA run, and paraphrases)'; echo '```'
  run cache eval --pairs "$here/data/guard-probe.jsonl"
  echo '```'; echo; echo '## bge-small-en-v15-q on the word-swap probe (lowercase words of one kind swapped, and paraphrases)'; echo '```'
  run cache eval --pairs "$here/data/swap-probe.jsonl"
  echo '```'; echo; echo '## all-minilm-l6-v2-q on held-out pairs'; echo '```'
  run cache eval --pairs "$here/data/qqp-heldout.jsonl" --embedder all-minilm-l6-v2-q
  echo '```'; echo; echo '## lookup latency, 100,000 entries'; echo '```'
  run cache bench --pairs "$here/data/qqp-heldout.jsonl" --entries 100000 --lookups 1000
  run cache bench --pairs "$here/data/qqp-heldout.jsonl" --entries 100000 --lookups 1000 --embedder all-minilm-l6-v2-q
  echo '```'
  pg="${PGVECTOR_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
  if [ "$pg" != none ]; then
    echo; echo '## Lucene vs pgvector, interleaved, 100,000 entries (BGE small)'; echo '```'
    for round in 1 2; do
      for index in lucene pgvector; do
        echo "--- $index, round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        if [ "$index" = pgvector ]; then extra=(--pgvector "$pg"); else extra=(); fi
        run cache bench --pairs "$here/data/qqp-heldout.jsonl" --entries 100000 --lookups 1000 "${extra[@]}"
      done
    done
    echo '```'
  fi
} | tee "$out"
