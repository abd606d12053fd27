#!/usr/bin/env bash
# Runs the candidate measurements (see ../README.md). Usage: candidates/run.sh [EVENTS] [DIR]
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -ntp package
EVENTS=${1:-40000}
WORK=${2:-$(mktemp -d)}; mkdir -p "$WORK"
CP=target/classes:$(cat target/classpath.txt)
# What Chronicle Queue needs on JDK 17 (the others need nothing).
CHRONICLE_FLAGS="--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
 --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
 --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED -Dchronicle.analytics.disable=true -Ddisable.resource.warning=true"
run() { java $CHRONICLE_FLAGS -cp "$CP" candidates.Candidates "$@" 2>/dev/null; }
for c in ${THROUGHPUT_CANDIDATES:-log tape-batch tape-event chronicle mvstore rocksdb}; do
  n=$EVENTS; [ $c = tape-event ] && n=$((EVENTS / 20))
  run throughput $c "$WORK/tp-$c" $n 64
done
echo "--- kill -9 while appending, then reopen; then truncate the newest file by 7 bytes and reopen"
for c in log tape-batch chronicle mvstore rocksdb; do
  d="$WORK/crash-$c"; rm -rf "$d"
  java $CHRONICLE_FLAGS -cp "$CP" candidates.Candidates crash $c "$d" > "$WORK/acked-$c" 2>/dev/null &
  pid=$!; sleep 3; kill -9 $pid; wait $pid 2>/dev/null || true
  acked=$(tail -n 2 "$WORK/acked-$c" | head -n 1)
  cp -a "$d" "$d-torn"
  run verify $c "$d" "$acked"
  d="$d-torn"
  case $c in chronicle) pattern='*.cq4';; rocksdb) pattern='*.log';; *) pattern='*';; esac
  f=$(find "$d" -type f -name "$pattern" -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
  size=$(stat -c %s "$f"); truncate -s $((size - 7)) "$f"
  echo -n "  after truncating $(basename "$f") ($size bytes) by 7: "; run verify $c "$d" "$acked"
done
echo "--- dependency weight"
mvn -B -q -ntp dependency:tree -Dscope=runtime -DoutputFile=/dev/stdout | grep -v slf4j
