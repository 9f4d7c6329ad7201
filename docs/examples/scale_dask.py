import os
from pathlib import Path

from distributed import Client, LocalCluster, Worker, WorkerPlugin, get_worker

from nemovideo import NemoVideo, Settings
from nemovideo.workflows import LeaderboardJob, run_leaderboards


class NemoVideoClient(WorkerPlugin):
    """One client per Dask worker: made when the worker starts, closed when it stops."""

    name = "nemovideo"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: NemoVideo | None = None

    def setup(self, worker: Worker) -> None:
        self.client = NemoVideo.from_settings(self.settings)

    def teardown(self, worker: Worker) -> None:
        if self.client is not None:
            self.client.close()


def credits_left(_: int) -> float:
    # A task of your own finds its worker's client; it never makes one.
    client = get_worker().plugins["nemovideo"].client
    return client.credits().available


if __name__ == "__main__":
    # The workers' environment: each worker process finds its token there.
    env = {name: os.environ[name] for name in ("NEMO_TOKEN", "NEMO_API_URL") if name in os.environ}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, env=env, dashboard_address=None) as cluster,
        Client(cluster) as dask,
    ):
        with NemoVideo() as client:
            settings = client.worker_settings()  # no token in what Dask ships and keeps
        dask.register_plugin(NemoVideoClient(settings))
        print("credits seen by the workers:", dask.gather(dask.map(credits_left, range(2))))

        clips = [str(Path(name).resolve()) for name in ("clip1.mp4", "clip2.mp4", "clip3.mp4")]
        jobs = [
            LeaderboardJob(clips, top=3, output=str(Path(f"board-{i}.mp4").resolve()), name=f"#{i}")
            for i in range(2)
        ]
        # pure=False: a leaderboard spends credits and writes a file, so two equal
        # submissions are two runs, never one result shared.
        results = run_leaderboards(dask.get_executor(pure=False), jobs, settings=settings)

    for result in results:
        print(result.job.name, "ok" if result.ok else repr(result.error), result.worker)
