from nemovideo import NemoVideo
from nemovideo.emulator import serve

TITLE_ONLY = {"t": [{"tt": 7, "sg": [{"tx": "Hello", "s": 0, "d": 1000}]}], "d": 1000}

with serve() as running:  # a real HTTP server on 127.0.0.1, a free port
    world = running.emulator
    world.configure(render_shape="c", error_style="ok")  # dialects of the protocol
    world.configure(render_scale=0.25)  # real MP4s at a quarter of the size: fast tests
    world.arm_fault("/credits", status=503, times=1)  # the next call fails once
    token = world.create_user_token(credits=500)  # as if made by hand in the web app
    with NemoVideo(base_url=running.url, token=token) as client:
        print(client.credits())  # retried after the 503
        session = client.create_session()
        world.set_draft(session.session_id, TITLE_ONLY)  # a timeline, no agent needed
        render = session.export()
        print(world.wait_for_render(render.id))  # "completed": no polling in your test
        print(render.status().state)
    print([r.path for r in world.requests])  # what it received (token redacted)
