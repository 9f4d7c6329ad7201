import nemovideo
from nemovideo import NemoVideo, RetryEvent


def watch(event: RetryEvent) -> None:
    print(f"retry {event.attempt} of {event.endpoint} in {event.wait:.1f}s: {event.error}")


with NemoVideo(on_retry=watch, max_retries=2) as client:
    session = client.create_session()
    try:
        session.export()
    except nemovideo.NotReadyError as error:
        print("nothing to export yet:", error)
    try:
        session.upload("notes.txt")
    except nemovideo.UnsupportedFileTypeError as error:
        print(error)  # refused before anything was sent
    try:
        client.session("0000000000000000000").state()
    except nemovideo.SessionNotFoundError as error:
        print(error.code, error.status_code, error.message)
    except nemovideo.APIError as error:  # every answer-level error
        print("the service said:", error)
