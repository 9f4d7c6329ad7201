from nemovideo import NemoVideo
from nemovideo.emulator import serve

with serve() as running:  # a real HTTP server on 127.0.0.1, a free port
    world = running.emulator
    world.configure(render_shape="c", error_style="ok")  # dialects of the protocol
    world.arm_fault("/credits", status=503, times=1)  # the next call fails once
    token = world.create_user_token(credits=500)  # as if made by hand in the web app
    with NemoVideo(base_url=running.url, token=token) as client:
        print(client.credits())  # retried after the 503
    print([r.path for r in world.requests])  # what it received (token redacted)
