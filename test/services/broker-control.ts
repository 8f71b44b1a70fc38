// The message brokers the streaming tests talk to (Kafka, NATS with JetStream, MQTT), started
// on 127.0.0.1 by test/services/{kafka,nats,mosquitto}.sh. Tests read their addresses with
// brokerUrls(), and can take a broker away and bring it back with stopBroker/startBroker to
// check that a stream resumes. The brokers are shared by every test file that runs at the same
// time: a test that stops one should be the only one using it (its own file, run alone).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type BrokerKind = 'kafka' | 'nats' | 'mqtt';

const brokers: Record<BrokerKind, { script: string; env: string }> = {
  kafka: { script: 'kafka.sh', env: 'LAKEWARD_TEST_KAFKA_BROKERS' },
  nats: { script: 'nats.sh', env: 'LAKEWARD_TEST_NATS_URL' },
  mqtt: { script: 'mosquitto.sh', env: 'LAKEWARD_TEST_MQTT_URL' },
};

/** Kafka fetches its jars on a first start; later starts take seconds. */
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 60_000;

export interface BrokerUrls {
  /** Kafka bootstrap servers, `host:port[,host:port…]` (LAKEWARD_TEST_KAFKA_BROKERS). */
  kafka?: string;
  /** `nats://host:port` (LAKEWARD_TEST_NATS_URL). */
  nats?: string;
  /** `mqtt://host:port` (LAKEWARD_TEST_MQTT_URL). */
  mqtt?: string;
}

/** The brokers this run has, from the environment; a missing one is left out. */
export function brokerUrls(): BrokerUrls {
  const urls: BrokerUrls = {};
  for (const kind of Object.keys(brokers) as BrokerKind[]) {
    const value = process.env[brokers[kind].env]?.trim();
    if (value) urls[kind] = value;
  }
  return urls;
}

function runScript(kind: BrokerKind, command: 'start' | 'stop', timeout: number): Promise<string> {
  const script = fileURLToPath(new URL(`./${brokers[kind].script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [script, command],
      { timeout, maxBuffer: 16 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split('\n').slice(-20).join('\n');
          reject(
            new Error(
              `bash ${brokers[kind].script} ${command} failed: ${error.message}\n${detail}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/**
 * Stops the broker (SIGTERM, then SIGKILL after a grace period) and resolves once its process
 * has exited. Its data stays: startBroker brings back the same topics, streams and sessions.
 */
export async function stopBroker(kind: BrokerKind): Promise<void> {
  await runScript(kind, 'stop', STOP_TIMEOUT_MS);
}

/**
 * Starts the broker (or finds it running) and resolves once it serves clients: Kafka answers a
 * metadata request, NATS and MQTT accept connections. Sets the broker's LAKEWARD_TEST_… variable
 * in this process, so brokerUrls() returns it.
 */
export async function startBroker(kind: BrokerKind): Promise<void> {
  const stdout = await runScript(kind, 'start', START_TIMEOUT_MS);
  const { env } = brokers[kind];
  const last = stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith(`${env}=`)) {
    throw new Error(`bash ${brokers[kind].script} start printed no ${env}= line: ${last}`);
  }
  process.env[env] = last.slice(env.length + 1);
}
