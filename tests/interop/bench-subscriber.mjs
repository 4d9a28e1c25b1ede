// The Node side of bench/PubSub.Bench: receives and acks N messages with the official subscriber
// (default flow control: 1,000 messages, 5 streams) and prints one JSON line with its rate, timed like
// the .NET side: from opening the subscription to every message received and its acks flushed (close).
// Usage: PUBSUB_EMULATOR_HOST=host:port node bench-subscriber.mjs projects/p/subscriptions/s N
import { PubSub } from '@google-cloud/pubsub';

const [name, countText] = process.argv.slice(2);
const expected = Number.parseInt(countText ?? '', 10);
if (!name || !Number.isInteger(expected) || expected <= 0 || !process.env.PUBSUB_EMULATOR_HOST) {
  console.error('usage: PUBSUB_EMULATOR_HOST=host:port node bench-subscriber.mjs projects/p/subscriptions/s N');
  process.exit(2);
}

const projectId = name.split('/')[1];
const pubsub = new PubSub({ projectId });
const started = process.hrtime.bigint();
const subscription = pubsub.subscription(name);
let received = 0;

const done = new Promise((resolve, reject) => {
  subscription.on('error', reject);
  subscription.on('message', (message) => {
    message.ack();
    received += 1;
    if (received === expected) {
      resolve();
    }
  });
});

await done;
await subscription.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await pubsub.close();
console.log(JSON.stringify({ received, seconds, messagesPerSecond: expected / seconds }));
