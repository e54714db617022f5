"""A SAML 2.0 identity provider for the tests: a small WSGI app on pysaml2's server API.

``python -m tests.sso_idp.saml_idp PORT DIR`` reads DIR/setup.json — ``{"sp_metadata_url", "host",
"users": [{"username", "password", "subject", "attributes": {"groups": [...], ...}}]}`` — makes a
signing key and certificate, writes its own metadata to DIR/idp.xml and serves on 127.0.0.1:PORT:
``/sso/redirect`` (HTTP-Redirect AuthnRequest → login form) and ``/sso/login`` (checks the
password, answers with a signed assertion by HTTP-POST). The SP's metadata is fetched at the first
login. Users can be changed while it runs by rewriting setup.json.
"""

import html
import json
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import saml2
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from tests.sso_idp import self_signed


def config(base, directory, with_sp):
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    return {
        "entityid": f"{base}/metadata",
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": str(key_file), "cert_file": str(cert_file),
        "service": {"idp": {
            "name": "Test SAML IdP",
            "endpoints": {"single_sign_on_service": [(f"{base}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None,
                                   "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}},
        }},
        "metadata": {"local": [str(directory / "sp.xml")]} if with_sp else {},
    }


class IdP:
    def __init__(self, port, directory: Path):
        self.dir = directory
        # the host name it is reached by: the same site as the SP's, so the SP's SameSite=Lax session
        # cookie goes with the cross-origin POST of the answer (over HTTPS the SP uses SameSite=None)
        self.base = f"http://{self.setup.get('host', '127.0.0.1')}:{port}"
        self_signed(directory, "idp")
        conf = IdPConfig()
        conf.load(config(self.base, directory, with_sp=False))
        (directory / "idp.xml").write_text(create_metadata_string(None, config=conf, valid=24).decode())
        self._server = None

    @property
    def setup(self):
        return json.loads((self.dir / "setup.json").read_text())

    def server(self):
        if self._server is None:
            with urllib.request.urlopen(self.setup["sp_metadata_url"], timeout=10) as r:
                (self.dir / "sp.xml").write_bytes(r.read())
            conf = IdPConfig()
            conf.load(config(self.base, self.dir, with_sp=True))
            self._server = Server(config=conf)
        return self._server

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            params = parse_qs(environ["wsgi.input"].read(size).decode())
        else:
            params = parse_qs(environ.get("QUERY_STRING", ""))
        p = {k: v[0] for k, v in params.items()}
        if path == "/metadata":
            return self.reply(start_response, (self.dir / "idp.xml").read_text(), "application/samlmetadata+xml")
        if path == "/sso/redirect":
            return self.reply(start_response, self.form(p["SAMLRequest"], p.get("RelayState", ""), ""))
        if path == "/sso/login":
            user = next((u for u in self.setup["users"]
                         if u["username"] == p.get("username") and u["password"] == p.get("password")), None)
            if user is None:
                return self.reply(start_response, self.form(p["SAMLRequest"], p.get("RelayState", ""),
                                                            "Wrong user or password"))
            return self.reply(start_response, self.answer(user, p["SAMLRequest"], p.get("RelayState", "")))
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def reply(self, start_response, body, content_type="text/html; charset=utf-8"):
        start_response("200 OK", [("Content-Type", content_type)])
        return [body.encode()]

    def form(self, saml_request, relay_state, error):
        e = html.escape
        return (f"<!doctype html><html><head><title>Test SAML IdP</title></head><body>"
                f"<h1>Federation login (test SAML IdP)</h1><p id='idp-error'>{e(error)}</p>"
                f"<form method='post' action='/sso/login'>"
                f"<input type='hidden' name='SAMLRequest' value='{e(saml_request)}'>"
                f"<input type='hidden' name='RelayState' value='{e(relay_state)}'>"
                f"<label>User <input name='username' id='idp-username'></label>"
                f"<label>Password <input type='password' name='password' id='idp-password'></label>"
                f"<button type='submit' id='idp-submit'>Sign in</button></form></body></html>")

    def answer(self, user, saml_request, relay_state):
        server = self.server()
        req = server.parse_authn_request(saml_request, saml2.BINDING_HTTP_REDIRECT)
        args = server.response_args(req.message, [saml2.BINDING_HTTP_POST])
        resp = server.create_authn_response(
            identity={k: list(v) if isinstance(v, list) else [v] for k, v in user["attributes"].items()},
            userid=user["username"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user["subject"]),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.base},
            sign_assertion=True, sign_response=True, **args)
        http = server.apply_binding(saml2.BINDING_HTTP_POST, str(resp), args["destination"], relay_state,
                                    response=True)
        return http["data"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main(port, directory):
    app = IdP(port, directory)
    make_server("127.0.0.1", port, app, handler_class=QuietHandler).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
