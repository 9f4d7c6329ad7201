import logging

from nemovideo import NemoVideo, RedactingFilter

# NEMOVIDEO_LOG=info (or debug) does this for the SDK's own logger.
handler = logging.StreamHandler()
handler.addFilter(RedactingFilter())  # masks nmv_usr_... and clm_... in any record
logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
logging.getLogger("httpx").setLevel(logging.INFO)  # httpx's lines are masked too

with NemoVideo() as client:
    client.credits()  # "GET /api/credits/balance/simple -> 200 attempt=1 12ms"
