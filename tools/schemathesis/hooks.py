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
