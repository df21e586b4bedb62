// Our ActivityPub server as Fedify (an implementation nobody here wrote) sees it.
//
//   node tests/fedify/interop.mjs CONFIG.json
//
// CONFIG: {"handle": "acct:alice@127.0.0.1:PORT",
//          "note": NOTE_ID, "signed": REQUEST, "fetch": REQUEST, "tampered": {NAME: REQUEST, ...}}
// where REQUEST is {"method", "url", "headers", "body"} signed by our server's code (the
// tampered ones changed after signing; "fetch" a GET signed with the site's key, as sent).
// With "follow": {"actor": ALICE_ID}, Fedify also plays a remote server: it makes a key pair,
// serves its actor and inbox on 127.0.0.1 over http, signs a Follow of alice, sends it to her
// inbox (then again with one header or the body changed), and checks the Accept we deliver.
// Prints one JSON object of what Fedify made of each; tests/fedify/test_fedify.py asserts on it.
// Every fetch outside 127.0.0.1 is refused (and listed): nothing downloads at test time.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CryptographicKey,
  exportSpki,
  Follow,
  generateCryptoKeyPair,
  getDocumentLoader,
  lookupObject,
  lookupWebFinger,
  Person,
  signRequest,
  verifyRequest,
} from "@fedify/fedify";

const refused = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== "127.0.0.1") {
    refused.push(url.href);
    return Promise.reject(new Error(`the interop test fetches only from 127.0.0.1: ${url}`));
  }
  return realFetch(input, init);
};

// Fedify refuses private addresses unless told otherwise; its JSON-LD contexts are preloaded.
const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
const options = { documentLoader, contextLoader: documentLoader, allowPrivateAddress: true };

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

async function keyPem(key) {
  return key?.publicKey == null ? null : await exportSpki(key.publicKey);
}

async function describeActor(actor) {
  if (actor == null) return null;
  const key = await actor.getPublicKey(options);
  return {
    id: actor.id?.href,
    type: actor.constructor.name,
    preferredUsername: actor.preferredUsername?.toString(),
    inbox: actor.inboxId?.href,
    outbox: actor.outboxId?.href,
    followers: actor.followersId?.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href,
    publicKey: key && { id: key.id?.href, owner: key.ownerId?.href, pem: await keyPem(key) },
  };
}

async function describeWebFinger(resource) {
  const jrd = await lookupWebFinger(resource, { allowPrivateAddress: true });
  return jrd && {
    subject: jrd.subject,
    links: (jrd.links ?? []).map(({ rel, type, href }) => ({ rel, type, href })),
  };
}

async function describeNote(id) {
  const note = await lookupObject(id, options);
  return note && {
    id: note.id?.href,
    type: note.constructor.name,
    content: note.content?.toString(),
    attributedTo: note.attributionId?.href,
    to: note.toIds.map((url) => url.href),
  };
}

async function describeOutbox(id) {
  const outbox = await lookupObject(id, options);
  if (outbox == null) return null;
  const first = await outbox.getFirst(options);
  const items = [];
  for await (const item of first?.getItems(options) ?? []) {
    items.push({ id: item.id?.href, type: item.constructor.name, object: item.objectId?.href });
  }
  return {
    id: outbox.id?.href,
    type: outbox.constructor.name,
    totalItems: outbox.totalItems,
    first: first && { id: first.id?.href, type: first.constructor.name, items },
  };
}

function asRequest({ method, url, headers, body }) {
  return new Request(url, { method, headers, body });
}

async function verified(request) {
  const key = await verifyRequest(asRequest(request), options);
  return key && { id: key.id?.href, owner: key.ownerId?.href, pem: await keyPem(key) };
}

