import os

from nemovideo import NemoVideo, Secret

# A token is passed as a str (or a Secret) and held as a Secret from then on.
with NemoVideo(token=os.environ.get("NEMO_TOKEN")) as client:
    token = client.settings.token  # None when the client uses an anonymous token
    print(repr(token))  # Secret('nmv_usr_***'): masked in repr, str and f-strings
    if isinstance(token, Secret):
        # Only when you must hand the token to something else yourself:
        header = f"Bearer {token.get_secret_value()}"
        print(len(header) > len("Bearer "))
