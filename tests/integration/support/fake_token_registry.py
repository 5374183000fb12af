#!/usr/bin/env python3
"""A fake registry with Bearer token auth, for the registry client's tests.

Distribution's own token auth needs a signing setup; this stands in for it on 127.0.0.1:
  /v2/ and /v2/x/y/manifests/<ref>  401 + a Bearer challenge unless a token it issued is sent
  /v2/x/y/blobs/<digest>            307 to http://localhost:<port>/storage/<digest> (another origin)
  /storage/<digest>                 the blob; records the Authorization header it got
  /token                            checks Basic credentials (when configured), issues a token
  /stats                            {"token_requests": n, "scopes": [...], "storage_authorization": ...}

Usage: fake_token_registry.py USER PASSWORD  (empty USER: anonymous tokens). Prints
"PORT <n>" on stdout once it listens.
"""
import base64
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

USER, PASSWORD = sys.argv[1], sys.argv[2]
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": "sha256:" + "0" * 64, "size": 2},
    "layers": [],
}).encode()
BLOB = b"hello from storage\n"
BLOB_DIGEST = "sha256:" + hashlib.sha256(BLOB).hexdigest()
STATE = {"token_requests": 0, "scopes": [], "issued": set(), "storage_authorization": None}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in STATE["issued"]:
            return True
        port = self.server.server_address[1]
        challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:x/y:pull"' % port
        body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}).encode()
        self.reply(401, body, [("WWW-Authenticate", challenge), ("Content-Type", "application/json")])
        return False

    def token(self, query):
        if USER:
            expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
            if self.headers.get("Authorization") != expected:
                body = json.dumps({"details": "incorrect username or password"}).encode()
                return self.reply(401, body, [("Content-Type", "application/json")])
        STATE["token_requests"] += 1
        STATE["scopes"].append(" ".join(query.get("scope", [])))
        token = "tok-%d" % STATE["token_requests"]
        STATE["issued"].add(token)
        self.reply(200, json.dumps({"token": token}).encode(), [("Content-Type", "application/json")])

    def do_GET(self):
        url = urlparse(self.path)
        path = url.path
        if path == "/token":
            return self.token(parse_qs(url.query))
        if path == "/stats":
            stats = {k: v for k, v in STATE.items() if k != "issued"}
            return self.reply(200, json.dumps(stats).encode(), [("Content-Type", "application/json")])
        if path.startswith("/storage/"):
            STATE["storage_authorization"] = self.headers.get("Authorization", "")
            return self.reply(200, BLOB, [("Content-Type", "application/octet-stream")])
        if not self.authorized():
            return
        if path == "/v2/":
            return self.reply(200, b"{}", [("Content-Type", "application/json")])
        if path.startswith("/v2/x/y/manifests/"):
            digest = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
            return self.reply(200, MANIFEST, [("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                                              ("Docker-Content-Digest", digest)])
        if path == "/v2/x/y/blobs/" + BLOB_DIGEST:
            port = self.server.server_address[1]
            return self.reply(307, b"", [("Location", "http://localhost:%d/storage/%s" % (port, BLOB_DIGEST))])
        self.reply(404, json.dumps({"errors": [{"code": "NOT_FOUND", "message": "not found"}]}).encode())


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
