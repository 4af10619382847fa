"""schemathesis hooks for tools/schemathesis/run.sh (loaded by schemathesis.toml).

Image uploads: the document declares the `file` part's media types
(`encoding.file.contentType`: image/jpeg, image/png, image/webp, image/heic),
and the server checks the bytes, not the part's Content-Type. Registered here,
a positive test case sends a real image of the type it names (schemathesis'
own smallest well-formed files), so an upload succeeds and the stateful phase
can follow its links (download the image by name, create a ticket naming it)
every time instead of by chance (random bytes are a 415 UPLOAD.NOT_AN_IMAGE).
Negative cases still send arbitrary bytes. HEIC has no sample: unregistered,
it is never picked for a positive case.
"""

from hypothesis import strategies as st

import schemathesis
from schemathesis.core.file_samples import MEDIA_TYPE_FILE_SAMPLES

for media_type in ("image/jpeg", "image/png", "image/webp"):
    schemathesis.openapi.media_type(media_type, st.just(MEDIA_TYPE_FILE_SAMPLES[media_type]))


# Signed Zendesk webhooks: the server takes only deliveries signed with
# ZENDESK_WEBHOOK_SECRET (run.sh gives it to `npm start` and to schemathesis):
# X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, timestamp + raw body)),
# X-Zendesk-Webhook-Signature-Timestamp = the ISO time. The signature covers the
# exact bytes sent, so the hook serializes the body itself and hands those bytes
# to the transport (`data`), which then sends them unchanged. Every call is
# signed: what is tested is the body, not the (separately unit-tested) signature
# check, and a valid body then answers 200 instead of always 401.
import base64
import hashlib
import hmac
import json
import os
from datetime import datetime, timezone

from schemathesis.core import NotSet
from schemathesis.generation.meta import TestPhase

SIGNED_WEBHOOK_PATHS = ("/api/zendesk/webhook", "/api/zendesk/webhook/comments")
WEBHOOK_SECRET = os.environ.get("ZENDESK_WEBHOOK_SECRET", "")


def _raw_body(body):
    """The bytes `requests` would send for a JSON body (None when there is no body)."""
    if isinstance(body, NotSet):
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    data = getattr(body, "data", None)  # schemathesis' Binary wrapper
    if isinstance(data, bytes):
        return data
    return json.dumps(body).encode("utf-8")


# Erasure in the stateful phase: its only link starts at the export's JSON answer
# (`$response.body#/data/uuid`); a ?format=zip export has no JSON to follow, and
# in the stateful phase most exports asked for the zip, so erase (and its status)
# was never reached. There only, the export answers JSON; the zip stays tested by
# the examples, coverage and fuzzing phases.
def _is_stateful(case):
    meta = getattr(case, "_meta", None)
    return meta is not None and meta.phase.name == TestPhase.STATEFUL


def _export_as_json_when_stateful(case):
    if case.path == "/api/admin/users/{uuid}/export" and _is_stateful(case) and case.query and "format" in case.query:
        case.query = {key: value for key, value in case.query.items() if key != "format"}


@schemathesis.hook
def before_call(context, case, kwargs):
    _export_as_json_when_stateful(case)
    if WEBHOOK_SECRET and case.path in SIGNED_WEBHOOK_PATHS and case.method.upper() == "POST":
        raw = _raw_body(case.body)
        if raw is not None and not any(key in kwargs for key in ("json", "data", "content", "files")):
            kwargs["data"] = raw
        timestamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        digest = hmac.new(WEBHOOK_SECRET.encode("utf-8"), timestamp.encode("utf-8") + (raw or b""), hashlib.sha256).digest()
        if case.headers is None:
            case.headers = {}
        case.headers["X-Zendesk-Webhook-Signature"] = base64.b64encode(digest).decode("ascii")
        case.headers["X-Zendesk-Webhook-Signature-Timestamp"] = timestamp
