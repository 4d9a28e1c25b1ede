// Shared set-up for the Pub/Sub interop checks: Google's Node client, configured only by PUBSUB_EMULATOR_HOST.
import { randomUUID } from 'node:crypto';
import { PubSub, v1 } from '@google-cloud/pubsub';

export const PROJECT_ID = 'interop-test';

/** The client the checks use; fails at once, with the fix, when the emulator address is missing. */
export function createPubSub() {
  if (!process.env.PUBSUB_EMULATOR_HOST) {
    throw new Error(
      'PUBSUB_EMULATOR_HOST is not set: start the emulator (dotnet run --project src/Emulator -- --pubsub-port 0 ' +
        '--storage-port 0) and export the PUBSUB_EMULATOR_HOST line it prints.',
    );
  }
  return new PubSub({ projectId: PROJECT_ID });
}

/** The generated v1 client for raw Pull, with the same emulator endpoint and plaintext credentials as `pubsub`. */
export async function createRawSubscriber(pubsub) {
  return new v1.SubscriberClient(await pubsub.getClientConfig());
}

/** A name no other test or run uses. */
export function uniqueName(prefix) {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** Creates a topic and a subscription on it; `options` go to createSubscription. */
export async function createTopicAndSubscription(pubsub, prefix, options = {}) {
  const [topic] = await pubsub.createTopic(uniqueName(`${prefix}-topic`));
  const [subscription] = await topic.createSubscription(uniqueName(`${prefix}-sub`), options);
  return { topic, subscription };
}

/** Resolves when `predicate()` holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(20);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects subscriber errors so a check can assert there were none. */
export function trackErrors(subscription) {
  const errors = [];
  subscription.on('error', (error) => errors.push(error));
  return errors;
}
