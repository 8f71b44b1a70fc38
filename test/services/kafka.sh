#!/usr/bin/env bash
# A throwaway one-node Kafka (KRaft: one process is both broker and controller) on
# 127.0.0.1:19092 for the streaming tests; prints LAKEWARD_TEST_KAFKA_BROKERS as its last line.
#
#   bash test/services/kafka.sh [start|stop|restart|status]
#
# The jars come from Maven Central through kafka/pom.xml (`mvn dependency:copy-dependencies`)
# and are cached in ${XDG_CACHE_HOME:-$HOME/.cache}/lakeward-test/kafka. The data lives in
# ${TMPDIR:-/tmp}/lakeward-test-kafka-19092 and survives stop/restart (offsets and topics
# stay), so a test can take the broker away and bring it back. Safe to run again: a running
# broker is reused.
set -euo pipefail

name=kafka
label=Kafka
process=kafka.Kafka
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${LAKEWARD_TEST_KAFKA_PORT:-19092}"
controller_port="${LAKEWARD_TEST_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
pom="$here/kafka/pom.xml"
cache="${LAKEWARD_TEST_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lakeward-test/kafka}"
state="${TMPDIR:-/tmp}/lakeward-test-kafka-$port"
pidfile="$state/kafka.pid"
log="$state/server.log"
ready_timeout="${LAKEWARD_TEST_KAFKA_START_TIMEOUT:-120}"
ready_poll=0.5
stop_timeout=30
line="LAKEWARD_TEST_KAFKA_BROKERS=127.0.0.1:$port"

# shellcheck source=broker-lib.sh
source "$here/broker-lib.sh"

# A metadata request through the kafkajs client the tests use, then a group lookup, which
# has the broker create __consumer_offsets (so a test's first consumer does not wait for it);
# no more than the open port when node_modules is not installed yet.
metadata_ok() {
  if [[ ! -d "$repo/node_modules/kafkajs" ]]; then return; fi
  (cd "$repo" && timeout 15 node --input-type=commonjs -e '
const { Kafka, logLevel } = require("kafkajs");
const admin = new Kafka({
  clientId: "lakeward-test-ready",
  brokers: [process.argv[1]],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
}).admin();
admin
  .connect()
  .then(() => admin.listTopics())
  .then(() => admin.describeGroups(["lakeward-test-ready"]))
  .then(() => admin.disconnect())
  .then(() => process.exit(0), () => process.exit(1));
' "127.0.0.1:$port") >/dev/null 2>&1
}

ensure_tools() {
  if command -v java >/dev/null && command -v mvn >/dev/null; then return; fi
  say "installing Java 17 and Maven from Debian packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq openjdk-17-jre-headless maven >&2
}

# The jars, keyed by the pom's content so that a version bump fetches anew.
ensure_jars() {
  local key tmp
  key="$(sha256sum "$pom" | cut -c1-16)"
  jars="$cache/jars-$key"
  if [[ -f "$jars/.complete" ]]; then return; fi
  say "fetching the Kafka jars from Maven Central into $jars…"
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.fetch-XXXXXX")"
  if ! mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >"$cache/mvn.log" 2>&1; then
    cat "$cache/mvn.log" >&2
    rm -rf "$tmp"
    say "mvn dependency:copy-dependencies failed"
    exit 1
  fi
  touch "$tmp/.complete"
  rm -rf "$jars"
  mv "$tmp" "$jars"
}

write_config() {
  mkdir -p "$state/data"
  cat >"$state/server.properties" <<PROPS
# Written by test/services/kafka.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.segment.bytes=16777216
log.retention.hours=24
log.retention.check.interval.ms=60000
PROPS
  cat >"$state/log4j2.properties" <<PROPS
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
PROPS
}

# LAKEWARD_TEST_KAFKA_JAVA_OPTS adds JVM options (word-split), e.g. -XX:TieredStopAtLevel=1.
# shellcheck disable=SC2206
java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$state/log4j2.properties" ${LAKEWARD_TEST_KAFKA_JAVA_OPTS:-})

format_storage() {
  local cluster_id class
  if [[ -s "$state/data/meta.properties" ]]; then return; fi
  # A random cluster id: 16 random bytes, URL-safe base64 without padding, not starting
  # with '-' (which the tool would read as an option).
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  # The formatter moved from kafka.tools to org.apache.kafka.tools in some versions.
  for class in kafka.tools.StorageTool org.apache.kafka.tools.StorageTool; do
    if java "${java_opts[@]}" -cp "$jars/*" "$class" format -t "$cluster_id" \
      -c "$state/server.properties" >"$state/format.log" 2>&1; then
      say "formatted $state/data (cluster $cluster_id)"
      return
    fi
    if ! grep -q "ClassNotFoundException\|Could not find or load main class" "$state/format.log"; then
      break
    fi
  done
  cat "$state/format.log" >&2
  say "formatting the storage failed"
  exit 1
}

is_ready() { port_open "$port" && metadata_ok; }

prepare() {
  ensure_tools
  ensure_jars
  write_config
  format_storage
  server=(java "${java_opts[@]}" -cp "$jars/*" kafka.Kafka "$state/server.properties")
}

broker_main "$@"
