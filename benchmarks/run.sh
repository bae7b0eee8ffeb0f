#!/usr/bin/env bash
# Runs every load scenario against realtime, Socket.IO 4 (+ @socket.io/redis-adapter), a bare
# Jetty broadcast loop and the Netty limit (one pre-encoded frame to a ChannelGroup), then prints a
# table and writes JSON (and SVG charts beside it). The JMH micro-benchmarks are separate:
#   java -jar benchmarks/target/benchmarks.jar
#
# Usage: benchmarks/run.sh [--quick] [--out FILE] [--systems LIST] [--scenarios LIST]
#        benchmarks/run.sh --soak MINUTES [--clients N] [--rate R] [--out FILE]
#   --quick      small sizes, about 3 minutes: checks that the harness works, not how fast anything is
#   --systems    some of realtime,socketio,bare,limit (default all)
#   --scenarios  some of fan-out,latency,knee,connections,slow-consumers (default all)
#   --soak       realtime only, two instances via Redis, for MINUTES: 2,000 clients (--clients),
#                200 events/s (--rate), system status every 5 s, 1 % stalled, 1 % reconnecting with
#                resync each minute; heap, threads and p99 every minute (docs/benchmarks.md)
# Environment: REDIS_URL (default redis://127.0.0.1:6379), CLIENT_JAVA (the JDK the clients run on;
# default a JDK 19+ if one is installed, so clients can bind several source addresses).
set -euo pipefail
cd "$(dirname "$0")/.."

command_line="$*"
mode=full
out=benchmarks/target/load-results.json
selection=()
while (($#)); do
  case "$1" in
    --quick) mode=quick; out=benchmarks/target/load-results-quick.json ;;
    --soak) mode=soak; out=benchmarks/target/soak-results.json; selection+=(--minutes "$2"); shift ;;
    --out) out="$2"; shift ;;
    --systems|--scenarios|--clients|--rate) selection+=("$1" "$2"); shift ;;
    *) echo "unknown option: $1 (use --quick, --soak MINUTES, --out FILE, --systems LIST, --scenarios LIST, --clients N, --rate R)" >&2; exit 2 ;;
  esac
  shift
done

jar=benchmarks/target/benchmarks.jar
if [[ ! -f $jar ]]; then
  mvn -B -q -DskipTests -DskipITs -pl benchmarks -am package
fi

# The Socket.IO peer comes from npm, here and only here: never a dependency of the library build.
if [[ $mode != soak ]]; then
  (cd benchmarks/node && npm install --no-audit --no-fund --silent)
fi

client_java=${CLIENT_JAVA:-}
if [[ -z $client_java ]]; then
  client_java=java
  for candidate in /usr/lib/jvm/temurin-2[1-9]-jdk-amd64/bin/java; do
    [[ -x $candidate ]] && client_java=$candidate
  done
fi

echo "realtime load harness: mode=$mode, clients on $($client_java -version 2>&1 | head -1), servers on $(java -version 2>&1 | head -1)"
echo "command: benchmarks/run.sh $command_line"
exec "$client_java" -Xmx3g -cp "$jar" io.realtime.benchmarks.load.LoadHarness \
  --mode "$mode" --out "$out" --jar "$jar" --java java --node node --node-dir benchmarks/node \
  --redis "${REDIS_URL:-redis://127.0.0.1:6379}" "${selection[@]}"
