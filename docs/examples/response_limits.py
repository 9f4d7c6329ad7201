import nemovideo
from nemovideo import NemoVideo, ResponseLimits

# A small worker: JSON answers up to 8 MiB, downloads of unknown size up to 2 GiB.
limits = ResponseLimits(max_json_bytes=8 * 2**20, max_download_bytes=2 * 2**30)
with NemoVideo(response_limits=limits) as client:
    assert client.settings.response_limits.max_json_bytes == 8 * 2**20
    try:
        print(client.credits())
    except nemovideo.ResponseTooLargeError as error:
        print(f"answer refused at {error.limit}={error.value}")  # never retried
