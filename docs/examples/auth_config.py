import os

from nemovideo import NemoVideo

# Arguments beat environment variables, which beat defaults.
client = NemoVideo(
    base_url=os.environ.get("NEMO_API_URL"),  # default: the production API
    skill_source="my-marketing-tool",  # tools built on the SDK name themselves
    skill_version="2.4.0",
    max_retries=3,
)
with client:
    print(client)  # the token never shows in a repr, a log line or an error
    print(client.settings.attribution.headers())
    print(client.credits())
