from nemovideo import NemoVideo


def show(sent: int, total: int) -> None:
    print(f"\ruploaded {sent / total:.0%}", end="")


with NemoVideo() as client:
    session = client.create_session()
    uploads = session.upload(["clip1.mp4", "clip2.mp4", "clip3.mp4"], on_progress=show)
    print()
    for upload in uploads:
        print(upload.filename, upload.file_type, upload.duration, upload.width, upload.height)

    # Let the service fetch media from the web instead of sending the bytes.
    session.upload_urls(["https://cdn.example.com/brand/intro.mp4"])

    # Later, or in another process: re-attach by id (no request is made).
    again = client.session(session.session_id, task_id=session.task_id)
    print(len(again.state().video_infos), "media in the session")
    print(again.browser_url())  # a claim-token link; never the bearer token
