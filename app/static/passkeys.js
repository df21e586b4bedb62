// Passkeys (WebAuthn): the browser's half of adding one (account page) and of signing in
// with one (login page). The server's half is app/passkeys/; its JSON carries binary
// values in base64url, which the browser's API takes and gives as ArrayBuffers.
"use strict";

function bytesToBase64url(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64urlToBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function withBinaryIds(descriptors) {
  return (descriptors || []).map((descriptor) => ({
    ...descriptor,
    id: base64urlToBytes(descriptor.id),
  }));
}

function creationOptions(json) {
  return {
    ...json,
    challenge: base64urlToBytes(json.challenge),
    user: { ...json.user, id: base64urlToBytes(json.user.id) },
    excludeCredentials: withBinaryIds(json.excludeCredentials),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: base64urlToBytes(json.challenge),
    allowCredentials: withBinaryIds(json.allowCredentials),
  };
}

function registrationJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: bytesToBase64url(response.clientDataJSON),
      attestationObject: bytesToBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
  };
}

function authenticationJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: bytesToBase64url(response.clientDataJSON),
      authenticatorData: bytesToBase64url(response.authenticatorData),
      signature: bytesToBase64url(response.signature),
      userHandle: response.userHandle ? bytesToBase64url(response.userHandle) : null,
    },
  };
}

// A thrown Refusal carries the server's message for the reader.
class Refusal extends Error {}

async function postJSON(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": token,
    },
    body: JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (answer.redirect && !response.ok) {
    window.location.assign(answer.redirect); // the password again, then back here
    return new Promise(() => {});
  }
  if (!response.ok) throw new Refusal(answer.message || response.statusText);
  return answer;
}

// The page's CSRF token: the signed-in reader's <meta>, else the login form's field.
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const field = document.querySelector('input[name="csrf_token"]');
  return meta ? meta.content : field ? field.value : "";
}

// Runs one ceremony for `element` (its data-* attributes name the URLs and messages),
// showing why it failed in its alert.
async function runCeremony(element, ceremony) {
  const alert = element.querySelector("[data-passkey-error]");
  alert.hidden = true;
  try {
    const options = await postJSON(element.dataset.optionsUrl, csrfToken());
    const body = await ceremony(options);
    const answer = await postJSON(element.dataset.verifyUrl, csrfToken(), body);
    window.location.assign(answer.redirect);
  } catch (error) {
    if (error instanceof Refusal) {
      alert.textContent = error.message;
    } else if (error instanceof DOMException) {
      alert.textContent = element.dataset.failed; // cancelled, timed out, or refused
    } else {
      alert.textContent = element.dataset.broken;
    }
    alert.hidden = false;
  }
}

function setUpPasskeyLogin(element) {
  element.hidden = false;
  const button = element.querySelector("button");
  button.addEventListener("click", async () => {
    button.disabled = true;
    await runCeremony(element, async (options) => {
      const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
      const remember = document.querySelector('input[name="remember_me"]');
      return {
        credential: authenticationJSON(credential),
        remember: Boolean(remember && remember.checked),
        next: new URLSearchParams(window.location.search).get("next"),
      };
    });
    button.disabled = false;
  });
}

function setUpPasskeyRegistration(form) {
  form.hidden = false;
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    await runCeremony(form, async (options) => {
      const credential = await navigator.credentials.create({
        publicKey: creationOptions(options),
      });
      return { credential: registrationJSON(credential), name: form.elements.name.value };
    });
    button.disabled = false;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if (!window.PublicKeyCredential) return;
  for (const note of document.querySelectorAll("[data-passkey-unsupported]")) note.hidden = true;
  for (const element of document.querySelectorAll("[data-passkey-login]")) {
    setUpPasskeyLogin(element);
  }
  for (const form of document.querySelectorAll("[data-passkey-register]")) {
    setUpPasskeyRegistration(form);
  }
});
