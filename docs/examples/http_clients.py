import os

import httpx

from nemovideo import NemoVideo


def log_request(request: httpx.Request) -> None:
    print(request.method, request.url.path)  # headers hold the token: do not print them


http = httpx.Client(
    timeout=httpx.Timeout(30.0, connect=5.0),
    event_hooks={"request": [log_request]},
    # proxy="http://proxy.internal:3128",  # or HTTPS_PROXY in the environment
)
with http, NemoVideo(base_url=os.environ.get("NEMO_API_URL"), http_client=http) as client:
    print(client.credits())  # uploads and downloads go through `http` too
