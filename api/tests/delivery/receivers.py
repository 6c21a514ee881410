"""The receiving ends of reminder delivery, for the API tests.

* A Web Push service (RFC 8030) at /push/<device>. Each device is a browser's
  subscription made here as a browser would make it (a P-256 key pair and a 16-byte
  auth secret). Every message is checked as a push service and a browser would: the
  VAPID header (RFC 8292: ES256 JWT, `aud` this origin, `exp` within 24 h, `sub` a
  mailto: or https: URL, `k` the key that verifies it), then decrypted (RFC 8291,
  aes128gcm) with the device's private key and auth secret.
* An SMTP server (aiosmtpd) whose messages are parsed as a mail client parses them.
* A control API: POST /devices makes a device; POST /devices/<name>/answer sets the
  status its next pushes get (503 twice, 410, ...) or, for a 2xx, how long it takes to
  answer (`delay`, seconds); POST /smtp/answer makes the SMTP
  server refuse the next messages; GET /pushes and GET /mails list what arrived.

Prints one JSON line with its addresses when ready; stops when stdin closes.
"""

import base64
import email
import email.policy
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from aiosmtpd.controller import Controller
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

LOCK = threading.Lock()
DEVICES = {}  # name -> {"key": private key, "auth": bytes, "answers": [(status, headers)]}
PUSHES = []  # every push that arrived, valid or not
MAILS = []
SMTP_ANSWERS = []  # SMTP replies for the next messages, e.g. "451 4.3.0 try later"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_vapid(header: str, origin: str):
    """The JWT's claims if the header is valid VAPID for this origin; else raises."""
    if not header.startswith("vapid "):
        raise ValueError(f"not a vapid authorization: {header[:20]!r}")
    params = dict(part.strip().split("=", 1) for part in header[6:].split(","))
    token, key = params["t"], unb64url(params["k"])
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    head, body, signature = token.split(".")
    if json.loads(unb64url(head)).get("alg") != "ES256":
        raise ValueError("the JWT is not ES256")
    raw = unb64url(signature)
    if len(raw) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the JWT signature does not verify with k")
    claims = json.loads(unb64url(body))
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    now = time.time()
    if not (now < claims.get("exp", 0) <= now + 24 * 3600):
        raise ValueError(f"exp {claims.get('exp')} is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https: URL")
    return claims, params["k"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender is gone (a server killed mid-send, in the fault test)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_GET(self):
        with LOCK:
            if self.path == "/pushes":
                return self.reply(200, PUSHES)
            if self.path == "/mails":
                return self.reply(200, MAILS)
        self.reply(404, {"error": "no such path"})

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        if parts == ["devices"]:
            name = json.loads(self.body())["name"]
            key = ec.generate_private_key(ec.SECP256R1())
            auth = os.urandom(16)
            with LOCK:
                DEVICES[name] = {"key": key, "auth": auth, "answers": []}
            public = key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
            return self.reply(200, {
                "endpoint": f"{ORIGIN}/push/{name}",
                "p256dh": b64url(public),
                "auth": b64url(auth),
            })
        if len(parts) == 3 and parts[0] == "devices" and parts[2] == "answer":
            spec = json.loads(self.body())
            with LOCK:
                DEVICES[parts[1]]["answers"].extend(
                    [(spec["status"], spec.get("headers", {}), spec.get("delay", 0))]
                    * spec.get("times", 1)
                )
            return self.reply(200, {})
        if parts == ["smtp", "answer"]:
            spec = json.loads(self.body())
            with LOCK:
                SMTP_ANSWERS.extend([spec["reply"]] * spec.get("times", 1))
            return self.reply(200, {})
        if len(parts) == 2 and parts[0] == "push":
            return self.push(parts[1])
        self.reply(404, {"error": "no such path"})

    def push(self, name):
        payload = self.body()
        record = {
            "device": name,
            "ttl": self.headers.get("TTL"),
            "urgency": self.headers.get("Urgency"),
            "topic": self.headers.get("Topic"),
            "contentEncoding": self.headers.get("Content-Encoding"),
        }
        with LOCK:
            device = DEVICES.get(name)
            answer = device["answers"].pop(0) if device and device["answers"] else None
            # Listed on arrival: a test can see a push in flight before it is answered.
            PUSHES.append(record)
        if device is None:
            record["error"] = "unknown device"
            status, headers = 404, {}
        elif answer is not None and answer[0] >= 300:
            status, headers, _ = answer
            record["answered"] = status
        else:
            if answer is not None:
                # A slow push service: it has the message, and answers later.
                time.sleep(answer[2])
            try:
                claims, key = verify_vapid(self.headers.get("Authorization", ""), ORIGIN)
                if record["contentEncoding"] != "aes128gcm":
                    raise ValueError("Content-Encoding is not aes128gcm")
                plain = http_ece.decrypt(
                    payload, private_key=device["key"], auth_secret=device["auth"],
                    version="aes128gcm",
                )
                record.update(claims=claims, vapidKey=key, message=json.loads(plain))
                status, headers = 201, {"Location": f"{ORIGIN}/messages/{len(PUSHES)}"}
            except Exception as error:  # every failure is recorded and refused, as 400
                record["error"] = f"{type(error).__name__}: {error}"
                status, headers = 400, {}
        with LOCK:
            record["status"] = status
        self.reply(status, None, headers.items())


class Mailbox:
    async def handle_DATA(self, server, session, envelope):
        with LOCK:
            refusal = SMTP_ANSWERS.pop(0) if SMTP_ANSWERS else None
        if refusal:
            return refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        with LOCK:
            MAILS.append({
                "envelopeFrom": envelope.mail_from,
                "envelopeTo": envelope.rcpt_tos,
                "from": str(message["From"]),
                "to": str(message["To"]),
                "subject": str(message["Subject"]),
                "messageId": str(message["Message-ID"]),
                "listUnsubscribe": str(message.get("List-Unsubscribe", "")),
                "listUnsubscribePost": str(message.get("List-Unsubscribe-Post", "")),
                "contentType": message.get_content_type(),
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
            })
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    http_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ORIGIN = f"http://127.0.0.1:{http_server.server_address[1]}"
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    smtp_port = free_port()
    smtp = Controller(Mailbox(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    print(json.dumps({"http": ORIGIN, "smtp": f"127.0.0.1:{smtp_port}"}), flush=True)
    sys.stdin.read()
    smtp.stop()
    http_server.shutdown()
