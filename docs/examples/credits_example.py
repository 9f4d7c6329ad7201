"""Out of credits: what the error says, and the link that registers the account."""

import nemovideo

with nemovideo.NemoVideo() as client:
    balance = client.credits()
    print(f"{balance.available} credits available, {balance.frozen} held by running work")
    session = client.create_session()
    try:
        session.send("add a title 'Launch'").result()
    except nemovideo.InsufficientCreditsError as exc:
        print("out of credits:", exc)
        if exc.register_url:  # anonymous users: register and keep the projects
            print("register at", exc.register_url)
