// Our ActivityPub server as Fedify (an implementation nobody here wrote) sees it.
//
//   node tests/fedify/interop.mjs CONFIG.json
//
// CONFIG: {"site": "https://127.0.0.1:PORT", "handle": "acct:alice@127.0.0.1:PORT",
//          "note": NOTE_ID, "signed": REQUEST, "tampered": {NAME: REQUEST, ...}}
// where REQUEST is {"method", "url", "headers", "body"} signed by our server's code (the
// tampered ones changed after signing).
// Prints one JSON object of what Fedify made of each; tests/fedify/test_fedify.py asserts on it.
// Every fetch outside 127.0.0.1 is refused (and listed): nothing downloads at test time.

import { readFileSync } from "node:fs";
import {
  exportSpki,
  getDocumentLoader,
  lookupObject,
  lookupWebFinger,
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
  tampered: {},
};
for (const [name, request] of Object.entries(config.tampered)) {
  result.tampered[name] = await step(`tampered ${name}`, () => verified(request));
}
result.refused = refused;
console.log(JSON.stringify(result, null, 2));
