#!/usr/bin/env bash
# A first fan-out measurement, made before `fanout bench` exists: one `fanout pub` sends M short lines
# (the numbers 1..M from seq, 1 to 7 bytes each) to a fresh server on loopback, and N `fanout sub --raw`
# processes each receive all of them. Prints delivered messages per second = M x N / elapsed, where elapsed
# runs from the start of pub to the exit of the last sub (JVM start-up included, so it understates).
# usage: bench/first-measurement.sh [N subscribers, default 10] [M messages, default 1000000]
set -euo pipefail
n="${1:-10}"
m="${2:-1000000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/fanout" --version >/dev/null   # builds the jar if needed
jar="$root/fanout-cli/target/fanout.jar"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Queues large enough that a subscriber still warming up is not cut off as a slow consumer: the publisher
# (a single blocking writer) outruns a fresh JVM, and this measures delivery, not the slow-consumer policy.
java -jar "$jar" serve --host 127.0.0.1 --port 0 --lines-port 0 --no-console \
  --queue-bytes 512MiB --queue-messages 4000000 --publish-backlog 512MiB 2> "$work/serve.log" &
for _ in $(seq 1 100); do
  grep -q "ready" "$work/serve.log" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/.*frames listener on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")"
[ -n "$port" ] || { echo "server did not start:"; cat "$work/serve.log"; exit 1; }

subs=()
for i in $(seq 1 "$n"); do
  java -jar "$jar" sub "127.0.0.1:$port" --raw --count "$m" > /dev/null &
  subs+=("$!")
done
# Wait until every subscriber holds a connection to the frames port.
for _ in $(seq 1 600); do
  held="$(ss -Htn state established "( sport = :$port )" | wc -l)"
  [ "$held" -ge "$n" ] && break
  sleep 0.1
done

start="$(date +%s.%N)"
seq 1 "$m" | java -jar "$jar" pub "127.0.0.1:$port"
for pid in "${subs[@]}"; do wait "$pid"; done
end="$(date +%s.%N)"

awk -v m="$m" -v n="$n" -v s="$start" -v e="$end" 'BEGIN {
  t = e - s
  printf "subscribers=%d messages=%d elapsed=%.2fs delivered=%.0f msg/s\n", n, m, t, m * n / t
}'
