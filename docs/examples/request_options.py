import nemovideo
from nemovideo import NemoVideo

with NemoVideo() as client:
    # --8<-- [start:per-call]
    balance = client.credits(
        timeout=5,  # seconds for this request (or an httpx.Timeout)
        max_retries=0,  # fail at once instead of retrying
        extra_headers={"X-Trace-Id": "report-42"},
        extra_query={"locale": "en"},
    )
    session = client.create_session(extra_body={"task_name": "Launch teaser"})
    # --8<-- [end:per-call]

    # --8<-- [start:with-options]
    patient = client.with_options(timeout=120, extra_headers={"X-Team": "video"})
    state = patient.session(session.session_id).state()  # same pool, same token
    # --8<-- [end:with-options]

    # --8<-- [start:raw]
    raw = client.with_raw_response.credits()
    print(raw.status_code, raw.request_id, raw.headers.get("content-type"))
    balance = raw.parse()  # the Credits that credits() returns

    info = state.response_info  # results read from one answer carry it too
    assert info is not None
    print(info.status_code, info.method, info.url)
    # --8<-- [end:raw]

    # --8<-- [start:protected]
    try:
        client.credits(extra_headers={"Authorization": "Bearer nmv_usr_other"})
    except ValueError as error:
        print(error)  # extra_headers may not set 'Authorization': pass token=... to the client
    # --8<-- [end:protected]

    # --8<-- [start:errors]
    try:
        client.session("0000000000000000000").state()
    except nemovideo.APIError as error:
        print(error.status_code, error.request_id, error.headers.get("content-type"))
    # --8<-- [end:errors]
