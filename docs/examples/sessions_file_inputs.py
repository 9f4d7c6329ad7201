import io
from pathlib import Path

from nemovideo import NemoVideo

with NemoVideo() as client:
    session = client.create_session()

    # Bytes you already hold: name them, so the service knows the type.
    data = Path("clip1.mp4").read_bytes()
    session.upload(("intro.mp4", data))

    # Any seekable binary file object, streamed in chunks from where it stands:
    # an open file (its name is used), or a buffer with a name (and a media type).
    with open("clip2.mp4", "rb") as handle:
        session.upload(handle)
    session.upload(("buffer.mp4", io.BytesIO(data), "video/mp4"))

    # A folder stands for its media files, sorted by name; a URL is fetched by the
    # service. One call can mix every kind, and checks them all before sending any.
    Path("more").mkdir(exist_ok=True)
    Path("clip3.mp4").replace("more/clip3.mp4")
    uploads = session.upload(["more", "https://cdn.example.com/brand/outro.mp4"])
    print([upload.filename for upload in uploads])  # ['clip3.mp4', 'outro.mp4']
