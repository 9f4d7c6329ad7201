import httpx

from nemovideo.emulator import serve

with serve() as running:
    # nemovideo-emulator prints this token at start; here it is on the running emulator
    headers = {"X-Emulator-Control": running.control_token}
    with httpx.Client(base_url=running.url, headers=headers) as control:
        print(control.post("/_emulator/config", json={"render_shape": "c"}).json())
        print(control.post("/_emulator/faults", json={"path": "/credits", "status": 503}).json())
        print(control.post("/_emulator/user-token", json={"credits": 5}).status_code)
        print(len(control.get("/_emulator/requests").json()))
    # without the token, or with a body that is not JSON, nothing changes
    print(httpx.post(f"{running.url}/_emulator/reset", json={}).status_code)  # 401
    answer = httpx.post(
        f"{running.url}/_emulator/reset",
        content="{}",
        headers={**headers, "Content-Type": "text/plain"},
    )
    print(answer.status_code)  # 415
