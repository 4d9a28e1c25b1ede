// Google's official Node Pub/Sub client against the emulator. Run with PUBSUB_EMULATOR_HOST set.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  createPubSub,
  createRawSubscriber,
  createTopicAndSubscription,
  sleep,
  trackErrors,
  uniqueName,
  waitFor,
} from './pubsub-helpers.mjs';

const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

const pubsub = createPubSub();
after(() => pubsub.close());

test('topic and subscription admin', async () => {
  const topicName = uniqueName('admin-topic');
  const [topic] = await pubsub.createTopic(topicName);
  assert.equal((await topic.exists())[0], true);
  await assert.rejects(pubsub.createTopic(topicName), { code: ALREADY_EXISTS });
  await assert.rejects(pubsub.topic(uniqueName('missing')).getMetadata(), { code: NOT_FOUND });

  const subscriptionName = uniqueName('admin-sub');
  const [subscription] = await topic.createSubscription(subscriptionName, { ackDeadlineSeconds: 42 });
  const [metadata] = await subscription.getMetadata();
  assert.equal(metadata.ackDeadlineSeconds, 42);
  assert.match(metadata.topic, new RegExp(`/topics/${topicName}$`));
  await assert.rejects(topic.createSubscription(subscriptionName), { code: ALREADY_EXISTS });
  await assert.rejects(pubsub.topic(uniqueName('missing')).createSubscription(uniqueName('orphan')), { code: NOT_FOUND });

  await topic.delete();
  assert.equal((await topic.exists())[0], false);
  const [detached] = await subscription.getMetadata();
  assert.equal(detached.topic, '_deleted-topic_');
  await subscription.delete();
  assert.equal((await subscription.exists())[0], false);
});

test('10,000 messages published in batches arrive exactly once within flow control', async () => {
  const total = 10_000;
  const maxMessages = 100;
  const { topic, subscription: created } = await createTopicAndSubscription(pubsub, 'bulk');
  const publisher = pubsub.topic(topic.name, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
  const published = new Set();
  for (let start = 0; start < total; start += 1000) {
    const ids = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => publisher.publishMessage({ data: Buffer.from(`message ${start + i}`) })),
    );
    ids.forEach((id) => published.add(id));
  }
  assert.equal(published.size, total);

  const subscription = pubsub.subscription(created.name, { flowControl: { maxMessages, allowExcessMessages: false } });
  const errors = trackErrors(subscription);
  const deliveries = new Map();
  let inFlight = 0;
  let peakInFlight = 0;
  const startedAt = Date.now();
  subscription.on('message', (message) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
    setImmediate(() => {
      inFlight--;
      message.ack();
    });
  });
  await waitFor(() => deliveries.size === total, 90_000, `${total} distinct messages`);
  const seconds = (Date.now() - startedAt) / 1000;
  // Give a duplicate (a redelivery of something already acked) time to show up before judging.
  await sleep(1500);
  await subscription.close();
  console.log(`received ${total} messages in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} msg/s), peak in flight ${peakInFlight}`);

  assert.deepEqual(errors, []);
  assert.equal(deliveries.size, total);
  assert.deepEqual([...deliveries.keys()].filter((id) => !published.has(id)), []);
  assert.deepEqual([...deliveries.entries()].filter(([, count]) => count !== 1), []);
  assert.ok(peakInFlight <= maxMessages, `peak in flight ${peakInFlight} exceeds flowControl.maxMessages ${maxMessages}`);
  assert.ok(peakInFlight > 1, 'messages were handled one at a time: flow control was never exercised');
});

test('a nacked message is redelivered', async () => {
  const { topic, subscription } = await createTopicAndSubscription(pubsub, 'nack');
  const errors = trackErrors(subscription);
  const publishedId = await topic.publishMessage({ data: Buffer.from('nack me once') });
  const seen = [];
  subscription.on('message', (message) => {
    seen.push(message.id);
    if (seen.length === 1) {
      message.nack();
    } else {
      message.ack();
    }
  });
  await waitFor(() => seen.length >= 2, 20_000, 'the redelivery after a nack');
  await subscription.close();

  assert.deepEqual(errors, []);
  assert.deepEqual(seen, [publishedId, publishedId]);
});

test('a message whose ack deadline expires is redelivered', async () => {
  const { topic, subscription } = await createTopicAndSubscription(pubsub, 'expiry', { ackDeadlineSeconds: 10 });
  const raw = await createRawSubscriber(pubsub);
  try {
    const messageId = await topic.publishMessage({ data: Buffer.from('never acked') });
    const [first] = await raw.pull({ subscription: subscription.name, maxMessages: 10 });
    assert.deepEqual(first.receivedMessages.map((m) => m.message.messageId), [messageId]);

    await sleep(5_000);
    const [early] = await raw.pull({ subscription: subscription.name, maxMessages: 10, returnImmediately: true });
    assert.deepEqual(early.receivedMessages ?? [], [], 'redelivered before its 10 s deadline');

    await sleep(6_000);
    const [again] = await raw.pull({ subscription: subscription.name, maxMessages: 10, returnImmediately: true });
    assert.deepEqual(again.receivedMessages.map((m) => m.message.messageId), [messageId]);
    assert.notEqual(again.receivedMessages[0].ackId, first.receivedMessages[0].ackId);
    await raw.acknowledge({ subscription: subscription.name, ackIds: [again.receivedMessages[0].ackId] });
  } finally {
    await raw.close();
  }
});

test('a message nacked maxDeliveryAttempts times goes to the dead-letter topic', async () => {
  const { topic: deadLetterTopic, subscription: deadLetters } = await createTopicAndSubscription(pubsub, 'dlq');
  const { topic, subscription } = await createTopicAndSubscription(pubsub, 'poison', {
    deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 5 },
  });
  const errors = trackErrors(subscription);
  const attempts = [];
  subscription.on('message', (message) => {
    attempts.push(message.deliveryAttempt);
    message.nack();
  });
  const forwarded = [];
  deadLetters.on('message', (message) => {
    forwarded.push(message);
    message.ack();
  });

  await topic.publishMessage({ data: Buffer.from('poison'), attributes: { origin: 'interop' } });
  await waitFor(() => forwarded.length === 1, 30_000, 'the dead-lettered message');
  await sleep(500);
  await Promise.all([subscription.close(), deadLetters.close()]);

  assert.deepEqual(errors, []);
  assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
  assert.equal(forwarded.length, 1);
  assert.equal(forwarded[0].data.toString(), 'poison');
  assert.equal(forwarded[0].attributes.origin, 'interop');
  assert.equal(forwarded[0].attributes.CloudPubSubDeadLetterSourceDeliveryCount, '5');
});

test("Node's lease extension keeps a slow message from being redelivered", async () => {
  const { topic, subscription } = await createTopicAndSubscription(pubsub, 'lease', { ackDeadlineSeconds: 10 });
  const errors = trackErrors(subscription);
  const deliveries = [];
  let acked = false;
  subscription.on('message', async (message) => {
    deliveries.push(message.id);
    if (deliveries.length === 1) {
      await sleep(25_000);
      message.ack();
      acked = true;
    }
  });

  const messageId = await topic.publishMessage({ data: Buffer.from('slow') });
  await waitFor(() => acked, 40_000, 'the slow handler to ack');
  await sleep(1_000);
  await subscription.close();

  assert.deepEqual(errors, []);
  assert.deepEqual(deliveries, [messageId], 'redelivered while the client was extending its lease');
});