// A remote server of Fedify's making: its actor's document, and an inbox that keeps what comes.
async function remoteServer(keyPair) {
  const received = [];
  let actor;
  const server = createServer((incoming, reply) => {
    const chunks = [];
    incoming.on("data", (chunk) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = `http://127.0.0.1:${server.address().port}${incoming.url}`;
      if (incoming.method === "POST" && incoming.url === "/users/fedify/inbox") {
        const headers = Object.entries(incoming.headers).map(([k, v]) => [k, String(v)]);
        received.push({ method: "POST", url, headers, body: Buffer.concat(chunks).toString() });
        reply.writeHead(202).end();
      } else if (incoming.method === "GET" && incoming.url === "/users/fedify") {
        reply.writeHead(200, { "Content-Type": "application/activity+json" });
        reply.end(JSON.stringify(actor));
      } else {
        reply.writeHead(404).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const id = new URL(`http://127.0.0.1:${server.address().port}/users/fedify`);
  const person = new Person({
    id,
    preferredUsername: "fedify",
    inbox: new URL(`${id.href}/inbox`),
    publicKey: new CryptographicKey({
      id: new URL(`${id.href}#main-key`),
      owner: id,
      publicKey: keyPair.publicKey,
    }),
  });
  actor = await person.toJsonLd({ contextLoader: documentLoader });
  return { id, keyId: person.publicKeyId, received, close: () => server.close() };
}

async function send({ url, method, headers, body }) {
  const response = await fetch(url, { method, headers, body });
  return response.status;
}

async function followAlice(aliceId) {
  const alice = await lookupObject(aliceId, options);
  const keyPair = await generateCryptoKeyPair();
  const remote = await remoteServer(keyPair);
  try {
    const follow = new Follow({
      id: new URL(`${remote.id.href}#follows/alice`),
      actor: remote.id,
      object: alice.id,
    });
    const body = JSON.stringify(await follow.toJsonLd({ contextLoader: documentLoader }));
    const unsigned = new Request(alice.inboxId, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json" },
      body,
    });
    const signed = await signRequest(unsigned, keyPair.privateKey, remote.keyId);
    const request = {
      url: signed.url,
      method: "POST",
      headers: Object.fromEntries(signed.headers),
      body,
    };
    const status = await send(request);
    // The same request with one thing changed after signing, sent after the real one: the
    // actor and its key are reachable, so only the signature can be why they are refused.
    const date = new Date(Date.parse(request.headers.date) + 1000).toUTCString();
    const tampered = {
      date: await send({ ...request, headers: { ...request.headers, date } }),
      body: await send({ ...request, body: body.replace("#follows/alice", "#follows/forged") }),
    };
    const accept = status >= 200 && status < 300 ? await acceptOf(remote) : null;
    const followers = await lookupObject(alice.followersId, options);
    return {
      actor: remote.id.href,
      follow: follow.id.href,
      publicKey: await exportSpki(keyPair.publicKey),
      request,
      status,
      tampered,
      accept,
      followers: followers?.totalItems,
    };
  } finally {
    remote.close();
  }
}

// Our Accept of the Follow, delivered in the background: waited for, then its signature
// checked by Fedify against alice's key on our server.
async function acceptOf(remote) {
  for (let waited = 0; waited < 60 && remote.received.length === 0; waited++) {
    await sleep(500);
  }
  const delivery = remote.received[0];
  if (delivery == null) return null;
  const activity = JSON.parse(delivery.body);
  return {
    type: activity.type,
    actor: activity.actor,
    object: activity.object?.id ?? activity.object,
    deliveries: remote.received.length,
    key: await verified(delivery),
  };
}

async function step(name, run) {
  try {
    return await run();
  } catch (error) {
    return { error: `${name}: ${error?.stack ?? error}` };
  }
}

const actor = await step("actor", async () =>
  describeActor(await lookupObject(config.handle, options))
);
const result = {
  webfinger: await step("webfinger", () => describeWebFinger(config.handle)),
  actor,
  note: await step("note", () => describeNote(config.note)),
  outbox: await step("outbox", () => describeOutbox(actor?.outbox)),
  signed: await step("signed", () => verified(config.signed)),
  fetch: await step("fetch", () => verified(config.fetch)),
  tampered: {},
};
for (const [name, request] of Object.entries(config.tampered)) {
  result.tampered[name] = await step(`tampered ${name}`, () => verified(request));
}
if (config.follow) {
  result.follow = await step("follow", () => followAlice(config.follow.actor));
}
result.refused = refused;
console.log(JSON.stringify(result, null, 2));
